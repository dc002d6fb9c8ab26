// Benchmark baseline only (scripts/bench/render.ts): the same cells and components as the app, fetched as plain
// GeoJSON objects and drawn by ordinary Canvas vector layers with no decimation, no WebGL, no binary transport.
import 'ol/ol.css';
import OlMap from 'ol/Map';
import View from 'ol/View';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import GeoJSON from 'ol/format/GeoJSON';
import { Circle, Fill, Stroke, Style } from 'ol/style';
import { transformExtent } from 'ol/proj';
import { decodePacked } from '../../shared/packed.ts';
import { fromMercator } from '../../shared/geo.ts';
import { MAJOR_COLORS, OTHER_COLOR } from '../map/styles.ts';
import type { AppInfo, PackedCells } from '../../shared/model.ts';
import { api, apiBytes, benchFailed } from './api.ts';

const info = await api<AppInfo>('app.info', {});
const classes = await api<{ idx: number; major: string }[]>('catalog.componentClasses', {});
const majorOf = new Map(classes.map((c) => [c.idx, c.major]));
const packed = decodePacked(await apiBytes('components.view', { bbox: info.bounds, resolution: 1, maxFeatures: 400_000 }));
const cells = await api<PackedCells>('grid.cells', {});
if (packed.count === 0 || cells.codes.length === 0) benchFailed(`the baseline got ${packed.count} components and ${cells.codes.length} cells`);

const components = {
  type: 'FeatureCollection',
  features: Array.from({ length: packed.count }, (_, k) => ({
    type: 'Feature',
    id: packed.ids[k],
    properties: { major: majorOf.get(packed.cls[k]) },
    geometry: { type: 'Point', coordinates: fromMercator(packed.originX + packed.xy[2 * k], packed.originY + packed.xy[2 * k + 1]) },
  })),
};
const cellsFc = {
  type: 'FeatureCollection',
  features: cells.codes.map((code: string, i: number) => {
    const ring = [];
    for (let k = cells.offsets[i]; k < cells.offsets[i + 1]; k += 2) ring.push([cells.coords[k], cells.coords[k + 1]]);
    return { type: 'Feature', properties: { code }, geometry: { type: 'Polygon', coordinates: [ring] } };
  }),
};
const fmt = new GeoJSON({ featureProjection: 'EPSG:3857' });
const styles = new Map(Object.entries(MAJOR_COLORS).map(([m, color]) => [m, new Style({ image: new Circle({ radius: 2, fill: new Fill({ color }) }) })]));
const other = new Style({ image: new Circle({ radius: 2, fill: new Fill({ color: OTHER_COLOR }) }) });
const cellStyle = new Style({ fill: new Fill({ color: 'rgba(187,222,251,0.45)' }), stroke: new Stroke({ color: 'rgba(90,110,130,0.55)', width: 0.6 }) });
const map = new OlMap({
  target: 'map',
  layers: [
    new VectorLayer({ source: new VectorSource({ features: fmt.readFeatures(cellsFc) }), style: cellStyle }),
    new VectorLayer({ source: new VectorSource({ features: fmt.readFeatures(components) }), style: (f) => styles.get(f.get('major')) ?? other }),
  ],
  view: new View({ center: [0, 0], zoom: 2 }),
});
map.getView().fit(transformExtent(info.bounds, 'EPSG:4326', 'EPSG:3857'), { padding: [20, 20, 20, 20] });
(window as unknown as { __cityopsMap: unknown }).__cityopsMap = map;
map.once('rendercomplete', () => {
  document.body.dataset.mapReadyAt = String(Math.round(performance.now()));
  document.body.dataset.mapReady = '1';
});
