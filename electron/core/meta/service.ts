// The centre itself: the district it serves (name, administrative code, bounds, from the meta table) and the
// counts app.info reports.
import type { Db } from '../db/connection.ts';
import { schemaVersion } from '../db/migrate.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { AppInfo, BBox } from '../../../shared/model.ts';

/** Version reported by app.info. */
export const CITYOPS_VERSION = '0.1.0';

/** Facts about the district, read once (a map click checks the bounds and must not count tables to get them). */
export class MetaService {
  /** The district's bounds ([0, 0, 0, 0] before the city is seeded). */
  readonly bounds: BBox;
  /** The district's 6-digit administrative code (321202 for 海陵区). */
  readonly adminCode: string;

  constructor(private readonly db: Db) {
    const meta = this.all();
    this.bounds = meta.has('bounds') ? (JSON.parse(meta.get('bounds')!) as BBox) : [0, 0, 0, 0];
    this.adminCode = meta.get('admin_code') ?? '';
  }

  private all(): Map<string, string> {
    return new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  }

  /** Counts and facts of the open centre. */
  info(): AppInfo {
    const meta = this.all();
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      version: CITYOPS_VERSION,
      districtName: meta.get('district_name') ?? '',
      adminCode: meta.get('admin_code') ?? '',
      bounds: this.bounds,
      gridCells: count('SELECT count(*) AS n FROM grid_cells WHERE retired_at IS NULL'),
      components: count('SELECT count(*) AS n FROM components WHERE retired_at IS NULL'),
      departments: count('SELECT count(*) AS n FROM departments'),
      cases: count('SELECT count(*) AS n FROM cases'),
      schemaVersion: schemaVersion(this.db),
    };
  }

  /** Refuses a point outside the district's bounds (OUTSIDE_CITY). */
  requireInCity(lon: number, lat: number): void {
    const b = this.bounds;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) {
      throw new ApiError('OUTSIDE_CITY', `point (${lon}, ${lat}) is outside the city (${b.join(', ')})`, { field: 'lon' });
    }
  }
}
