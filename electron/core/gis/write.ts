// Writers of the export formats: GeoPackage (the OGC spec written with better-sqlite3), zipped Shapefile with
// .prj and .cpg (UTF-8 attributes), GeoJSON (RFC 7946 when in WGS 84) and CSV (UTF-8 with BOM, WKT geometry; text
// that a spreadsheet would run as a formula is written with a leading ').
// Every writer writes to a temporary name and renames when complete.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { zipSync } from 'fflate';
import type { Geometry, Position } from 'geojson';
import type { GisFormat } from '../../../shared/gis.ts';
import { CRS_WKT, isGeographic } from './prj.ts';
import { positionsOf, toWkt, writeGpkgGeometry } from './wkb.ts';
import { ringBBox } from '../../../shared/geo.ts';
import type { LonLat } from '../../../shared/model.ts';

/** One feature to write: geometry in the output CRS, values in column order. */
export interface OutFeature {
  geometry: Geometry;
  values: (string | number | null)[];
}
/** A layer to write. */
export interface OutLayer {
  name: string;
  columns: string[];
  features: OutFeature[];
  crs: string;
}

/** Writes a layer to `file` in `format`, atomically. */
export function writeGisFile(file: string, format: GisFormat, layer: OutLayer): void {
  const tmp = `${file}.partial-${process.pid}`;
  try {
    if (format === 'gpkg') writeGpkg(tmp, layer);
    else writeFileSync(tmp, gisBytes(format, layer));
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The bytes of a layer in a text or zip format (GeoPackage goes through a file: see writeGisFile). */
export function gisBytes(format: Exclude<GisFormat, 'gpkg'>, layer: OutLayer): Buffer {
  if (format === 'geojson') return Buffer.from(geoJson(layer));
  if (format === 'csv') return Buffer.from(`\uFEFF${csv(layer)}`);
  return Buffer.from(shapefileZip(layer));
}

const rounder = (crs: string) => {
  const k = isGeographic(crs) ? 1e8 : 1e3; // ≈ 1 mm either way
  return (p: Position): Position => [Math.round(p[0] * k) / k, Math.round(p[1] * k) / k];
};
function roundGeometry(g: Geometry, r: (p: Position) => Position): Geometry {
  if (g.type === 'Point') return { type: 'Point', coordinates: r(g.coordinates) };
  if (g.type === 'LineString') return { type: 'LineString', coordinates: g.coordinates.map(r) };
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(r)) };
  return g;
}

function geoJson(l: OutLayer): string {
  const r = rounder(l.crs);
  const head: Record<string, unknown> = { type: 'FeatureCollection', name: l.name };
  // RFC 7946 has no crs member (WGS 84 lon/lat only); other CRSs carry the legacy member GDAL and QGIS read.
  if (l.crs !== 'EPSG:4326') head.crs = { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${l.crs.slice(5)}` } };
  const parts = l.features.map((f) =>
    JSON.stringify({ type: 'Feature', properties: Object.fromEntries(l.columns.map((c, i) => [c, f.values[i]])), geometry: roundGeometry(f.geometry, r) }),
  );
  const s = JSON.stringify(head);
  return `${s.slice(0, -1)},"features":[\n${parts.join(',\n')}\n]}\n`;
}

/** A text cell a spreadsheet would run as a formula starts with = + - @, TAB or CR; one that starts with ' before such
 * a character is quoted too, so that the importer, which takes one ' off (read.ts), gives back every value exactly. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A number, even written as text (AreaM2, coordinates) or negative: a spreadsheet reads it as a number, never runs it. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV cell: text that starts like a formula gets a leading ' (CSV only: the other formats carry the value as it
 * is, typed), then the cell is quoted when it holds a quote, comma or line break. */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(l: OutLayer): string {
  const geo = isGeographic(l.crs);
  const digits = geo ? 8 : 3;
  const lines = [[...l.columns, geo ? 'lon' : 'x', geo ? 'lat' : 'y', 'WKT'].join(',')];
  for (const f of l.features) {
    const p = f.geometry.type === 'Point' ? f.geometry.coordinates : null;
    lines.push([...f.values.map(csvCell), p ? p[0].toFixed(digits) : '', p ? p[1].toFixed(digits) : '', csvCell(toWkt(f.geometry, digits))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

// ── Shapefile ────────────────────────────────────────────────────────────────────────────────────────────────
const SHP_TYPE = { Point: 1, LineString: 3, Polygon: 5 } as const;

/** A zip of one shapefile per geometry type present (components mix points, lines and polygons). */
function shapefileZip(l: OutLayer): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const groups = new Map<keyof typeof SHP_TYPE, OutFeature[]>();
  for (const f of l.features) {
    const t = f.geometry.type as keyof typeof SHP_TYPE;
    if (!(t in SHP_TYPE)) throw new Error(`cannot write ${f.geometry.type} to a shapefile`);
    groups.set(t, [...(groups.get(t) ?? []), f]);
  }
  if (!groups.size) groups.set('Point', []);
  const suffix = { Point: 'point', LineString: 'line', Polygon: 'polygon' };
  for (const [t, feats] of groups) {
    const base = groups.size > 1 ? `${l.name}_${suffix[t]}` : l.name;
    const { shp, shx } = shpFiles(
      SHP_TYPE[t],
      feats.map((f) => f.geometry),
      rounder(l.crs),
    );
    files[`${base}.shp`] = shp;
    files[`${base}.shx`] = shx;
    files[`${base}.dbf`] = dbf(l.columns, feats);
    files[`${base}.prj`] = Buffer.from(CRS_WKT[l.crs]);
    files[`${base}.cpg`] = Buffer.from('UTF-8');
  }
  return zipSync(files, { level: 6 });
}

function shpFiles(type: number, geoms: Geometry[], r: (p: Position) => Position): { shp: Buffer; shx: Buffer } {
  const parts = geoms.map((g) => {
    if (g.type === 'Point') return [[r(g.coordinates)]];
    if (g.type === 'LineString') return [g.coordinates.map(r)];
    // Outer rings clockwise in a shapefile.
    return (g as { coordinates: Position[][] }).coordinates.map((ring, k) => {
      const pts = ring.map(r);
      const cw = area(pts) < 0;
      return (k === 0) === cw ? pts : pts.slice().reverse();
    });
  });
  const recLen = (p: Position[][]) => (type === 1 ? 20 : 44 + 4 * p.length + 16 * p.reduce((s, x) => s + x.length, 0));
  const total = 100 + parts.reduce((s, p) => s + 8 + recLen(p), 0);
  const shp = Buffer.alloc(total);
  const shx = Buffer.alloc(100 + 8 * parts.length);
  const bb = parts.length ? ringBBox(parts.flat(2) as LonLat[]) : [0, 0, 0, 0];
  for (const [buf, len] of [
    [shp, total],
    [shx, shx.length],
  ] as const) {
    buf.writeInt32BE(9994, 0);
    buf.writeInt32BE(len / 2, 24);
    buf.writeInt32LE(1000, 28);
    buf.writeInt32LE(type, 32);
    bb.forEach((v, i) => buf.writeDoubleLE(v, 36 + 8 * i));
  }
  let o = 100;
  parts.forEach((p, i) => {
    const len = recLen(p);
    shx.writeInt32BE(o / 2, 100 + 8 * i);
    shx.writeInt32BE(len / 2, 104 + 8 * i);
    shp.writeInt32BE(i + 1, o);
    shp.writeInt32BE(len / 2, o + 4);
    shp.writeInt32LE(type, o + 8);
    o += 12;
    if (type === 1) {
      shp.writeDoubleLE(p[0][0][0], o);
      shp.writeDoubleLE(p[0][0][1], o + 8);
      o += 16;
      return;
    }
    const pts = p.flat();
    ringBBox(pts as LonLat[]).forEach((v, k) => shp.writeDoubleLE(v, o + 8 * k));
    o += 32;
    shp.writeInt32LE(p.length, o);
    shp.writeInt32LE(pts.length, o + 4);
    o += 8;
    let start = 0;
    for (const ring of p) {
      shp.writeInt32LE(start, o);
      o += 4;
      start += ring.length;
    }
    for (const [x, y] of pts) {
      shp.writeDoubleLE(x, o);
      shp.writeDoubleLE(y, o + 8);
      o += 16;
    }
  });
  return { shp, shx };
}

function area(ring: Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return s / 2;
}

/** dBASE III table with character fields (UTF-8 bytes, .cpg says so), each as wide as its longest value. */
function dbf(columns: string[], feats: OutFeature[]): Buffer {
  const enc = feats.map((f) => f.values.map((v) => Buffer.from(v === null ? '' : String(v), 'utf8')));
  const widths = columns.map((_, c) => Math.min(254, Math.max(1, ...enc.map((r) => r[c].length))));
  const headerLen = 32 + 32 * columns.length + 1;
  const recLen = 1 + widths.reduce((s, w) => s + w, 0);
  const b = Buffer.alloc(headerLen + recLen * feats.length + 1, 0x20);
  b.fill(0, 0, headerLen);
  const now = new Date();
  b[0] = 0x03;
  b[1] = now.getUTCFullYear() - 1900;
  b[2] = now.getUTCMonth() + 1;
  b[3] = now.getUTCDate();
  b.writeUInt32LE(feats.length, 4);
  b.writeUInt16LE(headerLen, 8);
  b.writeUInt16LE(recLen, 10);
  columns.forEach((name, i) => {
    const o = 32 + 32 * i;
    b.write(name.slice(0, 10), o, 'latin1');
    b[o + 11] = 0x43; // 'C'
    b[o + 16] = widths[i];
  });
  b[headerLen - 1] = 0x0d;
  let o = headerLen;
  for (const row of enc) {
    b[o] = 0x20;
    let p = o + 1;
    row.forEach((v, c) => {
      // Cut at a character boundary when a value is longer than 254 bytes.
      let n = Math.min(v.length, widths[c]);
      while (n < v.length && n > 0 && (v[n] & 0xc0) === 0x80) n--;
      v.copy(b, p, 0, n);
      p += widths[c];
    });
    o += recLen;
  }
  b[o] = 0x1a;
  return b;
}

// ── GeoPackage ───────────────────────────────────────────────────────────────────────────────────────────────
function writeGpkg(file: string, l: OutLayer): void {
  rmSync(file, { force: true });
  // The desktop's Electron build of SQLite when there is one (as openDatabase does): the default build is Node's.
  const nativeBinding = process.env.CITYOPS_SQLITE_BINDING;
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('application_id = 1196444487'); // 'GPKG'
    db.pragma('user_version = 10300');
    const srsId = Number(l.crs.slice(5));
    db.exec(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));`);
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
    srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
    srs.run('WGS 84 geodetic', 4326, 'EPSG', 4326, CRS_WKT['EPSG:4326'], 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
    if (srsId !== 4326) srs.run(/^\w+\["([^"]+)"/.exec(CRS_WKT[l.crs])![1], srsId, 'EPSG', srsId, CRS_WKT[l.crs], null);
    const types = new Set(l.features.map((f) => f.geometry.type));
    const gtype = types.size === 1 ? [...types][0].toUpperCase() : 'GEOMETRY';
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    db.exec(`CREATE TABLE ${q(l.name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${gtype}, ${l.columns.map((c) => `${q(c)} TEXT`).join(', ')})`);
    const r = rounder(l.crs);
    const ins = db.prepare(`INSERT INTO ${q(l.name)} (geom, ${l.columns.map(q).join(', ')}) VALUES (?${', ?'.repeat(l.columns.length)})`);
    db.transaction(() => {
      for (const f of l.features) {
        ins.run(writeGpkgGeometry(roundGeometry(f.geometry, r), srsId), ...f.values);
      }
      const bb = l.features.length ? ringBBox(l.features.flatMap((f) => positionsOf(f.geometry)) as LonLat[]) : [0, 0, 0, 0];
      db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        l.name,
        'features',
        l.name,
        ...bb,
        srsId,
      );
      db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)').run(l.name, 'geom', gtype, srsId);
    })();
  } finally {
    db.close();
  }
}
