// Import of the unit grid layer (单元网格): each cell checked on its own (code, district, community, one ring that does
// not cross itself), then the grid as it would be (no overlaps, inside the community, gaps reported); components
// move with the cells in the same commit. The check only reads (it runs in the import worker); the write is one commit
// on the core's connection.
import { kinks, polygon as turfPolygon, intersect, featureCollection } from '@turf/turf';
import Flatbush from 'flatbush';
import { parseGridCode } from '../../../shared/codes.ts';
import { ringBBox } from '../../../shared/geo.ts';
import type { CommitResult } from '../../../shared/editing.ts';
import type { ImportReport } from '../../../shared/gis.ts';
import type { LonLat } from '../../../shared/model.ts';
import { ringAreaM2 } from '../editing/grid.ts';
import { CellLocator } from '../grid/locator.ts';
import { SAME_PLACE, type CheckedCell, type ImportContext, type ImportOptions, type LayerCheck } from './importRows.ts';

/** True when two rings have the same vertices within SAME_PLACE (in either direction). */
function sameRing(a: LonLat[], b: LonLat[]): boolean {
  if (a.length !== b.length) return false;
  const close = (p: LonLat, q: LonLat) => Math.abs(p[0] - q[0]) < SAME_PLACE && Math.abs(p[1] - q[1]) < SAME_PLACE;
  const r = b.slice().reverse();
  return a.every((p, i) => close(p, b[i])) || a.every((p, i) => close(p, r[i]));
}

/** Checks every row of a grid layer and the grid it would make; returns the valid cells. */
export const checkCells: LayerCheck = (ctx, src, report, problems, t) => {
  const communities = new Map(
    (ctx.db.prepare('SELECT code, ring FROM communities').all() as { code: string; ring: string }[]).map((c) => [c.code, JSON.parse(c.ring) as LonLat[]]),
  );
  const incoming: CheckedCell[] = [];
  const seen = new Set<string>();
  src.features.forEach((f, i) => {
    const row = i + 1;
    const raw = t.value(f.props, 'code');
    const code = raw === undefined ? '' : String(raw);
    const parsed = parseGridCode(code);
    if (!parsed.ok) return t.rowErr(row, code || null, 'code', parsed.reason);
    if (parsed.value.admin !== ctx.adminCode)
      return t.rowErr(row, code, 'code', `cell ${code} belongs to district ${parsed.value.admin}, not ${ctx.adminCode}`);
    if (seen.has(code)) return t.rowErr(row, code, 'code', `cell ${code} appears twice in the file`);
    seen.add(code);
    const community = parsed.value.street + parsed.value.community;
    if (!communities.has(community)) return t.rowErr(row, code, 'code', `community ${community} of cell ${code} does not exist`);
    const g = t.geometryOf(f.props, f.geometry);
    if (typeof g === 'string') return t.rowErr(row, code, 'geometry', g);
    if (g.type !== 'Polygon') return t.rowErr(row, code, 'geometry', `a cell is a polygon, not a ${g.type}`);
    if (g.coordinates.length !== 1) return t.rowErr(row, code, 'geometry', 'a cell has one ring and no holes');
    const ring = g.coordinates[0] as LonLat[];
    if (ring.length < 4) return t.rowErr(row, code, 'geometry', 'a cell ring needs at least three corners');
    if (kinks(turfPolygon([ring])).features.length) return t.rowErr(row, code, 'geometry', 'the cell outline crosses itself');
    const cur = ctx.gridEditor.row(code);
    if (cur && !cur.retired_at && sameRing(JSON.parse(cur.ring), ring)) {
      report.counts.unchanged++;
      return;
    }
    incoming.push({ row, cur: cur ?? null, rec: { code, communityCode: community, ring, areaM2: ringAreaM2(ring), retiredAt: null } });
  });
  // Topology against the grid as it would be: no overlap with any other cell, inside its community.
  const final = new Map(ctx.gridEditor.cellsAsOf(null).map((c) => [c.code, c]));
  for (const c of incoming) final.set(c.rec.code, c.rec);
  const list = [...final.values()];
  const index = new Flatbush(Math.max(1, list.length));
  for (const c of list) {
    const [a, b, cc, d] = ringBBox(c.ring);
    index.add(a, b, cc, d);
  }
  if (!list.length) index.add(0, 0, 0, 0);
  index.finish();
  const bad = new Set<string>();
  for (const c of incoming) {
    const poly = turfPolygon([c.rec.ring]);
    const [a, b, cc, d] = ringBBox(c.rec.ring);
    for (const k of index.search(a, b, cc, d)) {
      const other = list[k];
      if (!other || other.code === c.rec.code) continue;
      const x = intersect(featureCollection([poly, turfPolygon([other.ring])]));
      const area = x ? ringAreaM2(x.geometry.type === 'Polygon' ? (x.geometry.coordinates[0] as LonLat[]) : (x.geometry.coordinates[0][0] as LonLat[])) : 0;
      if (area > 1) {
        t.rowErr(c.row, c.rec.code, 'geometry', `overlaps cell ${other.code} by ${Math.round(area)} m²`);
        bad.add(c.rec.code);
        break;
      }
    }
    const inside = intersect(featureCollection([poly, turfPolygon([communities.get(c.rec.communityCode)!])]));
    const inArea = inside && inside.geometry.type === 'Polygon' ? ringAreaM2(inside.geometry.coordinates[0] as LonLat[]) : 0;
    if (c.rec.areaM2 - inArea > 1 && !bad.has(c.rec.code)) {
      t.rowErr(c.row, c.rec.code, 'geometry', `reaches ${Math.round(c.rec.areaM2 - inArea)} m² outside its community ${c.rec.communityCode}`);
      bad.add(c.rec.code);
    }
  }
  const valid = incoming.filter((c) => !bad.has(c.rec.code));
  // Gaps: the community's cells should cover it.
  for (const comm of new Set(valid.map((c) => c.rec.communityCode))) {
    const covered = list.filter((c) => c.communityCode === comm && !bad.has(c.code)).reduce((s, c) => s + c.areaM2, 0);
    const whole = ringAreaM2(communities.get(comm)!);
    if (whole - covered > whole * 0.001) {
      const row = valid.find((c) => c.rec.communityCode === comm)!.row;
      problems.push({
        row,
        code: null,
        severity: 'warning',
        field: 'geometry',
        message: `community ${comm}: its cells leave ${Math.round(whole - covered)} m² uncovered (a gap)`,
      });
    }
  }
  for (const c of valid) report.counts[c.cur ? 'update' : 'add']++;
  return { layer: 'grid', cells: valid };
};

/** Writes checked cells as one commit, with the components that move to another cell (inside a transaction: all or
 * nothing); null when none. */
export function writeCells(ctx: ImportContext, valid: CheckedCell[], report: ImportReport, opts: ImportOptions): CommitResult | null {
  if (!valid.length) return null;
  // Components follow the new cells: re-locate those around the changed cells against the grid as it will be.
  const afterMap = new Map(ctx.gridEditor.cellsAsOf(null).map((c) => [c.code, c]));
  for (const v of valid) afterMap.set(v.rec.code, v.rec);
  const after = [...afterMap.values()];
  const locator = new CellLocator({ codes: after.map((c) => c.code), rings: after.map((c) => c.ring) });
  const moves = ctx.gridEditor.componentsToRelocate(
    valid.map((v) => ringBBox(v.rec.ring)),
    (lon, lat) => locator.locate(lon, lat),
  );
  return ctx.edits.write(
    { kind: 'import', message: opts.message ?? `导入网格 ${report.file}`, actor: opts.actor },
    moves,
    [],
    valid.map((v) => v.rec.code),
    (commitId) => {
      for (const v of valid) ctx.gridEditor.writeCell(commitId, v.cur, v.rec, v.cur ? (v.cur.retired_at ? 'restore' : 'update') : 'add');
      ctx.gridEditor.invalidateGrid();
    },
  );
}
