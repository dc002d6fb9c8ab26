// The Shapefile reader: a zip holding one or more layers, each a .shp with its .dbf (and .prj, .cpg). The parsers
// (shpjs) trust the headers they are given — a .dbf declaring 4 billion records in a few hundred bytes makes parseDbf
// loop until the heap is gone — so every declared size is checked against the bytes first: the zip's directory (see
// zip.ts), the .shp's file length and records, the .dbf's header, fields, record length and record count.
import type { Geometry } from 'geojson';
import { parseDbf, parseShp } from 'shpjs';
import { crsFromWkt } from './prj.ts';
import { decodeText, FileError, type SourceLayer } from './source.ts';
import { inflateEntry, zipDirectory, type ZipEntry } from './zip.ts';

/** Most records one layer may hold: six times the full sample city. More is refused before parsing (the parsed rows
 * of a layer are held in memory; a 256 MB .dbf of one-byte records would be 128 million of them). */
export const MAX_SHAPEFILE_RECORDS = 2_000_000;

/** Files a zipped Shapefile may carry besides the layers' own: indexes, metadata and styles GIS tools write next to
 * them. Only .shp, .dbf, .prj and .cpg are inflated; any other file in the zip is refused. */
const SHAPEFILE_PARTS = new Set([
  'shp',
  'shx',
  'dbf',
  'prj',
  'cpg',
  'sbn',
  'sbx',
  'qix',
  'fix',
  'atx',
  'ain',
  'aih',
  'ixs',
  'mxs',
  'xml',
  'qmd',
  'qpj',
  'cst',
  'qml',
  'sld',
  'lyr',
]);

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

/** Reads a zipped Shapefile (`name` in messages): every layer in it, as one layer. */
export function readShapefileZip(bytes: Uint8Array, name: string): SourceLayer {
  const dir = zipDirectory(bytes, name);
  const files = new Map<string, ZipEntry>();
  for (const e of dir.entries) {
    // Folders, and the resource forks macOS adds (__MACOSX/, ._name), are skipped unread.
    if (e.name.endsWith('/') || /(^|\/)(__MACOSX\/|\._)/.test(e.name)) continue;
    const ext = /\.([^./]+)$/.exec(e.name)?.[1].toLowerCase();
    if (!ext || !SHAPEFILE_PARTS.has(ext))
      throw new FileError(`${name}: ${e.name} is not part of a shapefile (a zipped Shapefile holds .shp, .shx, .dbf, .prj and .cpg files)`);
    files.set(e.name.toLowerCase(), e);
  }
  const part = (base: string, ext: string) => {
    const e = files.get(`${base}.${ext}`.toLowerCase());
    return e ? inflateEntry(bytes, dir, e, name) : undefined;
  };
  const bases = [...files.values()].filter((e) => /\.shp$/i.test(e.name)).map((e) => e.name.slice(0, -4));
  if (!bases.length) throw new FileError(`${name} holds no .shp file`);
  const out: SourceLayer = { format: 'shp', features: [], columns: [], crs: null, unknownCrs: null, encoding: null };
  const columns = new Set<string>();
  for (const base of bases) {
    const dbf = part(base, 'dbf');
    if (!dbf) throw new FileError(`${name}: ${base}.shp has no .dbf (attributes) beside it`);
    const shp = part(base, 'shp')!;
    const prj = part(base, 'prj');
    if (prj) {
      const wkt = new TextDecoder().decode(prj);
      const crs = crsFromWkt(wkt);
      if (!crs) out.unknownCrs = wkt.slice(0, 120);
      else if (out.crs && out.crs !== crs) throw new FileError(`${name}: its layers are in different CRSs (${out.crs}, ${crs})`);
      else out.crs = crs;
    }
    const cpg = part(base, 'cpg');
    const encoding = encodingOf(cpg ? new TextDecoder().decode(cpg) : undefined, dbf);
    out.encoding = encoding;
    const view = (u: Uint8Array) => new DataView(u.buffer, u.byteOffset, u.byteLength);
    const shapeCount = checkShp(view(shp), `${base}.shp`, name);
    const rowCount = checkDbf(view(dbf), `${base}.dbf`, name);
    if (shapeCount !== rowCount) throw new FileError(`${name}: ${base}.shp holds ${shapeCount} records but ${base}.dbf declares ${rowCount}`);
    let shapes: Geometry[], rows: Record<string, unknown>[];
    try {
      shapes = parseShp(view(shp));
      rows = parseDbf(view(dbf), encoding === 'UTF-8' ? 'utf-8' : encoding.toLowerCase());
    } catch (e) {
      throw new FileError(`${name}: ${base} cannot be read (truncated or damaged?): ${(e as Error).message}`);
    }
    if (shapes.length !== rows.length) throw new FileError(`${name}: ${base}.shp has ${shapes.length} shapes but ${base}.dbf has ${rows.length} rows`);
    rows.forEach((r, i) => {
      for (const k of Object.keys(r)) columns.add(k);
      out.features.push({ props: r, geometry: shapes[i] });
    });
  }
  out.columns = [...columns];
  return out;
}

/** Checks a .shp against its bytes and returns its record count: the header's file length (16-bit words) is the
 * file's, and the records, each a header with its content length, tile the rest exactly. */
function checkShp(dv: DataView, file: string, name: string): number {
  if (dv.byteLength < 100 || dv.getInt32(0, false) !== 9994) throw new FileError(`${name}: ${file} is not a shapefile (bad header)`);
  const declared = dv.getInt32(24, false) * 2;
  if (declared !== dv.byteLength)
    throw new FileError(`${name}: ${file} declares ${declared} bytes but is ${dv.byteLength}${declared > dv.byteLength ? ' (truncated?)' : ''}`);
  let n = 0;
  for (let o = 100; o < dv.byteLength; n++) {
    const len = o + 8 <= dv.byteLength ? dv.getInt32(o + 4, false) * 2 : -1;
    if (len < 0 || o + 8 + len > dv.byteLength) throw new FileError(`${name}: ${file} is damaged: record ${n + 1} runs past the end of the file`);
    o += 8 + len;
  }
  return n;
}

/** Checks a .dbf's header against its bytes and returns its record count. The parser reads the field list up to the
 * 0x0D that ends it, starts the rows right after it and steps by the declared record length for the declared record
 * count: so the header must be exactly the field list, the record length the fields' widths, and the records fit. */
function checkDbf(dv: DataView, file: string, name: string): number {
  const size = dv.byteLength;
  const refuse = (why: string) => new FileError(`${name}: ${file} ${why}`);
  if (size < 33) throw refuse(`is too short to be a dBASE table (${size} bytes)`);
  const records = dv.getUint32(4, true);
  const headerLen = dv.getUint16(8, true);
  const recLen = dv.getUint16(10, true);
  if (headerLen < 33 || headerLen > size) throw refuse(`declares a header of ${headerLen} bytes in a file of ${size} bytes`);
  let fields = 0;
  let width = 0;
  let o = 32;
  for (; o < headerLen - 1 && dv.getUint8(o) !== 0x0d; o += 32, fields++) {
    if (o + 32 > headerLen - 1) throw refuse(`has a field list that runs past its ${headerLen}-byte header`);
    width += dv.getUint8(o + 16);
  }
  if (dv.getUint8(o) !== 0x0d) throw refuse(`has no end to its field list within its ${headerLen}-byte header`);
  if (!fields) throw refuse('has no fields (a dBASE table has at least one)');
  if (headerLen !== 33 + 32 * fields) throw refuse(`declares a header of ${headerLen} bytes, but its ${fields} field(s) take ${33 + 32 * fields}`);
  if (recLen !== 1 + width) throw refuse(`declares records of ${recLen} bytes, but its fields take ${1 + width}`);
  const need = headerLen + records * recLen;
  if (need > size) throw refuse(`declares ${records} records of ${recLen} bytes after a ${headerLen}-byte header (${need} bytes) but holds ${size} bytes`);
  if (records > MAX_SHAPEFILE_RECORDS)
    throw refuse(`holds ${records} records; a zipped Shapefile layer holds at most ${MAX_SHAPEFILE_RECORDS} (import larger layers as GeoPackage)`);
  return records;
}
