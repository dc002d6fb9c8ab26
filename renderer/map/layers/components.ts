// The component inventory: a WebGL vector layer (the fast path), or a Canvas vector layer where WebGL is missing.
// Features come from the core's packed view of what is on screen, decimated per class at low zoom.
import VectorLayer from 'ol/layer/Vector';
import WebGLVectorLayer from 'ol/layer/WebGLVector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import { Circle, Fill, Stroke, Style } from 'ol/style';
import type { FlatStyle } from 'ol/style/flat';
import KDBush from 'kdbush';
import type { PackedComponents } from '../../../shared/packed.ts';
import { MAJOR_COLORS, OTHER_COLOR } from '../styles.ts';

const MAJORS = ['01', '02', '03', '04', '05', '06'];
/** Component layer of either kind. */
export type ComponentsLayer = WebGLVectorLayer<VectorSource<Feature<Point>>> | VectorLayer<VectorSource<Feature<Point>>>;

/** Builds the components layer for the renderer in use. */
export function createComponentsLayer(webgl: boolean): ComponentsLayer {
  const source = new VectorSource<Feature<Point>>({ wrapX: false });
  if (webgl) {
    const fill: unknown[] = ['match', ['get', 'maj']];
    MAJORS.forEach((m, i) => fill.push(i + 1, MAJOR_COLORS[m]));
    fill.push(OTHER_COLOR);
    const style: FlatStyle = {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 1.4, 15, 2.4, 18, 5, 21, 9],
      'circle-fill-color': fill as FlatStyle['circle-fill-color'],
      'circle-stroke-color': 'rgba(255,255,255,0.85)',
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 15, 0, 17, 1],
    };
    // Hit detection goes through the core's spatial index (click) and a local KDBush (hover): OpenLayers' own
    // GPU picking would re-render a hit buffer and read it back every frame, the most expensive part in software GL.
    return new WebGLVectorLayer({ source, style, zIndex: 2, disableHitDetection: true });
  }
  const styles = [OTHER_COLOR, ...MAJORS.map((m) => MAJOR_COLORS[m])].map((color) =>
    [2, 4, 6].map(
      (r) => new Style({ image: new Circle({ radius: r, fill: new Fill({ color }), stroke: r > 2 ? new Stroke({ color: '#fff', width: 1 }) : undefined }) }),
    ),
  );
  return new VectorLayer({
    source,
    zIndex: 2,
    style: (f, res) => styles[(f.get('maj') as number) || 0][res > 4 ? 0 : res > 0.8 ? 1 : 2],
  });
}

/** Loaded batch with a local index for hover hit-testing (click look-ups go to the core's spatial index). */
export interface LoadedBatch {
  packed: PackedComponents;
  index: KDBush | null;
}

/** Replaces the layer's features with a packed batch; returns a hover index over it. */
export function setComponents(layer: ComponentsLayer, packed: PackedComponents, majorOfClass: Uint8Array): LoadedBatch {
  const feats: Feature<Point>[] = new Array(packed.count);
  const index = packed.count > 0 ? new KDBush(packed.count) : null;
  for (let k = 0; k < packed.count; k++) {
    const x = packed.originX + packed.xy[2 * k],
      y = packed.originY + packed.xy[2 * k + 1];
    const f = new Feature({ geometry: new Point([x, y]) });
    f.setId(packed.ids[k]);
    f.set('maj', majorOfClass[packed.cls[k]], true);
    f.set('cls', packed.cls[k], true);
    feats[k] = f;
    index?.add(x, y);
  }
  index?.finish();
  const src = layer.getSource()!;
  src.clear(true);
  src.addFeatures(feats);
  return { packed, index };
}
