// Unit grid cells: fill-only at city zoom (cheap), outlines when zoomed in, cell codes at close zoom.
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import Polygon from 'ol/geom/Polygon';
import { Fill, Stroke, Style, Text } from 'ol/style';
import { fromLonLat } from 'ol/proj';
import type { PackedCells } from '../../../shared/model.ts';
import { STREET_FILLS } from '../styles.ts';

/** Resolution (m/px) below which cell outlines are drawn. */
export const OUTLINE_RES = 6;
/** Resolution below which cell codes are drawn. */
export const LABEL_RES = 1.3;

/** Builds the cells layer (empty until setCells). */
export function createCellsLayer(): VectorLayer<VectorSource<Feature<Polygon>>> {
  const fills = STREET_FILLS.map((c) => new Fill({ color: c }));
  const outline = new Stroke({ color: 'rgba(90, 110, 130, 0.55)', width: 0.6 });
  const fillOnly = fills.map((f) => new Style({ fill: f }));
  const withOutline = fills.map((f) => new Style({ fill: f, stroke: outline }));
  const label = new Text({ font: '10px sans-serif', fill: new Fill({ color: '#37474f' }), stroke: new Stroke({ color: '#fff', width: 2.5 }), overflow: false });
  const labelled = fills.map((f) => new Style({ fill: f, stroke: outline, text: label }));
  return new VectorLayer({
    source: new VectorSource<Feature<Polygon>>(),
    zIndex: 1,
    updateWhileInteracting: false,
    style: (f, res) => {
      const i = (f.get('street') as number) % fills.length;
      if (res > OUTLINE_RES) return fillOnly[i];
      if (res > LABEL_RES) return withOutline[i];
      const s = labelled[i];
      s.getText()!.setText(f.get('code') as string);
      return s;
    },
  });
}

/** Replaces the cells with a packed set from the core. */
export function setCells(layer: VectorLayer<VectorSource<Feature<Polygon>>>, packed: PackedCells): void {
  const feats: Feature<Polygon>[] = [];
  for (let i = 0; i < packed.codes.length; i++) {
    const ring: number[][] = [];
    for (let k = packed.offsets[i]; k < packed.offsets[i + 1]; k += 2) ring.push(fromLonLat([packed.coords[k], packed.coords[k + 1]]));
    const f = new Feature({ geometry: new Polygon([ring]) });
    f.setId(packed.codes[i]);
    f.set('code', packed.codes[i]);
    f.set('street', Number(packed.communities[packed.community[i]].slice(0, 3)) - 1);
    feats.push(f);
  }
  const src = layer.getSource()!;
  src.clear(true);
  src.addFeatures(feats);
}
