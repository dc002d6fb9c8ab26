// Editing on the map: the draft layer (the editor's uncommitted components), the tools (add a point, draw a line
// or polygon, reshape and drag with Modify, move a multi-selection with Translate, box-select with Ctrl+drag, draw
// a split line across a cell, pick cells to merge) and snapping (OpenLayers Snap) to components in view, unit grid
// cell edges and street/community boundaries, which follow the road network of the city.
import type OlMap from 'ol/Map';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import Collection from 'ol/Collection';
import Point from 'ol/geom/Point';
import LineString from 'ol/geom/LineString';
import Polygon from 'ol/geom/Polygon';
import Draw from 'ol/interaction/Draw';
import Modify from 'ol/interaction/Modify';
import Snap from 'ol/interaction/Snap';
import Select from 'ol/interaction/Select';
import PointerInteraction from 'ol/interaction/Pointer';
import DragBox from 'ol/interaction/DragBox';
import type Interaction from 'ol/interaction/Interaction';
import { platformModifierKeyOnly, shiftKeyOnly } from 'ol/events/condition';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';
import type { Geometry } from 'ol/geom';
import type { ShapeGeometry } from '../../shared/editing.ts';
import type { BBox, LonLat } from '../../shared/model.ts';
import type { PackedComponents } from '../../shared/packed.ts';
import type { DraftItem } from '../features/editing/draft.ts';

/** The active editing tool. */
export type EditTool = 'select' | 'point' | 'line' | 'polygon' | 'split' | 'merge';

/** What the tools report back. */
export interface EditCallbacks {
  onPoint(lonLat: LonLat): void;
  onShape(g: ShapeGeometry): void;
  /** A draft feature was dragged or reshaped. */
  onModified(key: string, lonLat: LonLat, geometry: ShapeGeometry | null): void;
  /** Selected draft features were moved together by a delta in degrees. */
  onTranslated(keys: string[], dLon: number, dLat: number): void;
  /** Ctrl+drag box over existing components. */
  onBox(bbox: BBox): void;
  onSplitLine(line: LonLat[]): void;
  onPickCell(lonLat: LonLat): void;
  /** The selection of draft features changed. */
  onSelection(keys: string[]): void;
  /** Snap index built or updated: what it holds and how long it took. */
  onSnapIndex(info: { points: number; ms: number; kind: 'build' | 'update' }): void;
}

const toShape = (g: Geometry): ShapeGeometry | null => {
  if (g instanceof LineString) return { type: 'LineString', coordinates: g.getCoordinates().map((c) => toLonLat(c) as LonLat) };
  if (g instanceof Polygon) return { type: 'Polygon', coordinates: g.getCoordinates().map((r) => r.map((c) => toLonLat(c) as LonLat)) };
  return null;
};
const fromShape = (g: ShapeGeometry) =>
  g.type === 'LineString' ? new LineString(g.coordinates.map((c) => fromLonLat(c))) : new Polygon(g.coordinates.map((r) => r.map((c) => fromLonLat(c))));

/** Draft rendering and editing interactions on one map. */
export class EditTools {
  readonly layer: VectorLayer<VectorSource>;
  private readonly source = new VectorSource();
  /** Snap targets that change with the view: component points in view. */
  private readonly snapPoints = new VectorSource<Feature<Point>>();
  private readonly selected = new Collection<Feature>();
  private interactions: Interaction[] = [];
  private snaps: Snap[] = [];
  private tool: EditTool | null = null;
  private moveStart: number[] | null = null;

  constructor(
    private readonly map: OlMap,
    private readonly snapSources: VectorSource[],
    private readonly cb: EditCallbacks,
  ) {
    const styles = {
      add: this.style('#2f9e44'),
      update: this.style('#f08c00'),
      restore: this.style('#1971c2'),
      retire: this.style('#868e96', true),
      selected: this.style('#d6336c'),
    };
    this.layer = new VectorLayer({
      source: this.source,
      zIndex: 20,
      style: (f) => (this.selected.getArray().includes(f as Feature) ? styles.selected : styles[(f.get('op') as keyof typeof styles) ?? 'update']),
    });
    // Before the last layer (the cases layer stays last; tests and tools find it there). zIndex sets drawing order.
    map.getLayers().insertAt(Math.max(0, map.getLayers().getLength() - 1), this.layer);
  }

  private style(color: string, cross = false): Style[] {
    const stroke = new Stroke({ color, width: 3 });
    return [
      new Style({
        image: cross
          ? new RegularShape({ points: 4, radius: 8, angle: Math.PI / 4, stroke, fill: new Fill({ color: '#fff' }) })
          : new Circle({ radius: 7, fill: new Fill({ color: `${color}55` }), stroke }),
        stroke,
        fill: new Fill({ color: `${color}22` }),
        text: new Text({ font: '11px sans-serif', offsetY: -14, fill: new Fill({ color }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
      }),
    ];
  }

  /** Shows the draft: one feature per item, its shape or its point. */
  setDraft(items: readonly DraftItem[]): void {
    const keep = new Set(this.selected.getArray().map((f) => f.getId()));
    const feats = items.map((i) => {
      const f = new Feature({ geometry: i.geometry ? fromShape(i.geometry) : new Point(fromLonLat([i.lon, i.lat])) });
      f.setId(i.key);
      f.set('op', i.op);
      return f;
    });
    this.source.clear(true);
    this.source.addFeatures(feats);
    this.selected.clear();
    for (const f of feats) if (keep.has(f.getId())) this.selected.push(f);
  }

  /** Selects draft features by key (e.g. after a box selection brought them in). */
  select(keys: string[]): void {
    this.selected.clear();
    for (const k of keys) {
      const f = this.source.getFeatureById(k);
      if (f) this.selected.push(f);
    }
    this.layer.changed();
    this.cb.onSelection(keys);
  }

  /** Component points in view become snap targets (called after each view load while editing). */
  setSnapPoints(packed: PackedComponents): void {
    if (!this.tool) return;
    const t0 = performance.now();
    this.fillSnapPoints(packed);
    this.cb.onSnapIndex({ points: packed.count, ms: performance.now() - t0, kind: 'update' });
  }

  /** Turns a tool on (null = editing off). */
  setTool(tool: EditTool | null, packed?: PackedComponents | null): void {
    for (const i of this.interactions) this.map.removeInteraction(i);
    this.interactions = [];
    this.snaps = [];
    this.tool = tool;
    if (!tool) {
      this.selected.clear();
      return;
    }
    const add = (i: Interaction) => {
      this.map.addInteraction(i);
      this.interactions.push(i);
    };
    if (tool === 'point' || tool === 'line' || tool === 'polygon' || tool === 'split') {
      const draw = new Draw({ type: tool === 'point' ? 'Point' : tool === 'polygon' ? 'Polygon' : 'LineString', stopClick: true });
      draw.on('drawend', (e) => {
        const g = e.feature.getGeometry()!;
        if (g instanceof Point) this.cb.onPoint(toLonLat(g.getCoordinates()) as LonLat);
        else if (tool === 'split') this.cb.onSplitLine((g as LineString).getCoordinates().map((c) => toLonLat(c) as LonLat));
        else {
          const s = toShape(g);
          if (s) this.cb.onShape(s);
        }
      });
      add(draw);
    }
    if (tool === 'select') {
      const select = new Select({ layers: [this.layer], features: this.selected, toggleCondition: shiftKeyOnly, style: null as unknown as undefined });
      select.on('select', () => {
        this.layer.changed();
        this.cb.onSelection(this.selected.getArray().map((f) => String(f.getId())));
      });
      add(select);
      // Single features are reshaped vertex by vertex (Alt+click removes a vertex).
      const modify = new Modify({ source: this.source, pixelTolerance: 8 });
      modify.on('modifyend', (e) => {
        for (const f of e.features.getArray()) {
          const g = f.getGeometry()!;
          if (g instanceof Point) this.cb.onModified(String(f.getId()), toLonLat(g.getCoordinates()) as LonLat, null);
          else {
            const s = toShape(g);
            if (s) this.cb.onModified(String(f.getId()), s.type === 'Polygon' ? s.coordinates[0][0] : s.coordinates[0], s);
          }
        }
      });
      add(modify);
      // Added after Modify so it sees a press first: with several features selected, a drag moves them all.
      add(this.moveSelected());
      const box = new DragBox({ condition: platformModifierKeyOnly });
      box.on('boxend', () => this.cb.onBox(transformExtent(box.getGeometry().getExtent(), 'EPSG:3857', 'EPSG:4326') as BBox));
      add(box);
    }
    if (tool === 'merge') {
      const pick = new Draw({ type: 'Point', stopClick: true, style: [] });
      pick.on('drawend', (e) => this.cb.onPickCell(toLonLat((e.feature.getGeometry() as Point).getCoordinates()) as LonLat));
      add(pick);
    }
    // Snap goes last so it sees pointer moves before the other interactions. Building it indexes every segment
    // of the grid and the boundaries and every component point in view.
    const t0 = performance.now();
    if (packed) this.fillSnapPoints(packed);
    for (const source of [this.source, this.snapPoints, ...this.snapSources]) {
      const s = new Snap({ source, pixelTolerance: 10 });
      this.snaps.push(s);
      add(s);
    }
    this.cb.onSnapIndex({ points: this.snapPoints.getFeatures().length, ms: performance.now() - t0, kind: 'build' });
  }

  /** Drags every selected draft feature together (ol's Translate, given a feature collection, hit-tests every
   * layer, which the WebGL components layer refuses). Reports the move as one delta. */
  private moveSelected(): PointerInteraction {
    let last: number[] | null = null;
    return new PointerInteraction({
      handleDownEvent: (e) => {
        if (this.selected.getLength() < 2) return false; // one feature: Modify drags it
        const hit = this.map.forEachFeatureAtPixel(e.pixel, (f) => f, { layerFilter: (l) => l === this.layer, hitTolerance: 6 });
        if (!hit || !this.selected.getArray().includes(hit as Feature)) return false;
        this.moveStart = last = e.coordinate;
        return true;
      },
      handleDragEvent: (e) => {
        const [dx, dy] = [e.coordinate[0] - last![0], e.coordinate[1] - last![1]];
        for (const f of this.selected.getArray()) f.getGeometry()!.translate(dx, dy);
        last = e.coordinate;
      },
      handleUpEvent: (e) => {
        const [a, b] = [toLonLat(this.moveStart!), toLonLat(e.coordinate)];
        this.moveStart = last = null;
        this.cb.onTranslated(
          this.selected.getArray().map((f) => String(f.getId())),
          b[0] - a[0],
          b[1] - a[1],
        );
        return false;
      },
    });
  }

  private fillSnapPoints(packed: PackedComponents): void {
    const feats: Feature<Point>[] = new Array(packed.count);
    for (let k = 0; k < packed.count; k++) feats[k] = new Feature(new Point([packed.originX + packed.xy[2 * k], packed.originY + packed.xy[2 * k + 1]]));
    this.snapPoints.clear(true);
    this.snapPoints.addFeatures(feats);
  }

  get active(): EditTool | null {
    return this.tool;
  }
}
