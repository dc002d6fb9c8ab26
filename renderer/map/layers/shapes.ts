// Line and polygon components (交通护栏, 绿地, 停车场, 工地, 防汛墙 …) drawn as their shapes at street zoom,
// coloured by major class like the points. At lower zoom they appear as points only.
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import LineString from 'ol/geom/LineString';
import Polygon from 'ol/geom/Polygon';
import { Fill, Stroke, Style } from 'ol/style';
import { fromLonLat } from 'ol/proj';
import type { ComponentShape } from '../../../shared/model.ts';
import { MAJOR_COLORS, OTHER_COLOR } from '../styles.ts';

/** Resolution (m/px) below which shapes are requested and drawn. */
export const SHAPES_RES = 4;

/** Builds the shapes layer. */
export function createShapesLayer(): VectorLayer<VectorSource<Feature<LineString | Polygon>>> {
  const styles = new Map<string, Style>();
  const styleOf = (major: string, polygon: boolean) => {
    const key = `${major}${polygon ? 'p' : 'l'}`;
    let s = styles.get(key);
    if (!s) {
      const color = MAJOR_COLORS[major] ?? OTHER_COLOR;
      s = polygon
        ? new Style({ fill: new Fill({ color: `${color}40` }), stroke: new Stroke({ color, width: 1.5 }) })
        : new Style({ stroke: new Stroke({ color, width: 3, lineCap: 'butt' }) });
      styles.set(key, s);
    }
    return s;
  };
  return new VectorLayer({
    source: new VectorSource<Feature<LineString | Polygon>>(),
    zIndex: 1.5,
    maxResolution: SHAPES_RES,
    style: (f) => styleOf(f.get('major') as string, f.getGeometry()!.getType() === 'Polygon'),
  });
}

/** Replaces the shapes with those of the current view. */
export function setShapes(layer: VectorLayer<VectorSource<Feature<LineString | Polygon>>>, shapes: ComponentShape[]): void {
  const feats = shapes.map((s) => {
    const geometry =
      s.geometry.type === 'Polygon'
        ? new Polygon(s.geometry.coordinates.map((ring) => ring.map((p) => fromLonLat(p))))
        : new LineString(s.geometry.coordinates.map((p) => fromLonLat(p)));
    const f = new Feature({ geometry });
    f.setId(s.id);
    f.set('major', s.classCode.slice(0, 2), true);
    f.set('code', s.code, true);
    return f;
  });
  const src = layer.getSource()!;
  src.clear(true);
  src.addFeatures(feats);
}
