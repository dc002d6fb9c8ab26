// Import of the component and grid layers from GeoJSON, Shapefile, GeoPackage and CSV: read the file, find its
// CRS, map its columns, reproject, check every row as an editor's commit would, and report per row (checkImport,
// which only reads: the core runs it in the import worker, importInWorker.ts). A dry run stops there. A real import
// writes every valid row in one transaction as one commit with history, or nothing when strict and any row has an
// error (applyChecked, on the core's connection). A file that cannot be read whole changes nothing.
import type { Geometry, Position } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import type { CommitResult } from '../../../shared/editing.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { IMPORT_FIELDS, guessMapping, type ImportReport, type ImportRowProblem } from '../../../shared/gis.ts';
import type { LonLat } from '../../../shared/model.ts';
import { FileError, readGisFile, type SourceLayer } from './read.ts';
import { parseWkt } from './wkb.ts';
import { isGeographic } from './prj.ts';
import { checkComponents, writeComponents } from './importComponents.ts';
import { checkCells, writeCells } from './importCells.ts';
import { BULK_ROWS, finish, refuseStrict, validCount, type CheckContext, type CheckedRows, type ImportContext, type ImportOptions } from './importRows.ts';

export type { CheckContext, CheckedRows, ImportContext, ImportOptions } from './importRows.ts';

/** A file read and checked: the report (counts and problems final) and the rows to write. */
export interface CheckedImport {
  report: ImportReport;
  rows: CheckedRows;
}

/** Reads, checks and (unless a dry run) applies a file, all on the calling thread (tools, tests; the core's handlers
 * use importInWorker). Bad files throw ApiError BAD_INPUT and change nothing; a strict import with row errors throws
 * BAD_INPUT with the report in details.report. */
export function runImport(ctx: ImportContext, file: string, name: string, opts: ImportOptions): ImportReport {
  return applyChecked(ctx, checkImport(ctx, file, name, opts), opts);
}

/** Refuses a strict import with errors, or writes the checked rows as one commit (a large import as a bulk load that
 * ships to the replica as a snapshot); the report gets the commit's id. A dry run writes nothing. */
export function applyChecked(ctx: ImportContext, checked: CheckedImport, opts: ImportOptions): ImportReport {
  const { report, rows } = checked;
  if (opts.dryRun) return report;
  refuseStrict(report, opts);
  const n = validCount(rows);
  opts.onProgress?.('writing', 0, n);
  const write = (): CommitResult | null =>
    rows.layer === 'components' ? writeComponents(ctx, rows.plans, report, opts) : writeCells(ctx, rows.cells, report, opts);
  // One transaction around the rows and the bulk marker: a bulk load is never committed without the snapshot it needs.
  const commit = ctx.db.transaction(() => (n > BULK_ROWS ? ctx.changelog.bulk(`import ${report.file}`, write) : write()))();
  if (commit) {
    report.commitId = commit.commit.id;
    opts.onCommit?.(commit);
  }
  opts.onProgress?.('done', n, n);
  return report;
}

/** Reads and checks a file, writing nothing. Bad files throw ApiError BAD_INPUT. */
export function checkImport(ctx: CheckContext, file: string, name: string, opts: ImportOptions): CheckedImport {
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
      throw new ApiError('BAD_INPUT', `the mapping names column ${col}, which ${name} does not have (columns: ${shownColumns(src.columns)})`, {
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
    throw new ApiError('BAD_INPUT', `${name} has no coordinate columns: map lon/lat, x/y or WKT (columns: ${shownColumns(src.columns)})`, { field: 'mapping' });
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
  const check = opts.layer === 'components' ? checkComponents : checkCells;
  const rows = check(ctx, src, report, problems, { value, geometryOf, rowErr }, opts);
  finish(report, problems);
  return { report, rows };
}

/** The first columns of a file for a message (a file can have thousands). */
function shownColumns(cols: string[]): string {
  const first = cols.slice(0, 20).map((c) => c.slice(0, 40));
  return cols.length > first.length ? `${first.join(', ')} … and ${cols.length - first.length} more` : first.join(', ');
}
