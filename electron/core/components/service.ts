// Components (部件): attribute reads, spatial look-ups through the SQLite R*Tree, and packed map views.
import type { Db } from '../db/connection.ts';
import type { Statement } from 'better-sqlite3';
import { ApiError } from '../../../shared/errors.ts';
import { distanceM, metresToDegrees } from '../../../shared/geo.ts';
import type { BBox, ClassCount, Component, ComponentShape } from '../../../shared/model.ts';
import { ComponentRenderCache } from './renderCache.ts';
import type { CatalogService } from '../catalog/service.ts';

// Rows come back as arrays in this column order (no per-row objects); class and department names are filled in
// from the cached catalogue, which is cheaper than joining four tables per row.
const COLUMNS = `c.id, c.code, c.class_code, c.dept1, c.dept2, c.dept3, c.grid_code, c.state, c.or_date, c.ch_date,
  c.data_source, c.note, c.lon, c.lat, c.version`;
type Row = [
  number,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string,
  Component['state'],
  string,
  string | null,
  string,
  string | null,
  number,
  number,
  number,
];

// R*Tree boxes are float32 rounded outward, so every box query is followed by an exact check on lon/lat.
const IN_BOX = `SELECT ${COLUMNS} FROM components c JOIN components_rtree r ON r.id = c.id
  WHERE r.max_lon >= :minLon AND r.min_lon <= :maxLon AND r.max_lat >= :minLat AND r.min_lat <= :maxLat
  AND c.lon BETWEEN :minLon AND :maxLon AND c.lat BETWEEN :minLat AND :maxLat AND c.retired_at IS NULL LIMIT :limit`;

/** Component reads over one database. */
export class ComponentService {
  readonly renderCache: ComponentRenderCache;
  private readonly q: Record<'byCode' | 'byId' | 'inBox' | 'shapes', Statement>;
  private statsCache: ClassCount[] | null = null;

  constructor(
    db: Db,
    private readonly catalog: CatalogService,
  ) {
    this.renderCache = new ComponentRenderCache(db);
    this.q = {
      byCode: db.prepare(`SELECT ${COLUMNS} FROM components c WHERE c.code = ?`).raw(),
      byId: db.prepare(`SELECT ${COLUMNS} FROM components c WHERE c.id = ?`).raw(),
      inBox: db.prepare(IN_BOX).raw(),
      // Shapes meet the box when their R*Tree box does (a line or polygon can cross it with its point outside).
      shapes: db
        .prepare(
          `SELECT c.id, c.code, c.class_code, c.geometry FROM components c JOIN components_rtree r ON r.id = c.id
        WHERE r.max_lon >= :minLon AND r.min_lon <= :maxLon AND r.max_lat >= :minLat AND r.min_lat <= :maxLat
        AND c.geometry IS NOT NULL AND c.retired_at IS NULL LIMIT :limit`,
        )
        .raw(),
    };
  }

  get(code: string): Component {
    const r = this.q.byCode.get(code) as Row | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no component with code ${code}`, { field: 'code' });
    return this.toComponent(r);
  }

  byId(id: number): Component {
    const r = this.q.byId.get(id) as Row | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no component with id ${id}`, { field: 'id' });
    return this.toComponent(r);
  }

  /** Components inside a box, optionally of some classes only. */
  inExtent(bbox: BBox, limit: number, classes?: string[]): Component[] {
    const want = classes ? new Set(classes) : null;
    const out: Component[] = [];
    for (const r of this.box(bbox, want ? limit * 20 : limit)) {
      if (want && !want.has(r[2])) continue;
      out.push(this.toComponent(r));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The nearest component within `radiusM` of a point (map click), or null. */
  at(lon: number, lat: number, radiusM: number, classes?: string[]): Component | null {
    const { dLon, dLat } = metresToDegrees(radiusM, lat);
    const want = classes ? new Set(classes) : null;
    let best: Row | null = null,
      bestD = Infinity;
    for (const r of this.box([lon - dLon, lat - dLat, lon + dLon, lat + dLat], 5000)) {
      if (want && !want.has(r[2])) continue;
      const d = distanceM([lon, lat], [r[12], r[13]]);
      if (d <= radiusM && d < bestD) {
        best = r;
        bestD = d;
      }
    }
    return best ? this.toComponent(best) : null;
  }

  /** Line and polygon shapes of components meeting a box, optionally of some classes only. */
  shapes(b: BBox, limit: number, classes?: string[]): ComponentShape[] {
    const want = classes ? new Set(classes) : null;
    const rows = this.q.shapes.all({ minLon: b[0], minLat: b[1], maxLon: b[2], maxLat: b[3], limit }) as [number, string, string, string][];
    return rows.filter((r) => !want || want.has(r[2])).map(([id, code, classCode, g]) => ({ id, code, classCode, geometry: JSON.parse(g) }));
  }

  /** Counts per class, from the render cache (no GROUP BY over every row); cached until invalidate(). */
  stats(): ClassCount[] {
    if (!this.statsCache) {
      const byIdx = this.renderCache.countsByClassIdx();
      this.statsCache = this.catalog
        .componentClasses()
        .filter((k) => byIdx.has(k.idx))
        .map((k) => ({ classCode: k.code, count: byIdx.get(k.idx)! }));
    }
    return this.statsCache;
  }

  /** Takes in committed component changes without rebuilding the map's index. */
  applyChanges(changes: Parameters<ComponentRenderCache['applyChanges']>[0]): void {
    this.statsCache = null;
    this.renderCache.applyChanges(changes);
  }

  /** Drops caches after components change. */
  invalidate(): void {
    this.statsCache = null;
    this.renderCache.invalidate();
  }

  /** Packed view of components for the map. */
  view(bbox: BBox, resolution: number, maxFeatures: number, classes?: string[], cache: ComponentRenderCache = this.renderCache): Uint8Array {
    let classIdx: Set<number> | undefined;
    if (classes) {
      classIdx = new Set();
      for (const c of classes) {
        const k = this.catalog.componentClass(c);
        if (!k) throw new ApiError('BAD_INPUT', `unknown component class ${c}`, { field: 'classes' });
        classIdx.add(k.idx);
      }
    }
    return cache.view({ bbox, resolution, maxFeatures, classIdx });
  }

  private box(b: BBox, limit: number): Row[] {
    return this.q.inBox.all({ minLon: b[0], minLat: b[1], maxLon: b[2], maxLat: b[3], limit }) as Row[];
  }

  private toComponent(r: Row): Component {
    const k = this.catalog.componentClass(r[2]);
    const dept = (c: string | null) => (c ? this.catalog.departmentName(c) : null);
    return {
      id: r[0],
      code: r[1],
      classCode: r[2],
      name: k?.name ?? '',
      majorName: k?.majorName ?? '',
      dept1Code: r[3],
      dept1Name: dept(r[3]),
      dept2Code: r[4],
      dept2Name: dept(r[4]),
      dept3Code: r[5],
      dept3Name: dept(r[5]),
      gridCode: r[6],
      state: r[7],
      orDate: r[8],
      chDate: r[9],
      dataSource: r[10],
      note: r[11],
      lon: r[12],
      lat: r[13],
      version: r[14],
    };
  }
}
