// MapController: the sole owner of ol/Map. React talks to it through methods; it reports back through callbacks.
import OlMap from 'ol/Map';
import View from 'ol/View';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import TileLayer from 'ol/layer/Tile';
import XYZ from 'ol/source/XYZ';
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import type Polygon from 'ol/geom/Polygon';
import ScaleLine from 'ol/control/ScaleLine';
import Zoom from 'ol/control/Zoom';
import { defaults as defaultInteractions } from 'ol/interaction/defaults';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import { Circle, Fill, Stroke, Style } from 'ol/style';
import type { MapBrowserEvent } from 'ol';
import { call } from '../api/client.ts';
import { allocPacked, decodePacked } from '../../shared/packed.ts';
import type { BaseLayerSettings, BBox, Component, ComponentClass, GridCell } from '../../shared/model.ts';
import { createCellsLayer, setCells } from './layers/cells.ts';
import { createBoundariesLayer, setBoundaries } from './layers/boundaries.ts';
import { createComponentsLayer, setComponents, type ComponentsLayer, type LoadedBatch } from './layers/components.ts';
import { InteractionSnapshot } from './layers/snapshot.ts';
import { createShapesLayer, setShapes, SHAPES_RES } from './layers/shapes.ts';
import { createCasesLayer, setCasePoints, type CasePoint } from './layers/cases.ts';
import { EditTools, type EditCallbacks, type EditTool } from './editing.ts';

/** What the map shows in the detail panel. */
export type Selection = { kind: 'component'; component: Component } | { kind: 'cell'; cell: GridCell } | null;

/** Figures for the status bar. */
export interface MapStatus {
  shown: number;
  total: number;
  decimated: boolean;
  loading: boolean;
}

/** Callbacks from the map to the React shell. */
export interface MapCallbacks {
  onSelect(sel: Selection): void;
  onCursor(lonLat: [number, number] | null): void;
  onStatus(s: MapStatus): void;
  /** A case point was clicked. */
  onCase?(id: number): void;
  /** Editing tools report here. */
  edit?: EditCallbacks;
}

const HOVER_PX = 7;

/** Owns the OpenLayers map and its layers. */
export class MapController {
  readonly map: OlMap;
  readonly webgl: boolean;
  private readonly cells = createCellsLayer();
  private readonly boundaries = createBoundariesLayer();
  private readonly components: ComponentsLayer;
  private readonly snapshot: InteractionSnapshot | null;
  private componentsOn = true;
  private readonly base = new TileLayer({ zIndex: 0, visible: false });
  private readonly baseLabels = new TileLayer({ zIndex: 0.5, visible: false });
  private readonly highlight = new VectorLayer({ source: new VectorSource(), zIndex: 10 });
  private readonly shapes = createShapesLayer();
  private readonly cases = createCasesLayer();
  private casePoints: CasePoint[] = [];
  private selectedCase: number | null = null;
  /** While set, the next click answers this instead of selecting (intake: pick the place). */
  private picker: ((lonLat: [number, number]) => void) | null = null;
  private readonly hoverFeature = new Feature<Point>();
  private readonly hoverCell = new Feature<Polygon>();
  private readonly selectedFeature = new Feature();
  private batch: LoadedBatch | null = null;
  private visibleClasses: string[] | null = null; // null = all
  private majorOfClass = new Uint8Array(0);
  private requestNo = 0;
  private lastQuery = '';
  private viewTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  /** The component layer as of this time (ISO), or today's (null). */
  private asOf: string | null = null;
  /** Draft layer, editing tools and snapping (GIS editors). */
  readonly edit: EditTools | null;

  constructor(
    target: HTMLElement,
    private readonly cb: MapCallbacks,
    opts: { webgl: boolean; bounds: BBox },
  ) {
    this.webgl = opts.webgl;
    this.components = createComponentsLayer(opts.webgl);
    this.snapshot = opts.webgl ? new InteractionSnapshot(2) : null;
    const extent = transformExtent(opts.bounds, 'EPSG:4326', 'EPSG:3857');
    const pad = 3000;
    this.map = new OlMap({
      target,
      // Order in this list is kept stable for tests (0 base, 1 cells, 2 components, 3 boundaries, 4 highlight);
      // drawing order comes from zIndex.
      layers: [
        this.base,
        this.cells,
        this.components,
        this.boundaries,
        this.highlight,
        this.shapes,
        this.baseLabels,
        ...(this.snapshot ? [this.snapshot.layer] : []),
        this.cases,
      ],
      controls: [new Zoom(), new ScaleLine({ bar: true, steps: 4, text: true, minWidth: 140 })],
      interactions: defaultInteractions(),
      view: new View({
        center: [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2],
        zoom: 13,
        minZoom: 11,
        maxZoom: 21,
        extent: [extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad],
        constrainOnlyCenter: true,
      }),
    });
    this.map.getView().fit(extent, { padding: [20, 20, 20, 20] });
    this.edit = cb.edit ? new EditTools(this.map, [this.cells.getSource()!, this.boundaries.getSource()!], cb.edit) : null;
    this.highlight.getSource()!.addFeatures([this.hoverCell, this.hoverFeature, this.selectedFeature]);
    this.hoverFeature.setStyle(
      new Style({ image: new Circle({ radius: 9, stroke: new Stroke({ color: '#fab005', width: 3 }), fill: new Fill({ color: 'rgba(250,176,5,0.25)' }) }) }),
    );
    this.hoverCell.setStyle(new Style({ stroke: new Stroke({ color: 'rgba(250,176,5,0.9)', width: 2 }) }));
    this.selectedFeature.setStyle(
      new Style({
        image: new Circle({ radius: 11, stroke: new Stroke({ color: '#e03131', width: 3 }) }),
        stroke: new Stroke({ color: '#e03131', width: 3 }),
        fill: new Fill({ color: 'rgba(224,49,49,0.08)' }),
      }),
    );
    if (this.snapshot) {
      const snap = this.snapshot;
      this.components.on('postrender', (e) => snap.capture(e));
      this.map.on('movestart', () => this.componentsOn && snap.stand(this.components, true));
    }
    this.map.on('moveend', () => {
      if (this.componentsOn) this.snapshot?.stand(this.components, false);
      this.scheduleView();
    });
    this.map.on('pointermove', (e) => this.onPointerMove(e as MapBrowserEvent<PointerEvent>));
    this.map.on('singleclick', (e) => void this.onClick(e as MapBrowserEvent<PointerEvent>));
    target.addEventListener('pointerleave', () => {
      cb.onCursor(null);
      this.hoverFeature.setGeometry(undefined);
      this.hoverCell.setGeometry(undefined);
    });
  }

  /** Loads the grid, boundaries and class table, then the first view. */
  async load(classes: ComponentClass[]): Promise<void> {
    this.majorOfClass = new Uint8Array(Math.max(0, ...classes.map((c) => c.idx)) + 1);
    for (const c of classes) this.majorOfClass[c.idx] = Number(c.major) <= 6 ? Number(c.major) : 0;
    // Components, cells and outlines load in parallel; each layer fills in as its data arrives.
    const components = this.refreshView();
    const [cells, streets, communities] = await Promise.all([
      call('grid.cells', {}),
      call('grid.boundaries', { kind: 'street' }),
      call('grid.boundaries', { kind: 'community' }),
    ]);
    if (this.disposed) return;
    setCells(this.cells, cells);
    setBoundaries(this.boundaries, [...communities, ...streets]);
    await components;
  }

  /** Turns an editing tool on (null: off). */
  setEditTool(tool: EditTool | null): void {
    this.edit?.setTool(tool, this.batch?.packed);
  }

  /** Shows the component layer as of a past time (ISO 8601), or today's (null). */
  setAsOf(iso: string | null): void {
    this.asOf = iso;
    void this.refreshView();
    void this.reloadCells();
  }

  /** Reloads components in view after a commit somewhere (pushed): the same view, fresh data. */
  refreshComponents(): Promise<void> {
    this.lastQuery = '';
    return this.refreshView();
  }

  /** Reloads the grid after a grid edit. */
  async reloadCells(): Promise<void> {
    const cells = await call('grid.cells', this.asOf ? { asOf: this.asOf } : {});
    if (!this.disposed) setCells(this.cells, cells);
  }

  setVisibleClasses(codes: string[] | null): void {
    this.visibleClasses = codes;
    void this.refreshView();
  }
  setGridVisible(v: boolean): void {
    this.cells.setVisible(v);
  }
  setBoundariesVisible(v: boolean): void {
    this.boundaries.setVisible(v);
  }
  setComponentsVisible(v: boolean): void {
    this.componentsOn = v;
    this.components.setVisible(v);
    this.shapes.setVisible(v);
    this.snapshot?.layer.setVisible(false);
  }

  /** Shows the configured base map, or none (the default: the app works offline). */
  setBaseLayer(b: BaseLayerSettings): void {
    if (b.kind === 'none') {
      for (const l of [this.base, this.baseLabels]) {
        l.setVisible(false);
        l.setSource(null);
      }
      return;
    }
    // Tianditu's Web Mercator ('_w') tiles; its vector/imagery layers carry no names, so its annotation layer
    // (cva = vector labels, cia = imagery labels) goes on top.
    const tdt = (layer: string) =>
      `https://t{0-7}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${b.tiandituKey}`;
    const kind = b.tiandituLayer ?? 'vec';
    this.base.setSource(new XYZ({ url: b.kind === 'xyz' ? b.url! : tdt(kind), crossOrigin: 'anonymous', maxZoom: 18 }));
    this.base.setOpacity(b.opacity);
    this.base.setVisible(true);
    const labels = b.kind === 'tianditu';
    this.baseLabels.setSource(labels ? new XYZ({ url: tdt(kind === 'img' ? 'cia' : 'cva'), crossOrigin: 'anonymous', maxZoom: 18 }) : null);
    this.baseLabels.setOpacity(b.opacity);
    this.baseLabels.setVisible(labels);
  }

  /** Shows the open cases (the whole district: open cases are few). */
  setCases(points: CasePoint[]): void {
    this.casePoints = points;
    setCasePoints(this.cases, points, this.selectedCase);
  }
  setCasesVisible(v: boolean): void {
    this.cases.setVisible(v);
  }
  /** Marks a case as selected and optionally centres on it. */
  selectCase(id: number | null, centre?: [number, number]): void {
    this.selectedCase = id;
    setCasePoints(this.cases, this.casePoints, id);
    if (centre) this.map.getView().animate({ center: fromLonLat(centre), zoom: Math.max(this.map.getView().getZoom() ?? 16, 17), duration: 250 });
  }
  /** The next map click reports its lon/lat to `fn` (null cancels). */
  pickPoint(fn: ((lonLat: [number, number]) => void) | null): void {
    this.picker = fn;
    const el = this.map.getTargetElement();
    if (el) el.style.cursor = fn ? 'crosshair' : '';
  }

  /** Zooms to a lon/lat box. */
  fit(bbox: BBox, maxZoom = 19): void {
    this.map.getView().fit(transformExtent(bbox, 'EPSG:4326', 'EPSG:3857'), { padding: [60, 60, 60, 60], maxZoom, duration: 250 });
  }

  /** Marks a selection on the map (component point or cell outline). */
  showSelection(sel: Selection): void {
    if (!sel) this.selectedFeature.setGeometry(undefined);
    else if (sel.kind === 'component') this.selectedFeature.setGeometry(new Point(fromLonLat([sel.component.lon, sel.component.lat])));
    else {
      const f = this.cells.getSource()!.getFeatureById(sel.cell.code) as Feature<Polygon> | null;
      this.selectedFeature.setGeometry(f?.getGeometry()?.clone());
    }
  }

  dispose(): void {
    this.disposed = true;
    this.map.setTarget(undefined);
    this.map.dispose();
  }

  private scheduleView(): void {
    if (this.viewTimer) clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => void this.refreshView(), 60);
  }

  /** Asks the core for the components in view; late answers to older requests are dropped. */
  async refreshView(): Promise<void> {
    const view = this.map.getView();
    const size = this.map.getSize();
    if (!size) return;
    const ext = view.calculateExtent(size);
    const [w, s, e, n] = transformExtent(ext, 'EPSG:3857', 'EPSG:4326');
    const bbox: BBox = [Math.max(-180, w), Math.max(-85, s), Math.min(180, e), Math.min(85, n)];
    // The initial fit ends in a moveend for the view that load() already asked for: do not ask twice.
    const query = JSON.stringify([bbox, view.getResolution(), this.visibleClasses, this.asOf]);
    if (query === this.lastQuery) return;
    this.lastQuery = query;
    const no = ++this.requestNo;
    this.cb.onStatus({
      shown: this.batch?.packed.count ?? 0,
      total: this.batch?.packed.totalInView ?? 0,
      decimated: !!this.batch?.packed.decimated,
      loading: true,
    });
    if (this.visibleClasses && this.visibleClasses.length === 0) {
      this.batch = setComponents(this.components, allocPacked(0, 0, false, 0, 0).view, this.majorOfClass);
      setShapes(this.shapes, []);
    } else {
      const classes = this.visibleClasses ?? undefined;
      const asOf = this.asOf ?? undefined;
      const [bytes, shapes] = await Promise.all([
        call('components.view', { bbox, resolution: view.getResolution()!, classes, maxFeatures: this.webgl ? 30_000 : 20_000, asOf }),
        view.getResolution()! < SHAPES_RES ? call('components.shapes', { bbox, classes, asOf }) : Promise.resolve([]),
      ]);
      if (no !== this.requestNo || this.disposed) return;
      this.batch = setComponents(this.components, decodePacked(bytes), this.majorOfClass);
      setShapes(this.shapes, shapes);
      this.edit?.setSnapPoints(this.batch.packed);
    }
    const p = this.batch.packed;
    this.map.once('rendercomplete', () => {
      if (no !== this.requestNo) return;
      if (!document.body.dataset.mapReadyAt) document.body.dataset.mapReadyAt = String(Math.round(performance.now()));
      document.body.dataset.mapReady = String(no);
      this.cb.onStatus({ shown: p.count, total: p.totalInView, decimated: p.decimated, loading: false });
    });
    this.map.render();
  }

  private onPointerMove(e: MapBrowserEvent<PointerEvent>): void {
    if (e.dragging) return;
    const [x, y] = e.coordinate;
    this.cb.onCursor(toLonLat([x, y]) as [number, number]);
    const res = this.map.getView().getResolution()!;
    const hit = this.nearestLoaded(x, y, HOVER_PX * res);
    this.hoverFeature.setGeometry(hit ? new Point(hit) : undefined);
    if (!hit && res < 6 && this.cells.getVisible()) {
      const cell = this.cells.getSource()!.getFeaturesAtCoordinate([x, y])[0];
      this.hoverCell.setGeometry(cell?.getGeometry()?.clone());
    } else this.hoverCell.setGeometry(undefined);
    const el = this.map.getTargetElement();
    if (el && !this.picker) el.style.cursor = hit ? 'pointer' : '';
  }

  private nearestLoaded(x: number, y: number, r: number): [number, number] | null {
    const b = this.batch;
    if (!b?.index || !this.componentsOn) return null;
    let best: [number, number] | null = null,
      bestD = Infinity;
    for (const k of b.index.within(x, y, r)) {
      const px = b.packed.originX + b.packed.xy[2 * k],
        py = b.packed.originY + b.packed.xy[2 * k + 1];
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = [px, py];
      }
    }
    return best;
  }

  /** A click asks the core's spatial index for the nearest visible component, else the grid cell. */
  private async onClick(e: MapBrowserEvent<PointerEvent>): Promise<void> {
    const [lon, lat] = toLonLat(e.coordinate);
    if (this.picker) {
      const fn = this.picker;
      this.pickPoint(null);
      fn([lon, lat]);
      return;
    }
    // While editing, a click is about components and cells: case points on top of them do not catch it.
    if (this.cases.getVisible() && this.cb.onCase && !this.edit?.active) {
      const hit = this.map.forEachFeatureAtPixel(e.pixel, (f) => f, { layerFilter: (l) => l === this.cases, hitTolerance: 4 });
      if (hit) {
        this.cb.onCase(Number(hit.getId()));
        return;
      }
    }
    const res = this.map.getView().getResolution()!;
    const groundPerPx = res * Math.cos((lat * Math.PI) / 180);
    try {
      if (this.componentsOn && !(this.visibleClasses && this.visibleClasses.length === 0)) {
        const c = await call('components.at', {
          lon,
          lat,
          radiusM: Math.min(500, Math.max(1, HOVER_PX * groundPerPx)),
          classes: this.visibleClasses ?? undefined,
        });
        if (c) return this.select({ kind: 'component', component: c });
      }
      const cell = await call('grid.locate', { lon, lat });
      this.select({ kind: 'cell', cell });
    } catch {
      this.select(null); // outside the city
    }
  }

  select(sel: Selection): void {
    this.showSelection(sel);
    this.cb.onSelect(sel);
  }
}
