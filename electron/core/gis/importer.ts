// Import of the component and grid layers from GeoJSON, Shapefile, GeoPackage and CSV: read the file, find its
// CRS, map its columns, reproject, check every row as an editor's commit would, and report per row. A dry run
// stops there. A real import writes every valid row in one transaction as one commit with history, or nothing
// when strict and any row has an error. A file that cannot be read whole changes nothing.
import type { Geometry, Position } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { IMPORT_FIELDS, guessMapping, type ImportReport, type ImportRowProblem } from '../../../shared/gis.ts';
import type { LonLat } from '../../../shared/model.ts';
import { FileError, readGisFile, type SourceLayer } from './read.ts';
import { parseWkt } from './wkb.ts';
import { isGeographic } from './prj.ts';
import { importComponents } from './importComponents.ts';
import { importCells } from './importCells.ts';
import type { ImportContext, ImportOptions } from './importRows.ts';

export type { ImportContext, ImportOptions } from './importRows.ts';

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
