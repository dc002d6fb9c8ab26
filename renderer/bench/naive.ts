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

async function api(method: string, input: unknown): Promise<Response> {
  // The session of this tab (log in on the app page first, then open this page in the same tab).
  const token = sessionStorage.getItem('cityops.token');
  return fetch(`../api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
}

const info = (await (await api('app.info', {})).json()).result;
const classes = (await (await api('catalog.componentClasses', {})).json()).result as { idx: number; major: string }[];
const majorOf = new Map(classes.map((c) => [c.idx, c.major]));
const packed = decodePacked(new Uint8Array(await (await api('components.view', { bbox: info.bounds, resolution: 1, maxFeatures: 400_000 })).arrayBuffer()));
const cells = (await (await api('grid.cells', {})).json()).result;

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
