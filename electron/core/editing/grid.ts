// Grid edits: split a unit grid cell along a line, merge cells of one community. Codes stay unique and
// well-formed (the larger piece / the lowest code keeps its code, new pieces take the community's next free serial,
// merged-away cells are retired, never deleted: cases cite them), components inside are re-assigned, and the
// topology is checked with turf before anything is written: the pieces cover exactly the old area, no overlap,
// no gap, no hole.
import type { Statement } from 'better-sqlite3';
import { booleanPointInPolygon, difference, featureCollection, intersect, polygon as turfPolygon, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { signedArea, ringBBox } from '../../../shared/geo.ts';
import type { LonLat } from '../../../shared/model.ts';
import type { CellRecord, CommitDetail, CommitResult, ComponentRecord } from '../../../shared/editing.ts';
import type { GridService } from '../grid/service.ts';
import { RECORD_COLUMNS, rowToRecord, type RecordRow } from './records.ts';
import { stateAt, type EditService, type Plan } from './service.ts';

export interface CellRow {
  id: number;
  code: string;
  community_code: string;
  ring: string;
  area_m2: number;
  version: number;
  retired_at: string | null;
}

/** Smallest piece a split may leave (m²). */
const MIN_PIECE_M2 = 100;
/** Relative area tolerance of the coverage check (floating-point noise of the clipping). */
const AREA_TOLERANCE = 1e-6;

const toGk = crsConverter('EPSG:4490', 'EPSG:4549');
/** Area of a lon/lat ring in m², measured in the Gauss–Krüger zone of the city (EPSG:4549). */
export function ringAreaM2(ring: LonLat[]): number {
  const flat: number[] = [];
  for (const p of ring) flat.push(...toGk(p));
  return Math.abs(signedArea(flat));
}

const polyArea = (f: Feature<Polygon | MultiPolygon>) =>
  f.geometry.type === 'Polygon'
    ? ringAreaM2(f.geometry.coordinates[0] as LonLat[]) - f.geometry.coordinates.slice(1).reduce((s, r) => s + ringAreaM2(r as LonLat[]), 0)
    : f.geometry.coordinates.reduce((s, p) => s + ringAreaM2(p[0] as LonLat[]), 0);

/** Grid-layer edits over one database. */
export class GridEditor {
  private readonly q: Record<string, Statement>;

  constructor(
    private readonly db: Db,
    private readonly grid: GridService,
    private readonly edits: EditService,
    private readonly adminCode: string,
    private readonly now: () => number = Date.now,
  ) {
    this.q = {
      cell: db.prepare('SELECT id, code, community_code, ring, area_m2, version, retired_at FROM grid_cells WHERE code = ?'),
      cellById: db.prepare('SELECT id, code, community_code, ring, area_m2, version, retired_at FROM grid_cells WHERE id = ?'),
      maxSerial: db.prepare('SELECT max(code) AS m FROM grid_cells WHERE community_code = ?'),
      update: db.prepare(
        `UPDATE grid_cells SET ring = ?, area_m2 = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, retired_at = ?, version = ? WHERE id = ?`,
      ),
      insert: db.prepare(
        `INSERT INTO grid_cells (code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ),
      rtreeDel: db.prepare('DELETE FROM grid_cells_rtree WHERE id = ?'),
      rtreeIns: db.prepare('INSERT INTO grid_cells_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
      version: db.prepare('INSERT INTO grid_versions (cell_id, version, commit_id, op, before, after) VALUES (?, ?, ?, ?, ?, ?)'),
      components: db.prepare(`SELECT ${RECORD_COLUMNS} FROM components WHERE grid_code = ? AND retired_at IS NULL`).raw(),
      componentsInBox: db
        .prepare(
          `SELECT ${RECORD_COLUMNS} FROM components WHERE retired_at IS NULL AND id IN
        (SELECT id FROM components_rtree WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)`,
        )
        .raw(),
    };
  }

  /** A cell row by code (retired ones included), or undefined. */
  row(code: string): CellRow | undefined {
    return this.q.cell.get(code) as CellRow | undefined;
  }

  /** Every cell as it was at time `t` (active then): today's cells with later changes undone from history. */
  cellsAsOf(t: number | null): CellRecord[] {
    const over = t === null ? new Map<number, CellRecord | null>() : stateAt<CellRecord>(this.db, 'grid_versions', 'cell_id', t);
    const out: CellRecord[] = [];
    for (const c of this.db.prepare('SELECT id, code, community_code, ring, area_m2, version, retired_at FROM grid_cells ORDER BY code').all() as CellRow[]) {
      const rec = over.has(c.id) ? over.get(c.id)! : this.record(c);
      if (rec && !rec.retiredAt) out.push(rec);
    }
    return out;
  }

  private active(code: string): CellRow {
    const c = this.q.cell.get(code) as CellRow | undefined;
    if (!c) throw new ApiError('NOT_FOUND', `no unit grid cell with code ${code}`, { field: 'code' });
    if (c.retired_at) throw new ApiError('CONFLICT', `cell ${code} was retired (merged or replaced) on ${c.retired_at}`, { field: 'code' });
    return c;
  }

  private record(c: CellRow): CellRecord {
    return { code: c.code, communityCode: c.community_code, ring: JSON.parse(c.ring), areaM2: c.area_m2, retiredAt: c.retired_at };
  }

  /** The community's next free 3-digit serial (after the highest ever used, retired cells included). */
  private nextCellCode(community: string): string {
    const m = (this.q.maxSerial.get(community) as { m: string | null }).m;
    const serial = m ? Number(m.slice(12)) + 1 : 1;
    if (serial > 999) throw new ApiError('CONFLICT', `community ${community} has used every cell serial (999)`);
    return `${this.adminCode}${community}${String(serial).padStart(3, '0')}`;
  }

  /** Splits a cell in two along a line drawn across it. */
  split(code: string, line: LonLat[], message: string, actor: string): CommitResult {
    const cell = this.active(code);
    const ring = JSON.parse(cell.ring) as LonLat[];
    const poly = turfPolygon([ring]);
    const blade = leftOf(line);
    const a = intersect(featureCollection([poly, blade]));
    const b = difference(featureCollection([poly, blade]));
    const single = (f: Feature<Polygon | MultiPolygon> | null) =>
      f && f.geometry.type === 'Polygon' && f.geometry.coordinates.length === 1 ? (f as Feature<Polygon>) : null;
    const pa = single(a),
      pb = single(b);
    if (!a || !b) throw new ApiError('BAD_INPUT', 'the line does not cut the cell in two: draw it from one side of the cell to the other', { field: 'line' });
    if (!pa || !pb) throw new ApiError('BAD_INPUT', 'the line cuts the cell into more than two pieces: draw a line that crosses it once', { field: 'line' });
    const [areaA, areaB] = [polyArea(pa), polyArea(pb)];
    if (Math.min(areaA, areaB) < MIN_PIECE_M2)
      throw new ApiError('BAD_INPUT', `a piece would be ${Math.round(Math.min(areaA, areaB))} m²; each piece must be at least ${MIN_PIECE_M2} m²`, {
        field: 'line',
      });
    const overlap = intersect(featureCollection([pa, pb]));
    const whole = ringAreaM2(ring);
    if ((overlap && polyArea(overlap) > 1) || Math.abs(areaA + areaB - whole) > whole * AREA_TOLERANCE + 1) {
      throw new ApiError(
        'BAD_INPUT',
        `topology check failed: the pieces (${Math.round(areaA)} + ${Math.round(areaB)} m²) do not cover the cell (${Math.round(whole)} m²) exactly`,
        { field: 'line' },
      );
    }
    const [keep, fresh] = areaA >= areaB ? [pa, pb] : [pb, pa];
    const newCode = this.nextCellCode(cell.community_code);
    const keepRing = keep.geometry.coordinates[0] as LonLat[];
    const freshRing = fresh.geometry.coordinates[0] as LonLat[];
    const moves = this.componentMoves(cell.code, (p) => booleanPointInPolygon(p, fresh) && !booleanPointInPolygon(p, keep), newCode);
    return this.edits.write({ kind: 'grid', message, actor }, moves, [], [cell.code, newCode], (commitId) => {
      this.writeCell(commitId, cell, { ...this.record(cell), ring: keepRing, areaM2: ringAreaM2(keepRing) }, 'update');
      this.writeCell(
        commitId,
        null,
        { code: newCode, communityCode: cell.community_code, ring: freshRing, areaM2: ringAreaM2(freshRing), retiredAt: null },
        'add',
      );
      this.grid.invalidate();
    });
  }

  /** Merges adjacent cells of one community into the one with the lowest code; the others are retired. */
  merge(codes: string[], message: string, actor: string): CommitResult {
    const uniq = [...new Set(codes)].sort();
    if (uniq.length < 2) throw new ApiError('BAD_INPUT', 'merge needs at least two different cells', { field: 'codes' });
    const cells = uniq.map((c) => this.active(c));
    const community = cells[0].community_code;
    const other = cells.find((c) => c.community_code !== community);
    if (other)
      throw new ApiError(
        'BAD_INPUT',
        `cells of different communities cannot be merged (${cells[0].code} is in ${community}, ${other.code} in ${other.community_code})`,
        { field: 'codes' },
      );
    const polys = cells.map((c) => turfPolygon([JSON.parse(c.ring) as LonLat[]]));
    const u = union(featureCollection(polys));
    if (!u || u.geometry.type !== 'Polygon')
      throw new ApiError('BAD_INPUT', 'the cells do not form one connected area: merge only cells that share a boundary', { field: 'codes' });
    if (u.geometry.coordinates.length > 1)
      throw new ApiError('BAD_INPUT', 'the merged cell would have a hole (it would surround another cell)', { field: 'codes' });
    const sum = cells.reduce((s, c) => s + ringAreaM2(JSON.parse(c.ring)), 0);
    const area = polyArea(u);
    if (Math.abs(area - sum) > sum * AREA_TOLERANCE + 1)
      throw new ApiError('BAD_INPUT', `topology check failed: the cells overlap or leave gaps (${Math.round(sum)} m² in, ${Math.round(area)} m² merged)`, {
        field: 'codes',
      });
    const [keep, ...gone] = cells;
    const ring = u.geometry.coordinates[0] as LonLat[];
    const moves = gone.flatMap((g) => this.componentMoves(g.code, () => true, keep.code));
    return this.edits.write({ kind: 'grid', message, actor }, moves, [], uniq, (commitId) => {
      this.writeCell(commitId, keep, { ...this.record(keep), ring, areaM2: ringAreaM2(ring) }, 'update');
      const at = new Date(this.now()).toISOString();
      for (const g of gone) this.writeCell(commitId, g, { ...this.record(g), retiredAt: at }, 'retire');
      this.grid.invalidate();
    });
  }

  /** Cell writes that undo a grid commit (each cell back to its before-image; added cells retired). */
  revertCells(detail: CommitDetail): { codes: string[]; write: (commitId: number) => void } {
    const rows = detail.cells.map((v) => {
      const cur = this.q.cell.get(v.code) as CellRow;
      if (cur.version !== v.version)
        throw new ApiError('CONFLICT', `cell ${v.code} changed again after commit ${detail.commit.id} (version ${cur.version}); revert the later commit first`);
      const target: CellRecord = v.before ?? { ...v.after, retiredAt: new Date(this.now()).toISOString() };
      return { cur, target, op: (!v.before ? 'retire' : v.after.retiredAt && !target.retiredAt ? 'restore' : 'update') as 'retire' | 'restore' | 'update' };
    });
    return {
      codes: rows.map((r) => r.cur.code),
      write: (commitId) => {
        for (const r of rows) this.writeCell(commitId, r.cur, r.target, r.op);
        this.grid.invalidate();
      },
    };
  }

  /** Drops the grid's cached geometry (locator, packed cells) after cell writes. */
  invalidateGrid(): void {
    this.grid.invalidate();
  }

  /** Plans that move active components inside the boxes to the cell `locate` now gives them, where it differs. */
  componentsToRelocate(boxes: [number, number, number, number][], locate: (lon: number, lat: number) => string | null): Plan[] {
    const out: Plan[] = [];
    const seen = new Set<number>();
    for (const [a, b, c, d] of boxes) {
      for (const r of this.q.componentsInBox.all(a, c, b, d) as RecordRow[]) {
        const row = rowToRecord(r);
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        const cell = locate(row.rec.lon, row.rec.lat);
        if (cell && cell !== row.rec.gridCode) out.push(movePlan(row, cell, out.length));
      }
    }
    return out;
  }

  /** Plans that re-assign the active components of a cell matching `where` to another cell. */
  private componentMoves(fromCell: string, where: (p: LonLat) => boolean, toCell: string): Plan[] {
    const out: Plan[] = [];
    for (const r of this.q.components.all(fromCell) as RecordRow[]) {
      const row = rowToRecord(r);
      if (where([row.rec.lon, row.rec.lat])) out.push(movePlan(row, toCell, out.length));
    }
    return out;
  }

  /** Writes one cell record (insert when `cur` is null) with its history row; the caller checked the topology. */
  writeCell(commitId: number, cur: CellRow | null, rec: CellRecord, op: 'add' | 'update' | 'retire' | 'restore'): void {
    const [a, b, c, d] = ringBBox(rec.ring);
    let id: number, version: number;
    if (cur) {
      id = cur.id;
      version = cur.version + 1;
      this.q.update.run(JSON.stringify(rec.ring), rec.areaM2, a, b, c, d, rec.retiredAt, version, id);
      this.q.rtreeDel.run(id);
    } else {
      id = Number(this.q.insert.run(rec.code, rec.communityCode, JSON.stringify(rec.ring), rec.areaM2, a, b, c, d).lastInsertRowid);
      version = 1;
    }
    this.q.rtreeIns.run(id, a, c, b, d);
    this.q.version.run(id, version, commitId, op, cur ? JSON.stringify(this.record(cur)) : null, JSON.stringify(rec));
  }
}

/** The plan that moves a component into another cell. */
function movePlan({ id, version, rec }: ReturnType<typeof rowToRecord>, toCell: string, index: number): Plan {
  const after: ComponentRecord = { ...rec, gridCode: toCell };
  return { index, ref: rec.code, op: 'update', id, version: version + 1, before: rec, after, photos: [] };
}

/** A polygon covering everything to the left of a polyline, the line extended ~2 km past both ends so it crosses
 * any cell it is drawn across. */
function leftOf(line: LonLat[]): Feature<Polygon> {
  if (line.length < 2) throw new ApiError('BAD_INPUT', 'a split line needs at least two points', { field: 'line' });
  const far = 0.02; // degrees, ≈ 2 km
  const unit = (p: LonLat, q: LonLat): LonLat => {
    const dx = q[0] - p[0],
      dy = q[1] - p[1];
    const n = Math.hypot(dx, dy);
    if (n === 0) throw new ApiError('BAD_INPUT', 'the split line has two identical consecutive points', { field: 'line' });
    return [dx / n, dy / n];
  };
  const d0 = unit(line[0], line[1]);
  const d1 = unit(line[line.length - 2], line[line.length - 1]);
  const start: LonLat = [line[0][0] - d0[0] * far, line[0][1] - d0[1] * far];
  const end: LonLat = [line[line.length - 1][0] + d1[0] * far, line[line.length - 1][1] + d1[1] * far];
  // Left normal of the start and end directions.
  const endLeft: LonLat = [end[0] - d1[1] * far, end[1] + d1[0] * far];
  const startLeft: LonLat = [start[0] - d0[1] * far, start[1] + d0[0] * far];
  const ring = [start, ...line, end, endLeft, startLeft, start];
  return turfPolygon([ring]);
}
