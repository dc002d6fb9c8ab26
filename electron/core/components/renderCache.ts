// A read-only, in-memory column copy of the active components for map views: Web Mercator x/y, class index and
// state per component, with a KDBush point index. Building it reads 300,000 rows once (~0.3 s); a view query is then
// an index range plus per-class pixel binning, without touching SQLite. A commit does not rebuild it: changed
// components are marked dead in the static index and kept in a small overlay until it grows past OVERLAY_MAX.
import KDBush from 'kdbush';
import { toMercator } from '../../../shared/geo.ts';
import { allocPacked } from '../../../shared/packed.ts';
import { COMPONENT_STATES } from '../../../shared/model.ts';
import type { Db } from '../db/connection.ts';

/** The latitude limit of Web Mercator (EPSG:3857). */
const MAX_MERCATOR_LAT = 85.05112878;
const clampLat = (lat: number) => Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat));

/** Class slots per bin (class indexes beyond this share slots; the national table has 85 classes). */
const CLASS_SLOTS = 128;

/** Query of a map view. */
export interface ViewQuery {
  bbox: [number, number, number, number];
  /** EPSG:3857 metres per pixel. */
  resolution: number;
  /** Class indexes to include (undefined = all). */
  classIdx?: Set<number>;
  maxFeatures: number;
}

/** Rows the cache is built from: id, lon, lat, class code, state (active components only). */
export type RenderRow = [number, number, number, string, string];

/** Changes kept in the overlay before the next view rebuilds the whole index. */
const OVERLAY_MAX = 20_000;

/** Column store + point index of active components. */
export class ComponentRenderCache {
  private ids!: Uint32Array;
  private x!: Float64Array;
  private y!: Float64Array;
  private cls!: Uint16Array;
  private state!: Uint8Array;
  private index!: KDBush;
  private dead!: Uint8Array;
  private deadCount = 0;
  private loaded = false;
  private classIdx = new Map<string, number>();
  private readonly stateIdx = new Map<string, number>(COMPONENT_STATES.map((s, i) => [s, i]));
  /** Components changed since the build, by id: position, class and state (absent = retired). */
  private overlay = new Map<number, { x: number; y: number; cls: number; state: number }>();

  /** `rows` overrides where the rows come from (a layer as of a past date); default: the live table. */
  constructor(
    private readonly db: Db,
    private readonly rows?: () => RenderRow[],
  ) {}

  invalidate(): void {
    this.loaded = false;
  }

  /** Takes in committed changes without a rebuild: the old entries die, the new ones join the overlay. */
  applyChanges(changes: { id: number; lon: number; lat: number; classCode: string; state: string; active: boolean }[]): void {
    if (!this.loaded) return; // the next view loads everything fresh
    if (this.overlay.size + changes.length > OVERLAY_MAX) {
      this.invalidate();
      return;
    }
    for (const c of changes) {
      const i = this.indexOf(c.id);
      if (i >= 0 && !this.dead[i]) {
        this.dead[i] = 1;
        this.deadCount++;
      }
      if (!c.active) {
        this.overlay.delete(c.id);
        continue;
      }
      const [x, y] = toMercator(c.lon, c.lat);
      this.overlay.set(c.id, { x, y, cls: this.classIdx.get(c.classCode) ?? 0, state: this.stateIdx.get(c.state) ?? 0 });
    }
  }

  /** Position of an id in the static columns (ids are sorted), or -1. */
  private indexOf(id: number): number {
    let lo = 0,
      hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] === id) return mid;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Builds the column store now (the hall server and the desktop worker call this at start-up). */
  warm(): void {
    if (!this.loaded) this.load();
  }

  /** Active components per class index (from the column store, no SQL). */
  countsByClassIdx(): Map<number, number> {
    this.warm();
    const m = new Map<number, number>();
    for (let i = 0; i < this.cls.length; i++) if (!this.dead[i]) m.set(this.cls[i], (m.get(this.cls[i]) ?? 0) + 1);
    for (const o of this.overlay.values()) m.set(o.cls, (m.get(o.cls) ?? 0) + 1);
    return m;
  }

  private load(): void {
    const stateIdx = this.stateIdx;
    const classIdx = (this.classIdx = new Map(
      (this.db.prepare('SELECT code, idx FROM component_classes').all() as { code: string; idx: number }[]).map((r) => [r.code, r.idx]),
    ));
    // Raw rows of plain columns (no join, no objects per row): the fastest way through 300,000 rows.
    const rows =
      this.rows?.() ??
      (this.db.prepare('SELECT id, lon, lat, class_code, state FROM components WHERE retired_at IS NULL ORDER BY id').raw().all() as RenderRow[]);
    const n = rows.length;
    this.ids = new Uint32Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.cls = new Uint16Array(n);
    this.state = new Uint8Array(n);
    this.dead = new Uint8Array(n);
    this.deadCount = 0;
    this.overlay.clear();
    this.index = new KDBush(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      const [id, lon, lat, cls, st] = rows[i];
      const [mx, my] = toMercator(lon, lat);
      this.ids[i] = id;
      this.x[i] = mx;
      this.y[i] = my;
      this.cls[i] = classIdx.get(cls) ?? 0;
      this.state[i] = stateIdx.get(st) ?? 0;
      this.index.add(mx, my);
    }
    if (n === 0) this.index.add(0, 0); // KDBush needs one item; it is never returned (ids is empty)
    this.index.finish();
    this.loaded = true;
  }

  /** Components in view as packed bytes; at low zoom keeps one component per class per 2-pixel bin. */
  view(q: ViewQuery): Uint8Array {
    if (!this.loaded) this.load();
    // Web Mercator ends at ±85.05°: a box reaching a pole would have an infinite height (and bins that never fit).
    const [minX, minY] = toMercator(q.bbox[0], clampLat(q.bbox[1]));
    const [maxX, maxY] = toMercator(q.bbox[2], clampLat(q.bbox[3]));
    const base = this.ids.length === 0 ? [] : this.index.range(minX, minY, maxX, maxY);
    let X: ArrayLike<number> = this.x,
      Y: ArrayLike<number> = this.y,
      ID: ArrayLike<number> = this.ids,
      CLS: ArrayLike<number> = this.cls,
      ST: ArrayLike<number> = this.state;
    let hits: number[];
    if (this.overlay.size === 0 && this.deadCount === 0) {
      // Nothing committed since the build: the static columns as they are.
      hits = q.classIdx ? base.filter((i) => q.classIdx!.has(this.cls[i])) : base;
    } else {
      // Static entries still alive, then overlay entries in the box, gathered into one column set.
      const x: number[] = [],
        y: number[] = [],
        id: number[] = [],
        cls: number[] = [],
        st: number[] = [];
      for (const i of base) {
        if (this.dead[i] || (q.classIdx && !q.classIdx.has(this.cls[i]))) continue;
        x.push(this.x[i]);
        y.push(this.y[i]);
        id.push(this.ids[i]);
        cls.push(this.cls[i]);
        st.push(this.state[i]);
      }
      for (const [oid, o] of this.overlay) {
        if (o.x < minX || o.x > maxX || o.y < minY || o.y > maxY || (q.classIdx && !q.classIdx.has(o.cls))) continue;
        x.push(o.x);
        y.push(o.y);
        id.push(oid);
        cls.push(o.cls);
        st.push(o.state);
      }
      [X, Y, ID, CLS, ST] = [x, y, id, cls, st];
      hits = x.map((_, k) => k);
    }
    const total = hits.length;
    let chosen = hits;
    let decimated = false;
    // Decimation keeps one component per class per bin of binPx screen pixels; the bin grows until the batch fits.
    // A byte per (bin, class) cell marks "taken" (typed array, no per-point allocation).
    for (let binPx = 3; chosen.length > q.maxFeatures; binPx *= 1.5) {
      decimated = true;
      const size = q.resolution * binPx;
      const cols = Math.ceil((maxX - minX) / size) + 1;
      const rows = Math.ceil((maxY - minY) / size) + 1;
      const slots = cols * rows * CLASS_SLOTS;
      if (slots > 64_000_000) continue; // absurdly fine bins for this box: grow first
      const taken = new Uint8Array(slots);
      const kept: number[] = [];
      for (const i of hits) {
        const key = (Math.floor((Y[i] - minY) / size) * cols + Math.floor((X[i] - minX) / size)) * CLASS_SLOTS + (CLS[i] % CLASS_SLOTS);
        if (taken[key]) continue;
        taken[key] = 1;
        kept.push(i);
      }
      chosen = kept;
      // One bin already spans the box and more classes are in it than maxFeatures: growing bins cannot help.
      if (size >= maxX - minX && size >= maxY - minY && chosen.length > q.maxFeatures) chosen = chosen.slice(0, q.maxFeatures);
    }
    const { bytes, view } = allocPacked(chosen.length, total, decimated, minX, minY);
    for (let k = 0; k < chosen.length; k++) {
      const i = chosen[k];
      view.xy[2 * k] = X[i] - minX;
      view.xy[2 * k + 1] = Y[i] - minY;
      view.ids[k] = ID[i];
      view.cls[k] = CLS[i];
      view.state[k] = ST[i];
    }
    return bytes;
  }
}
