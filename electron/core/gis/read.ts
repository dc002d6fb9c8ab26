// Readers of the import formats: GeoJSON, Shapefile (a zip with .shp/.shx/.dbf, .prj and .cpg), GeoPackage and
// CSV. Each returns the features with their attributes and geometry in the file's own CRS, the CRS the file
// declares (when it does), the attribute encoding, and the column names. A file that cannot be read whole
// (truncated, damaged, not the format its name says, or built to make the server work: sizes that lie, SQL of its
// own) is refused with a FileError naming the problem. Zipped Shapefiles are read in shapefile.ts and zip.ts.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Geometry } from 'geojson';
import type { GisFormat } from '../../../shared/gis.ts';
import { readGpkgGeometry } from './wkb.ts';
import { crsFromName, crsFromWkt } from './prj.ts';
import { decodeText, FileError, type SourceFeature, type SourceLayer } from './source.ts';
import { readShapefileZip } from './shapefile.ts';

export { decodeText, FileError, type SourceFeature, type SourceLayer } from './source.ts';

/** Largest file read whole into memory (GeoJSON, CSV, zipped Shapefile). GeoPackages are read in place. */
export const MAX_TEXT_FILE_BYTES = 512 * 1024 * 1024;

/** The format of a file by its name. */
export function formatOf(name: string): GisFormat {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.zip') return 'shp';
  if (ext === '.gpkg') return 'gpkg';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.shp') throw new FileError('a Shapefile is imported as a .zip holding its .shp, .shx, .dbf (and .prj, .cpg) files');
  throw new FileError(`unknown file type ${ext || '(none)'}: import .geojson, .zip (Shapefile), .gpkg or .csv`);
}

/** Reads a file of any supported format; `name` decides the format (uploads keep their original name). */
export function readGisFile(file: string, name = file): SourceLayer {
  const format = formatOf(name);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new FileError(`cannot read ${name}: no such file`);
  }
  if (size === 0) throw new FileError(`${name} is empty`);
  if (format === 'gpkg') return readGpkg(file, name);
  if (size > MAX_TEXT_FILE_BYTES)
    throw new FileError(`${name} is ${(size / 2 ** 20).toFixed(0)} MB; files over ${MAX_TEXT_FILE_BYTES / 2 ** 20} MB are imported as GeoPackage`);
  const bytes = readFileSync(file);
  if (format === 'geojson') return readGeoJson(bytes, name);
  if (format === 'shp') return readShapefileZip(bytes, name);
  return readCsv(bytes, name);
}

/** What of a GeoJSON document the reader looks at (anything may be missing or of the wrong type). */
interface GeoJsonDoc {
  type?: unknown;
  features?: unknown;
  crs?: { properties?: { name?: unknown } };
}
interface GeoJsonFeature {
  type?: unknown;
  properties?: unknown;
  geometry?: Geometry | null;
}

function readGeoJson(bytes: Buffer, name: string): SourceLayer {
  let doc: GeoJsonDoc | null;
  try {
    doc = JSON.parse(decodeText(bytes).text) as GeoJsonDoc | null;
  } catch (e) {
    throw new FileError(`${name} is not valid JSON (truncated or damaged?): ${(e as Error).message}`);
  }
  const list = doc?.type === 'FeatureCollection' ? doc.features : doc?.type === 'Feature' ? [doc] : null;
  if (!Array.isArray(list)) throw new FileError(`${name} is not a GeoJSON FeatureCollection or Feature`);
  const crsName = doc?.crs?.properties?.name;
  const crs = typeof crsName === 'string' ? crsFromName(crsName) : 'EPSG:4326';
  const columns = new Set<string>();
  const features = (list as (GeoJsonFeature | null)[]).map((f, i) => {
    if (f?.type !== 'Feature') throw new FileError(`${name}: item ${i + 1} of features is not a Feature`);
    const props = (f.properties && typeof f.properties === 'object' ? f.properties : {}) as Record<string, unknown>;
    for (const k of Object.keys(props)) columns.add(k);
    return { props, geometry: f.geometry ?? null };
  });
  return { format: 'geojson', features, columns: [...columns], crs, unknownCrs: crs ? null : String(crsName), encoding: null };
}

function readGpkg(file: string, name: string): SourceLayer {
  let db: Database.Database;
  try {
    // The desktop's Electron build of SQLite when there is one (as openDatabase does): the default build is Node's.
    const nativeBinding = process.env.CITYOPS_SQLITE_BINDING;
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (e) {
    throw new FileError(`${name} cannot be opened as a GeoPackage: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new FileError(`${name} is damaged or truncated (SQLite quick_check: ${String(check).slice(0, 120)})`);
    checkGpkgSchema(db, name);
    const gc = db.prepare('SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name').all() as {
      table_name: string;
      column_name: string;
      srs_id: number;
    }[];
    if (!gc.length) throw new FileError(`${name} has no feature table`);
    const { table_name: table, column_name: geom, srs_id } = gc[0];
    const srs = db.prepare('SELECT organization, organization_coordsys_id AS id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?').get(srs_id) as
      { organization: string; id: number; definition: string } | undefined;
    let crs: string | null = null;
    if (srs && /^epsg$/i.test(srs.organization)) crs = crsFromName(`EPSG:${srs.id}`);
    if (!crs && srs) crs = crsFromWkt(srs.definition);
    const cols = featureTableColumns(db, table, geom, name);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const features: SourceFeature[] = [];
    const stmt = db.prepare(`SELECT ${[q(geom), ...cols.map(q)].join(', ')} FROM ${q(table)}`).raw();
    for (const r of stmt.iterate() as Iterable<unknown[]>) {
      const props: Record<string, unknown> = {};
      for (let k = 0; k < cols.length; k++) props[cols[k]] = r[k + 1];
      features.push({ props, geometry: r[0] ? readGpkgGeometry(r[0] as Buffer) : null });
    }
    return {
      format: 'gpkg',
      features,
      columns: cols,
      crs,
      unknownCrs: crs ? null : srs ? `${srs.organization}:${srs.id}` : `srs_id ${srs_id}`,
      encoding: 'UTF-8',
    };
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`${name} cannot be read as a GeoPackage (truncated or damaged?): ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

/** Triggers GeoPackage writers create: the R*Tree spatial index's upkeep, the spec's checks on tile matrices and
 * metadata, GDAL's feature counts. */
const STANDARD_TRIGGER =
  /^(rtree_.+_(insert|update\d*|delete)|trigger_(insert|delete)_feature_count_.+|gpkg_(tile_matrix|metadata|metadata_reference)_\w+_(insert|update))$/;

/** Refuses a GeoPackage that holds SQL which could run while it is read. A view runs its query whenever it is read
 * (a recursive one can keep the server busy for hours, and better-sqlite3 offers no progress handler to stop it), so
 * any view is refused before anything else is read. Triggers run only on writes, which this read-only connection
 * never makes; the standard ones are allowed (every GeoPackage GDAL or QGIS writes has them), any other is refused
 * as a file no GIS wrote. */
function checkGpkgSchema(db: Database.Database, name: string): void {
  const code = db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY type DESC, name").all() as {
    type: 'view' | 'trigger';
    name: string;
  }[];
  const view = code.find((c) => c.type === 'view');
  if (view) throw new FileError(`${name} contains a view (${view.name}); a view runs its own SQL when read, so GeoPackages with views are not imported`);
  const trigger = code.find((c) => c.type === 'trigger' && !STANDARD_TRIGGER.test(c.name));
  if (trigger) throw new FileError(`${name} contains a trigger (${trigger.name}) that GeoPackage writers do not make; it is not imported`);
}

/** The attribute columns of the feature table, once it is shown to be a plain table that gpkg_contents lists as
 * features, with no computed column (whose expression would run on every row read) and with its geometry column. */
function featureTableColumns(db: Database.Database, table: string, geom: string, name: string): string[] {
  if (!db.prepare("SELECT 1 FROM gpkg_contents WHERE table_name = ? COLLATE NOCASE AND lower(data_type) = 'features'").get(table))
    throw new FileError(`${name}: the feature table ${table} is not listed in gpkg_contents as features`);
  const def = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE").get(table) as { sql: string } | undefined;
  if (!def || /^\s*CREATE\s+VIRTUAL\b/i.test(def.sql)) throw new FileError(`${name}: the feature table ${table} is not a plain table`);
  const cols = db.prepare('SELECT name, pk, hidden FROM pragma_table_xinfo(?)').all(table) as { name: string; pk: number; hidden: number }[];
  const computed = cols.find((c) => c.hidden !== 0);
  if (computed) throw new FileError(`${name}: the feature table ${table} has a computed column (${computed.name}); it is not imported`);
  if (!cols.some((c) => c.name === geom)) throw new FileError(`${name}: the feature table ${table} has no column ${geom}`);
  return cols.filter((c) => c.name !== geom && !c.pk).map((c) => c.name);
}

/** Spreadsheets, and our own CSV export (csvCell in write.ts), put a ' before a text cell that starts like a formula
 * (= + - @, TAB, CR) so that it is shown, not run. The reader takes one such ' off again: re-importing our export gives
 * back the values exported (the export adds one ' to a value that already starts with ' and such a character). */
const QUOTED_FORMULA = /^'+[=+\-@\t\r]/;

function readCsv(bytes: Buffer, name: string): SourceLayer {
  const { text, encoding } = decodeText(bytes);
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new FileError(`${name} is not a well-formed CSV (truncated?): ${(e as Error).message}`);
  }
  for (const row of rows) for (const k of Object.keys(row)) if (QUOTED_FORMULA.test(row[k])) row[k] = row[k].slice(1);
  const header = text.split(/\r?\n/, 1)[0];
  const columns = rows.length ? Object.keys(rows[0]) : header.split(',').map((s) => s.trim());
  return { format: 'csv', features: rows.map((props) => ({ props, geometry: null })), columns, crs: null, unknownCrs: null, encoding };
}
