// Import of the component and grid layers from GeoJSON, Shapefile, GeoPackage and CSV: read the file, find its
// CRS, map its columns, reproject, check every row as an editor's commit would, and report per row. A dry run
// stops there. A real import writes every valid row in one transaction as one commit with history, or nothing
// when strict and any row has an error. A file that cannot be read whole changes nothing.
import { kinks, polygon as turfPolygon, intersect, featureCollection } from '@turf/turf';
import Flatbush from 'flatbush';
import type { Geometry, Position } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { parseGridCode } from '../../../shared/codes.ts';
import { ringBBox } from '../../../shared/geo.ts';
import {
  differingFields,
  type CommitResult,
  type ComponentChange,
  type ComponentFields,
  type ComponentRecord,
  type ShapeGeometry,
  type CellRecord,
} from '../../../shared/editing.ts';
import { IMPORT_FIELDS, guessMapping, type ImportLayer, type ImportPhase, type ImportReport, type ImportRowProblem } from '../../../shared/gis.ts';
import type { LonLat } from '../../../shared/model.ts';
import type { Db } from '../db/connection.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { ChangeLog } from '../replication/changelog.ts';
import type { EditService, Plan } from '../editing/service.ts';
import { ringAreaM2, type GridEditor } from '../editing/grid.ts';
import { CellLocator } from '../grid/locator.ts';
import { FileError, readGisFile, type SourceLayer } from './read.ts';
import { parseWkt } from './wkb.ts';
import { isGeographic } from './prj.ts';

/** Problems listed in a report; the counts cover all of them. */
export const MAX_REPORTED = 2000;
/** Imports larger than this ship to the replica as a snapshot instead of one change-log entry per row. */
const BULK_ROWS = 20_000;

/** What an import needs from the core. */
export interface ImportContext {
  db: Db;
  catalog: CatalogService;
  edits: EditService;
  gridEditor: GridEditor;
  changelog: ChangeLog;
  adminCode: string;
}

/** Options of one import. */
export interface ImportOptions {
  layer: ImportLayer;
  crs?: string;
  mapping?: Record<string, string>;
  strict?: boolean;
  dryRun?: boolean;
  message?: string;
  actor: string;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
  /** Told about the commit an import wrote (inside its transaction). */
  onCommit?: (r: CommitResult) => void;
}

/** Reads and checks a file; with dryRun false, applies it. Bad files throw ApiError BAD_INPUT and change nothing;
 * a strict import with row errors throws BAD_INPUT with the report in details.report. */
export function runImport(ctx: ImportContext, file: string, name: string, opts: ImportOptions): ImportReport {
  opts.onProgress?.('reading', 0, 1);
  let src: SourceLayer;
  try {
    src = readGisFile(file, name);
  } catch (e) {
    if (e instanceof FileError) throw new ApiError('BAD_INPUT', e.message, { field: 'file' });
    throw e;
  }
  const mapping = { ...guessMapping(opts.layer, src.columns), ...(opts.mapping ?? {}) };
  for (const [field, col] of Object.entries(mapping)) {
    if (!(IMPORT_FIELDS[opts.layer] as readonly string[]).includes(field))
      throw new ApiError('BAD_INPUT', `${field} is not a field of the ${opts.layer} layer`, { field: 'mapping' });
    if (!src.columns.includes(col))
      throw new ApiError('BAD_INPUT', `the mapping names column ${col}, which ${name} does not have (columns: ${src.columns.join(', ')})`, {
        field: 'mapping',
      });
  }
  // CRS: the file's own, or the option when the file has none; both and different is refused (wrong CRS).
  let crs: string, crsFrom: ImportReport['crsFrom'];
  if (src.crs && opts.crs && src.crs !== opts.crs)
    throw new ApiError('BAD_INPUT', `${name} declares ${src.crs} but --crs says ${opts.crs}; remove --crs or fix the file`, { field: 'crs' });
  if (src.crs) [crs, crsFrom] = [src.crs, 'file'];
  else if (opts.crs) [crs, crsFrom] = [opts.crs, 'option'];
  else if (src.unknownCrs)
    throw new ApiError(
      'BAD_INPUT',
      `${name} is in a CRS CityOps does not know (${src.unknownCrs}); give one of EPSG:4490, 4326, 3857, 4549, 4528, 2385 with --crs`,
      { field: 'crs' },
    );
  else if (src.format === 'csv' && !mapping.lon && !mapping.x && !mapping.wkt)
    throw new ApiError('BAD_INPUT', `${name} has no coordinate columns: map lon/lat, x/y or WKT (columns: ${src.columns.join(', ')})`, { field: 'mapping' });
  else if (src.format === 'csv' && mapping.x && !mapping.lon)
    throw new ApiError('BAD_INPUT', `${name} has projected x/y columns and no CRS: give it with --crs (e.g. EPSG:4549)`, { field: 'crs' });
  else [crs, crsFrom] = ['EPSG:4490', 'default'];
  const conv = isGeographic(crs) ? null : crsConverter(crs, 'EPSG:4490');
  const tr = (p: Position): LonLat => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') throw new Error('bad coordinate');
    return conv ? conv([p[0], p[1]]) : [p[0], p[1]];
  };
  const report: ImportReport = {
    file: name,
    format: src.format,
    layer: opts.layer,
    crs,
    crsFrom,
    encoding: src.encoding,
    columns: src.columns,
    mapping,
    rows: src.features.length,
    counts: { add: 0, update: 0, unchanged: 0, error: 0, warning: 0, fixed: 0, filled: 0 },
    problems: [],
    more: 0,
    strict: !!opts.strict,
    commitId: null,
  };
  const problems: ImportRowProblem[] = [];
  const rowErr = (row: number, code: string | null, field: string, message: string) => problems.push({ row, code, severity: 'error', field, message });
  const value = (props: Record<string, unknown>, field: string): unknown => {
    const col = mapping[field];
    const v = col === undefined ? undefined : props[col];
    return typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : (v ?? undefined);
  };
  // Geometry of a row in lon/lat: the file's, or built from CSV columns.
  const geometryOf = (props: Record<string, unknown>, g: Geometry | null): Geometry | string => {
    let geom = g;
    if (src.format === 'csv') {
      const wkt = value(props, 'wkt');
      const [xs, ys] = mapping.lon ? [value(props, 'lon'), value(props, 'lat')] : [value(props, 'x'), value(props, 'y')];
      if (wkt !== undefined) {
        try {
          geom = parseWkt(String(wkt));
        } catch (e) {
          return (e as Error).message;
        }
      } else if (xs !== undefined && ys !== undefined) {
        const [x, y] = [Number(xs), Number(ys)];
        if (!Number.isFinite(x) || !Number.isFinite(y)) return `coordinates ${String(xs)}, ${String(ys)} are not numbers`;
        geom = { type: 'Point', coordinates: [x, y] };
      }
    }
    if (!geom) return 'the row has no geometry';
    if (geom.type.startsWith('Multi')) {
      const parts = (geom as { coordinates: unknown[] }).coordinates;
      if (parts.length !== 1) return `a ${geom.type} with ${parts.length} parts: a component or cell is one point, line or polygon`;
      geom = { type: geom.type.slice(5), coordinates: parts[0] } as Geometry;
    }
    if (!['Point', 'LineString', 'Polygon'].includes(geom.type)) return `unsupported geometry ${geom.type}`;
    try {
      if (geom.type === 'Point') return { type: 'Point', coordinates: tr(geom.coordinates) };
      if (geom.type === 'LineString') return { type: 'LineString', coordinates: geom.coordinates.map(tr) };
      return { type: 'Polygon', coordinates: (geom as { coordinates: Position[][] }).coordinates.map((r) => r.map(tr)) };
    } catch {
      return 'a coordinate is not a number pair';
    }
  };
  opts.onProgress?.('checking', 0, src.features.length);
  const result =
    opts.layer === 'components'
      ? importComponents(ctx, src, report, problems, { value, geometryOf, rowErr }, opts)
      : importCells(ctx, src, report, problems, { value, geometryOf, rowErr }, opts);
  return result;
}

interface RowTools {
  value: (props: Record<string, unknown>, field: string) => unknown;
  geometryOf: (props: Record<string, unknown>, g: Geometry | null) => Geometry | string;
  rowErr: (row: number, code: string | null, field: string, message: string) => void;
}

function finish(report: ImportReport, problems: ImportRowProblem[]): void {
  problems.sort((a, b) => a.row - b.row);
  for (const p of problems) report.counts[p.severity]++;
  report.counts.error = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.row)).size;
  report.problems = problems.slice(0, MAX_REPORTED);
  report.more = Math.max(0, problems.length - MAX_REPORTED);
}

/** Refuses a strict import with errors, or applies the valid plans as one commit. */
function apply(
  ctx: ImportContext,
  report: ImportReport,
  problems: ImportRowProblem[],
  opts: ImportOptions,
  rows: number,
  write: () => CommitResult | null,
): ImportReport {
  finish(report, problems);
  if (opts.dryRun) return report;
  if (opts.strict && report.counts.error > 0) {
    throw new ApiError('BAD_INPUT', `strict import refused: ${report.counts.error} row(s) have errors; nothing was imported`, { report });
  }
  opts.onProgress?.('writing', 0, rows);
  const commit = rows > BULK_ROWS ? ctx.changelog.bulk(`import ${report.file}`, write) : write();
  if (commit) {
    report.commitId = commit.commit.id;
    opts.onCommit?.(commit);
  }
  opts.onProgress?.('done', rows, rows);
  return report;
}

function importComponents(
  ctx: ImportContext,
  src: SourceLayer,
  report: ImportReport,
  problems: ImportRowProblem[],
  t: RowTools,
  opts: ImportOptions,
): ImportReport {
  const classesByName = new Map(ctx.catalog.componentClasses().map((k) => [k.name, k.code]));
  const depts = ctx.catalog.departments();
  const deptCodes = new Set(depts.map((d) => d.code));
  const deptByName = new Map(depts.map((d) => [d.name, d.code]));
  const changes: ComponentChange[] = [];
  const rowOf: number[] = [];
  const attrDefs = (cls: string) => ctx.edits.env.classAttributes(cls);
  // Many rows: every current record in one scan; few: a look-up per row.
  const all = src.features.length > 5000 ? ctx.edits.allCurrent() : null;
  const lookup = (code: string) => (all ? (all.get(code) ?? null) : ctx.edits.current(code));
  src.features.forEach((f, i) => {
    const row = i + 1;
    const code = t.value(f.props, 'code') === undefined ? undefined : String(t.value(f.props, 'code'));
    const g = t.geometryOf(f.props, f.geometry);
    if (typeof g === 'string') return t.rowErr(row, code ?? null, 'geometry', g);
    let classCode = t.value(f.props, 'classCode') === undefined ? undefined : String(t.value(f.props, 'classCode')).padStart(4, '0');
    if (!classCode && code && /^\d{16}$/.test(code)) classCode = code.slice(6, 10);
    if (!classCode) {
      const n = t.value(f.props, 'name');
      classCode = n === undefined ? undefined : classesByName.get(String(n));
      if (!classCode)
        return t.rowErr(
          row,
          code ?? null,
          'classCode',
          n === undefined ? 'no class: the row has no code, class code or component name' : `部件名称 ${String(n)} is not a class of the class table`,
        );
    }
    if (code !== undefined && !/^\d{16}$/.test(code)) return t.rowErr(row, code, 'code', `code ${code} is not 16 digits`);
    const fields: Partial<ComponentFields> = {};
    for (const d of ['dept1', 'dept2', 'dept3'] as const) {
      const v = t.value(f.props, d);
      if (v === undefined) continue;
      const s = String(v);
      const resolved = deptCodes.has(s) ? s : deptByName.get(s);
      if (!resolved) return t.rowErr(row, code ?? null, d, `department ${s} is neither a department code nor a department name`);
      fields[d] = resolved;
    }
    const str = (field: 'state' | 'orDate' | 'chDate' | 'dataSource' | 'note') => {
      const v = t.value(f.props, field);
      if (v === undefined) return;
      (fields as Record<string, unknown>)[field] = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    };
    (['state', 'orDate', 'chDate', 'dataSource', 'note'] as const).forEach(str);
    const attrsRaw = t.value(f.props, 'attrs');
    const attrs: Record<string, string | number> = {};
    if (attrsRaw !== undefined) {
      try {
        Object.assign(attrs, JSON.parse(String(attrsRaw)));
      } catch {
        return t.rowErr(row, code ?? null, 'attrs', `扩展属性 is not JSON: ${String(attrsRaw).slice(0, 40)}`);
      }
    }
    // Columns named after a class attribute (key or label) fill it too.
    for (const d of attrDefs(classCode)) {
      const col = src.columns.find((c) => c === d.key || c === d.label);
      const v = col ? f.props[col] : undefined;
      if (v !== undefined && v !== null && v !== '') attrs[d.key] = typeof v === 'number' ? v : String(v).trim();
    }
    if (Object.keys(attrs).length) fields.attrs = attrs;
    const gridCode = t.value(f.props, 'gridCode') === undefined ? undefined : String(t.value(f.props, 'gridCode'));
    const point = g.type === 'Point' ? (g.coordinates as LonLat) : null;
    const geometry = point ? undefined : (g as ShapeGeometry);
    const [lon, lat] = point ?? (geometry!.type === 'Polygon' ? geometry!.coordinates[0][0] : geometry!.coordinates[0]);
    const cur = code ? lookup(code) : null;
    if (cur) {
      changes.push({
        op: 'update',
        code: code!,
        baseVersion: cur.version,
        lon,
        lat,
        geometry,
        gridCode: gridCode && /^\d{15}$/.test(gridCode) ? gridCode : undefined,
        fields,
      });
    } else {
      changes.push({
        op: 'add',
        ref: `row ${row}`,
        classCode,
        lon,
        lat,
        geometry,
        code,
        gridCode: gridCode && /^\d{15}$/.test(gridCode) ? gridCode : undefined,
        fields,
      });
    }
    rowOf.push(row);
    if ((i + 1) % 20_000 === 0) opts.onProgress?.('checking', i + 1, src.features.length);
  });
  const { plans, problems: found } = ctx.edits.plan(changes, { allowCodes: true, lookup });
  const bad = new Set<number>();
  for (const p of found) {
    const row = rowOf[p.index];
    if (p.severity === 'error') bad.add(p.index);
    problems.push({ row, code: changeCode(changes[p.index]), severity: p.severity, field: p.field, message: p.message });
  }
  const valid: Plan[] = [];
  for (const p of plans) {
    if (bad.has(p.index)) continue;
    if (p.op === 'update' && p.before && sameRecord(p.before, p.after)) {
      report.counts.unchanged++;
      continue;
    }
    if (p.op === 'add') report.counts.add++;
    else report.counts.update++;
    valid.push(p);
  }
  return apply(ctx, report, problems, opts, valid.length, () =>
    valid.length ? ctx.edits.write({ kind: 'import', message: opts.message ?? `导入 ${report.file}`, actor: opts.actor }, valid) : null,
  );
}

/** Coordinates closer than this (degrees, ≈ 1 cm) are the same place: a reprojected round trip is not a change. */
const SAME_PLACE = 1e-7;

/** True when an import row would not change a component (its change date aside). */
function sameRecord(a: ComponentRecord, b: ComponentRecord): boolean {
  const diff = differingFields(a, b).filter((f) => f !== 'chDate');
  const close = (p: number[], q: number[]) => Math.abs(p[0] - q[0]) < SAME_PLACE && Math.abs(p[1] - q[1]) < SAME_PLACE;
  return diff.every((f) => {
    if (f === 'lon' || f === 'lat') return close([a.lon, a.lat], [b.lon, b.lat]);
    if (f !== 'geometry' || !a.geometry || !b.geometry || a.geometry.type !== b.geometry.type) return false;
    const pa = a.geometry.type === 'Polygon' ? a.geometry.coordinates.flat() : a.geometry.coordinates;
    const pb = b.geometry.type === 'Polygon' ? b.geometry.coordinates.flat() : (b.geometry.coordinates as LonLat[]);
    if (pa.length !== pb.length) return false;
    // A shapefile stores outer rings clockwise: the same ring walked the other way is the same polygon.
    const rb = a.geometry.type === 'Polygon' ? pb.slice().reverse() : pb;
    return pa.every((p, i) => close(p, pb[i])) || pa.every((p, i) => close(p, rb[i]));
  });
}

/** True when two rings have the same vertices within SAME_PLACE (in either direction). */
function sameRing(a: LonLat[], b: LonLat[]): boolean {
  if (a.length !== b.length) return false;
  const close = (p: LonLat, q: LonLat) => Math.abs(p[0] - q[0]) < SAME_PLACE && Math.abs(p[1] - q[1]) < SAME_PLACE;
  const r = b.slice().reverse();
  return a.every((p, i) => close(p, b[i])) || a.every((p, i) => close(p, r[i]));
}

function changeCode(c: ComponentChange): string | null {
  return c.op === 'add' ? (c.code ?? null) : c.code;
}

function importCells(ctx: ImportContext, src: SourceLayer, report: ImportReport, problems: ImportRowProblem[], t: RowTools, opts: ImportOptions): ImportReport {
  const communities = new Map(
    (ctx.db.prepare('SELECT code, ring FROM communities').all() as { code: string; ring: string }[]).map((c) => [c.code, JSON.parse(c.ring) as LonLat[]]),
  );
  const incoming: { row: number; rec: CellRecord; cur: ReturnType<GridEditor['row']> }[] = [];
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
    incoming.push({ row, cur, rec: { code, communityCode: community, ring, areaM2: ringAreaM2(ring), retiredAt: null } });
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
  return apply(ctx, report, problems, opts, valid.length, () => {
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
        for (const v of valid) ctx.gridEditor.writeCell(commitId, v.cur ?? null, v.rec, v.cur ? (v.cur.retired_at ? 'restore' : 'update') : 'add');
        ctx.gridEditor.invalidateGrid();
      },
    );
  });
}
