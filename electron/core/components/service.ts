// Components (部件): attribute reads, spatial look-ups through the SQLite R*Tree, and packed map views.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { distanceM, metresToDegrees } from '../../../shared/geo.ts';
import type { BBox, ClassCount, Component } from '../../../shared/model.ts';
import { ComponentRenderCache } from './renderCache.ts';
import type { CatalogService } from '../catalog/service.ts';

const SELECT = `SELECT c.id, c.code, c.class_code, k.name AS class_name, m.name AS major_name,
  c.dept1, d1.name AS dept1_name, c.dept2, d2.name AS dept2_name, c.dept3, d3.name AS dept3_name,
  c.grid_code, c.state, c.or_date, c.ch_date, c.data_source, c.note, c.lon, c.lat, c.version
  FROM components c
  JOIN component_classes k ON k.code = c.class_code
  JOIN component_majors m ON m.code = k.major
  LEFT JOIN departments d1 ON d1.code = c.dept1
  LEFT JOIN departments d2 ON d2.code = c.dept2
  LEFT JOIN departments d3 ON d3.code = c.dept3`;

// R*Tree boxes are float32 rounded outward, so every box query is followed by an exact check on lon/lat.
const IN_BOX = `JOIN components_rtree r ON r.id = c.id
  WHERE r.max_lon >= :minLon AND r.min_lon <= :maxLon AND r.max_lat >= :minLat AND r.min_lat <= :maxLat
  AND c.lon BETWEEN :minLon AND :maxLon AND c.lat BETWEEN :minLat AND :maxLat AND c.retired_at IS NULL`;

/** Component reads over one database. */
export class ComponentService {
  readonly renderCache: ComponentRenderCache;
  private readonly q;
  private statsCache: ClassCount[] | null = null;

  constructor(private readonly db: Db, private readonly catalog: CatalogService) {
    this.renderCache = new ComponentRenderCache(db);
    const inBox = db.prepare(`SELECT c.id, c.code, c.class_code, c.dept1, c.dept2, c.dept3, c.grid_code, c.state, c.or_date, c.ch_date,
        c.data_source, c.note, c.lon, c.lat, c.version FROM components c ${IN_BOX} LIMIT :limit`);
    this.q = {
      byCode: db.prepare(`${SELECT} WHERE c.code = ?`),
      byId: db.prepare(`${SELECT} WHERE c.id = ?`),
      // Box queries return bare rows; names come from the cached catalogue (per-row joins cost more than the R*Tree).
      inBox,
      inBoxRaw: db.prepare(inBox.source).raw(),
    };
  }

  get(code: string): Component {
    const r = this.q.byCode.get(code);
    if (!r) throw new ApiError('NOT_FOUND', `no component with code ${code}`, { field: 'code' });
    return toComponent(r);
  }

  byId(id: number): Component {
    const r = this.q.byId.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `no component with id ${id}`, { field: 'id' });
    return toComponent(r);
  }

  /** Components inside a box, optionally of some classes only. */
  inExtent(bbox: BBox, limit: number, classes?: string[]): Component[] {
    const want = classes ? new Set(classes) : null;
    const rows = this.q.inBoxRaw.all({ minLon: bbox[0], minLat: bbox[1], maxLon: bbox[2], maxLat: bbox[3], limit: want ? limit * 20 : limit }) as unknown[][];
    const out: Component[] = [];
    for (const r of rows) {
      if (want && !want.has(r[2] as string)) continue;
      out.push(this.fromRaw(r));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The nearest component within `radiusM` of a point (map click), or null. */
  at(lon: number, lat: number, radiusM: number, classes?: string[]): Component | null {
    const { dLon, dLat } = metresToDegrees(radiusM, lat);
    const want = classes ? new Set(classes) : null;
    const rows = this.q.inBox.all({ minLon: lon - dLon, minLat: lat - dLat, maxLon: lon + dLon, maxLat: lat + dLat, limit: 5000 }) as any[];
    let best: any = null, bestD = Infinity;
    for (const r of rows) {
      if (want && !want.has(r.class_code)) continue;
      const d = distanceM([lon, lat], [r.lon, r.lat]);
      if (d <= radiusM && d < bestD) {
        best = r;
        bestD = d;
      }
    }
    return best ? this.named(best) : null;
  }

  /** A Component from a raw row of the inBox column order, names from the catalogue. */
  private fromRaw(r: unknown[]): Component {
    const k = this.catalog.componentClass(r[2] as string);
    const d = (c: unknown) => (c ? this.catalog.departmentName(c as string) : null);
    return {
      id: r[0] as number, code: r[1] as string, classCode: r[2] as string, name: k?.name ?? '', majorName: k?.majorName ?? '',
      dept1Code: r[3] as string | null, dept1Name: d(r[3]), dept2Code: r[4] as string | null, dept2Name: d(r[4]),
      dept3Code: r[5] as string | null, dept3Name: d(r[5]), gridCode: r[6] as string, state: r[7] as Component['state'],
      orDate: r[8] as string, chDate: r[9] as string | null, dataSource: r[10] as string, note: r[11] as string | null,
      lon: r[12] as number, lat: r[13] as number, version: r[14] as number,
    };
  }

  /** Fills class and department names of a bare row from the catalogue. */
  private named(r: any): Component {
    const k = this.catalog.componentClass(r.class_code);
    const dn = (c: string | null) => (c ? this.catalog.departmentName(c) : null);
    return toComponent({ ...r, class_name: k?.name, major_name: k?.majorName, dept1_name: dn(r.dept1), dept2_name: dn(r.dept2), dept3_name: dn(r.dept3) });
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

  /** Drops caches after components change. */
  invalidate(): void {
    this.statsCache = null;
    this.renderCache.invalidate();
  }

  /** Packed view of components for the map. */
  view(bbox: BBox, resolution: number, maxFeatures: number, classes?: string[]): Uint8Array {
    let classIdx: Set<number> | undefined;
    if (classes) {
      classIdx = new Set();
      for (const c of classes) {
        const k = this.catalog.componentClass(c);
        if (!k) throw new ApiError('BAD_INPUT', `unknown component class ${c}`, { field: 'classes' });
        classIdx.add(k.idx);
      }
    }
    return this.renderCache.view({ bbox, resolution, maxFeatures, classIdx });
  }
}

function toComponent(r: any): Component {
  return {
    id: r.id, code: r.code, classCode: r.class_code, name: r.class_name, majorName: r.major_name,
    dept1Code: r.dept1, dept1Name: r.dept1_name, dept2Code: r.dept2, dept2Name: r.dept2_name, dept3Code: r.dept3, dept3Name: r.dept3_name,
    gridCode: r.grid_code, state: r.state, orDate: r.or_date, chDate: r.ch_date, dataSource: r.data_source, note: r.note,
    lon: r.lon, lat: r.lat, version: r.version,
  };
}
