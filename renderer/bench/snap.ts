// Benchmark page (scripts/bench/editing.ts): OpenLayers Snap over the whole city — every component point, every
// unit grid cell and every street/community boundary — the way the edit tools build it, then an update of 1,000
// components and 1,000 snap look-ups at random places (what each pointer move costs), against a linear scan.
import OlMap from 'ol/Map';
import View from 'ol/View';
import VectorSource from 'ol/source/Vector';
import VectorLayer from 'ol/layer/Vector';
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import Snap from 'ol/interaction/Snap';
import { fromLonLat, transformExtent } from 'ol/proj';
import { decodePacked } from '../../shared/packed.ts';
import { percentile } from '../../scripts/bench/stats.ts';
import type { AppInfo, Boundary, PackedCells } from '../../shared/model.ts';
import { api, apiBytes, benchFailed } from './api.ts';

const info = await api<AppInfo>('app.info', {});
const packed = decodePacked(await apiBytes('components.view', { bbox: info.bounds, resolution: 0.01, maxFeatures: 400_000 }));
const cells = await api<PackedCells>('grid.cells', {});
const bounds = await api<Boundary[]>('grid.boundaries', { kind: 'community' });
if (packed.count === 0 || cells.codes.length === 0 || bounds.length === 0)
  benchFailed(`the snap page got ${packed.count} components, ${cells.codes.length} cells, ${bounds.length} boundaries`);

const extent = transformExtent(info.bounds, 'EPSG:4326', 'EPSG:3857');
const map = new OlMap({ target: 'map', view: new View({ center: [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2], zoom: 18 }) });
const t0 = performance.now();
const points = new VectorSource<Feature<Point>>({
  features: Array.from({ length: packed.count }, (_, k) => new Feature(new Point([packed.originX + packed.xy[2 * k], packed.originY + packed.xy[2 * k + 1]]))),
});
const cellFeats: Feature<Polygon>[] = [];
for (let i = 0; i < cells.codes.length; i++) {
  const ring: number[][] = [];
  for (let k = cells.offsets[i]; k < cells.offsets[i + 1]; k += 2) ring.push(fromLonLat([cells.coords[k], cells.coords[k + 1]]));
  cellFeats.push(new Feature(new Polygon([ring])));
}
const cellSource = new VectorSource({ features: cellFeats });
const boundarySource = new VectorSource({ features: bounds.map((b) => new Feature(new Polygon([b.ring.map((c) => fromLonLat(c))]))) });
map.addLayer(new VectorLayer({ source: cellSource }));
const snaps = [points, cellSource, boundarySource].map((source) => new Snap({ source, pixelTolerance: 10 }));
for (const s of snaps) map.addInteraction(s); // Snap indexes its source's segments when it joins the map
const buildMs = performance.now() - t0;

// Update: 1,000 components move (a commit arrives).
const some = points.getFeatures().slice(0, 1000);
const t1 = performance.now();
for (const f of some) points.removeFeature(f);
points.addFeatures(some.map((f) => new Feature(new Point([f.getGeometry()!.getCoordinates()[0] + 1, f.getGeometry()!.getCoordinates()[1]]))));
const updateMs = performance.now() - t1;

// Look-ups: snapTo at 1,000 random places in the city, as a pointer move does for each Snap.
map.renderSync();
const rnd = (() => {
  let s = 7;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
})();
const times: number[] = [];
const naive: number[] = [];
let sink = 0; // keeps the linear scan from being optimised away
const all = points.getFeatures().map((f) => f.getGeometry()!.getCoordinates());
for (let i = 0; i < 1000; i++) {
  const c = [extent[0] + rnd() * (extent[2] - extent[0]), extent[1] + rnd() * (extent[3] - extent[1])];
  map.getView().setCenter(c);
  map.renderSync();
  const px = map.getPixelFromCoordinate(c);
  const t = performance.now();
  for (const s of snaps) (s as unknown as { snapTo(p: number[], c: number[], m: OlMap): unknown }).snapTo(px, c, map);
  times.push(performance.now() - t);
  if (i < 50) {
    const u = performance.now();
    let best = Infinity;
    for (const p of all) best = Math.min(best, (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2);
    naive.push(performance.now() - u);
    sink += best;
  }
}
Object.assign(document.body.dataset, {
  snapPoints: String(packed.count),
  snapCells: String(cells.codes.length),
  snapBuildMs: String(buildMs),
  snapUpdateMs: String(updateMs),
  snapP50: String(percentile(times, 50)),
  snapP95: String(percentile(times, 95)),
  naiveP50: String(percentile(naive, 50)),
  snapDone: '1',
  sink: String(sink > 0),
});
