// Unit grid (万米单元网格), streets (街道) and communities (社区): reads and point location.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { BBox, Boundary, Community, GridCell, LonLat, PackedCells, Street } from '../../../shared/model.ts';
import { CellLocator } from './locator.ts';

interface CellRow {
  id: number;
  code: string;
  community_code: string;
  ring: string;
  area_m2: number;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

/** A street or community row with its bounding box and live cell count. */
interface PlaceRow {
  code: string;
  name: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  cells: number;
}

/** Grid reads and point → cell location over one database. */
export class GridService {
  private locator: CellLocator | null = null;
  /** The whole grid in packed form: every workstation asks for it when its map opens. */
  private allCells: PackedCells | null = null;
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      streets: db.prepare(`SELECT s.code, s.name, s.min_lon, s.min_lat, s.max_lon, s.max_lat,
        (SELECT count(*) FROM grid_cells g WHERE substr(g.community_code, 1, 3) = s.code AND g.retired_at IS NULL) AS cells FROM streets s ORDER BY s.code`),
      communities: db.prepare(`SELECT c.code, c.street_code, c.name, c.min_lon, c.min_lat, c.max_lon, c.max_lat,
        (SELECT count(*) FROM grid_cells g WHERE g.community_code = c.code AND g.retired_at IS NULL) AS cells FROM communities c ORDER BY c.code`),
      streetRings: db.prepare('SELECT code, name, ring FROM streets ORDER BY code'),
      communityRings: db.prepare('SELECT code, name, ring FROM communities ORDER BY code'),
      // Retired cells (merged away, replaced) stay in the table for the cases that cite them, not on the map.
      allCells: db.prepare('SELECT id, code, community_code, ring FROM grid_cells WHERE retired_at IS NULL ORDER BY id'),
      cellsInBox: db.prepare(`SELECT g.id, g.code, g.community_code, g.ring FROM grid_cells_rtree r JOIN grid_cells g ON g.id = r.id
        WHERE r.max_lon >= :minLon AND r.min_lon <= :maxLon AND r.max_lat >= :minLat AND r.min_lat <= :maxLat AND g.retired_at IS NULL ORDER BY g.id`),
      cell: db.prepare(`SELECT g.*, c.name AS community_name, s.code AS street_code, s.name AS street_name,
        (SELECT count(*) FROM components k WHERE k.grid_code = g.code AND k.retired_at IS NULL) AS components
        FROM grid_cells g JOIN communities c ON c.code = g.community_code JOIN streets s ON s.code = c.street_code WHERE g.code = ?`),
    };
  }

  /** The in-memory locator, built on first use. */
  cellLocator(): CellLocator {
    if (!this.locator) {
      const rows = this.q.allCells.all() as CellRow[];
      this.locator = new CellLocator({ codes: rows.map((r) => r.code), rings: rows.map((r) => JSON.parse(r.ring) as LonLat[]) });
    }
    return this.locator;
  }

  /** Drops cached geometry after a grid edit. */
  invalidate(): void {
    this.locator = null;
    this.allCells = null;
  }

  streets(): Street[] {
    return (this.q.streets.all() as PlaceRow[]).map((r) => ({
      code: r.code,
      name: r.name,
      bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
      cellCount: r.cells,
    }));
  }

  communities(): Community[] {
    return (this.q.communities.all() as (PlaceRow & { street_code: string })[]).map((r) => ({
      code: r.code,
      streetCode: r.street_code,
      name: r.name,
      bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
      cellCount: r.cells,
    }));
  }

  boundaries(kind: 'street' | 'community'): Boundary[] {
    const rows = (kind === 'street' ? this.q.streetRings : this.q.communityRings).all() as { code: string; name: string; ring: string }[];
    return rows.map((r) => ({ kind, code: r.code, name: r.name, ring: JSON.parse(r.ring) }));
  }

  /** Cells in compact column form: rings are flat lon,lat arrays addressed by offsets. */
  cells(bbox?: BBox): PackedCells {
    const fromRows = (rows: CellRow[]) => this.pack(rows.map((r) => ({ code: r.code, communityCode: r.community_code, ring: JSON.parse(r.ring) as LonLat[] })));
    if (!bbox) return (this.allCells ??= fromRows(this.q.allCells.all() as CellRow[]));
    return fromRows(this.q.cellsInBox.all({ minLon: bbox[0], minLat: bbox[1], maxLon: bbox[2], maxLat: bbox[3] }) as CellRow[]);
  }

  /** Cells in compact column form (today's rows, or records such as the grid as of a past time). */
  pack(cells: { code: string; communityCode: string; ring: LonLat[] }[]): PackedCells {
    const communities: string[] = [];
    const commIdx = new Map<string, number>();
    const out: PackedCells = { codes: [], community: [], communities, offsets: [0], coords: [] };
    for (const c of cells) {
      let ci = commIdx.get(c.communityCode);
      if (ci === undefined) {
        ci = communities.length;
        communities.push(c.communityCode);
        commIdx.set(c.communityCode, ci);
      }
      out.codes.push(c.code);
      out.community.push(ci);
      for (const [x, y] of c.ring) out.coords.push(round7(x), round7(y));
      out.offsets.push(out.coords.length);
    }
    return out;
  }

  cell(code: string): GridCell {
    const r = this.q.cell.get(code) as (CellRow & { community_name: string; street_code: string; street_name: string; components: number }) | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no unit grid cell with code ${code}`, { field: 'code' });
    return {
      code: r.code,
      streetCode: r.street_code,
      streetName: r.street_name,
      communityCode: r.community_code,
      communityName: r.community_name,
      areaM2: r.area_m2,
      bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
      ring: JSON.parse(r.ring),
      componentCount: r.components,
    };
  }

  /** The cell containing a point; OUTSIDE_CITY when the point is in no cell. */
  locate(lon: number, lat: number): GridCell {
    const code = this.cellLocator().locate(lon, lat);
    if (!code) throw new ApiError('OUTSIDE_CITY', `point (${lon}, ${lat}) is outside the city's unit grid`, { field: 'lon' });
    return this.cell(code);
  }
}

// 7 decimals of a degree ≈ 1 cm: enough for display, a third of the JSON size of full doubles.
function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
