// Readers of the import formats: GeoJSON, Shapefile (a zip with .shp/.shx/.dbf, .prj and .cpg), GeoPackage and
// CSV. Each returns the features with their attributes and geometry in the file's own CRS, the CRS the file
// declares (when it does), the attribute encoding, and the column names. A file that cannot be read whole
// (truncated, damaged, not the format its name says) is refused with a FileError naming the problem.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDbf, parseShp } from 'shpjs';
import type { Geometry } from 'geojson';
import type { GisFormat } from '../../../shared/gis.ts';
import { readGpkgGeometry } from './wkb.ts';
import { crsFromName, crsFromWkt } from './prj.ts';

/** One feature as the file holds it. */
export interface SourceFeature {
  props: Record<string, unknown>;
  geometry: Geometry | null;
}
/** A whole layer read from a file. */
export interface SourceLayer {
  format: GisFormat;
  features: SourceFeature[];
  columns: string[];
  /** The supported CRS the file declares, or null when it declares none (CSV, a .shp without .prj). */
  crs: string | null;
  /** What the file said about its CRS when it is not one CityOps supports. */
  unknownCrs: string | null;
  encoding: string | null;
}

/** A file that cannot be read: nothing is imported from it. */
export class FileError extends Error {}

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

/** Decodes text: UTF-8 (with or without BOM) when it is valid UTF-8, else GBK (GB 2312 / CP936). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'GBK' };
  }
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

/** Code page of a .cpg (or a dBASE language driver byte) as a TextDecoder label. */
function encodingOf(cpg: string | undefined, dbf: Uint8Array): string {
  const c = cpg?.trim().toUpperCase();
  if (c) {
    if (/^(UTF-?8|65001)$/.test(c)) return 'UTF-8';
    if (/^(GBK|CP936|936|GB2312|GB18030|ANSI 936)$/.test(c)) return 'GBK';
    try {
      new TextDecoder(c);
      return c;
    } catch {
      /* fall through to detection */
    }
  }
  if (dbf[29] === 0x4d || dbf[29] === 0x7a) return 'GBK'; // dBASE LDID 936
  return decodeText(dbf.subarray(32)).encoding;
}

function readShapefileZip(bytes: Buffer, name: string): SourceLayer {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new FileError(`${name} is not a readable zip (truncated or damaged?): ${(e as Error).message}`);
  }
  const byExt = (base: string, ext: string) => {
    const k = Object.keys(files).find((f) => f.toLowerCase() === `${base}.${ext}`.toLowerCase());
    return k ? files[k] : undefined;
  };
  const bases = Object.keys(files)
    .filter((f) => /\.shp$/i.test(f) && !f.includes('__MACOSX'))
    .map((f) => f.slice(0, -4));
  if (!bases.length) throw new FileError(`${name} holds no .shp file`);
  const out: SourceLayer = { format: 'shp', features: [], columns: [], crs: null, unknownCrs: null, encoding: null };
  const columns = new Set<string>();
  for (const base of bases) {
    const shp = files[`${base}.shp`] ?? byExt(base, 'shp')!;
    const dbf = byExt(base, 'dbf');
    if (!dbf) throw new FileError(`${name}: ${base}.shp has no .dbf (attributes) beside it`);
    const prj = byExt(base, 'prj');
    if (prj) {
      const wkt = new TextDecoder().decode(prj);
      const crs = crsFromWkt(wkt);
      if (!crs) out.unknownCrs = wkt.slice(0, 120);
      else if (out.crs && out.crs !== crs) throw new FileError(`${name}: its layers are in different CRSs (${out.crs}, ${crs})`);
      else out.crs = crs;
    }
    const cpg = byExt(base, 'cpg');
    const encoding = encodingOf(cpg ? new TextDecoder().decode(cpg) : undefined, dbf);
    out.encoding = encoding;
    const view = (u: Uint8Array) => new DataView(u.buffer, u.byteOffset, u.byteLength);
    checkShpLength(view(shp), `${base}.shp`, name);
    let shapes: Geometry[], rows: Record<string, unknown>[];
    try {
      shapes = parseShp(view(shp));
      rows = parseDbf(view(dbf), encoding === 'UTF-8' ? 'utf-8' : encoding.toLowerCase());
    } catch (e) {
      throw new FileError(`${name}: ${base} cannot be read (truncated or damaged?): ${(e as Error).message}`);
    }
    const dv = view(dbf);
    const declared = dv.byteLength >= 12 ? dv.getUint32(4, true) : -1;
    const headerLen = dv.byteLength >= 12 ? dv.getUint16(8, true) : 0;
    const recLen = dv.byteLength >= 12 ? dv.getUint16(10, true) : 0;
    if (declared < 0 || headerLen + declared * recLen > dv.byteLength)
      throw new FileError(`${name}: ${base}.dbf is truncated (${declared} records declared, ${dv.byteLength} bytes)`);
    if (shapes.length !== rows.length) throw new FileError(`${name}: ${base}.shp has ${shapes.length} shapes but ${base}.dbf has ${rows.length} rows`);
    rows.forEach((r, i) => {
      for (const k of Object.keys(r)) columns.add(k);
      out.features.push({ props: r, geometry: shapes[i] });
    });
  }
  out.columns = [...columns];
  return out;
}

/** The .shp header records the file length in 16-bit words: a shorter file is truncated. */
function checkShpLength(dv: DataView, file: string, name: string): void {
  if (dv.byteLength < 100 || dv.getInt32(0, false) !== 9994) throw new FileError(`${name}: ${file} is not a shapefile (bad header)`);
  const words = dv.getInt32(24, false);
  if (words * 2 > dv.byteLength) throw new FileError(`${name}: ${file} is truncated (${dv.byteLength} of ${words * 2} bytes)`);
}

function readGpkg(file: string, name: string): SourceLayer {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new FileError(`${name} cannot be opened as a GeoPackage: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new FileError(`${name} is damaged or truncated (SQLite quick_check: ${String(check).slice(0, 120)})`);
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
    const cols = (db.prepare('SELECT name, pk FROM pragma_table_info(?)').all(table) as { name: string; pk: number }[])
      .filter((c) => c.name !== geom && !c.pk)
      .map((c) => c.name);
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

function readCsv(bytes: Buffer, name: string): SourceLayer {
  const { text, encoding } = decodeText(bytes);
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new FileError(`${name} is not a well-formed CSV (truncated?): ${(e as Error).message}`);
  }
  const header = text.split(/\r?\n/, 1)[0];
  const columns = rows.length ? Object.keys(rows[0]) : header.split(',').map((s) => s.trim());
  return { format: 'csv', features: rows.map((props) => ({ props, geometry: null })), columns, crs: null, unknownCrs: null, encoding };
}
