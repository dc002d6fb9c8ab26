// Street (街道) and community (社区) outlines with their names at suitable zooms.
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import Polygon from 'ol/geom/Polygon';
import { Fill, Stroke, Style, Text } from 'ol/style';
import { fromLonLat } from 'ol/proj';
import type { Boundary } from '../../../shared/model.ts';

/** Builds the boundaries layer. */
export function createBoundariesLayer(): VectorLayer<VectorSource<Feature<Polygon>>> {
  const street = new Stroke({ color: 'rgba(55, 65, 81, 0.9)', width: 2.4 });
  const community = new Stroke({ color: 'rgba(75, 85, 99, 0.7)', width: 1.1, lineDash: [6, 4] });
  const text = (size: number, weight: string) =>
    new Text({
      font: `${weight} ${size}px sans-serif`,
      fill: new Fill({ color: '#1f2937' }),
      stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 3 }),
      overflow: true,
    });
  const streetStyle = new Style({ stroke: street });
  const streetLabel = new Style({ stroke: street, text: text(14, 'bold') });
  const commStyle = new Style({ stroke: community });
  const commLabel = new Style({ stroke: community, text: text(12, 'normal') });
  return new VectorLayer({
    source: new VectorSource<Feature<Polygon>>(),
    zIndex: 3,
    style: (f, res) => {
      const name = f.get('name') as string;
      if (f.get('kind') === 'street') {
        if (res > 4) {
          streetLabel.getText()!.setText(name);
          return streetLabel;
        }
        return streetStyle;
      }
      if (res > 12) return undefined;
      if (res <= 4 && res > 0.8) {
        commLabel.getText()!.setText(name);
        return commLabel;
      }
      return commStyle;
    },
  });
}

/** Adds outlines (streets drawn above communities). */
export function setBoundaries(layer: VectorLayer<VectorSource<Feature<Polygon>>>, list: Boundary[]): void {
  const feats = list.map((b) => {
    const f = new Feature({ geometry: new Polygon([b.ring.map((p) => fromLonLat(p))]) });
    f.setProperties({ kind: b.kind, code: b.code, name: b.name });
    return f;
  });
  layer.getSource()!.addFeatures(feats);
}
