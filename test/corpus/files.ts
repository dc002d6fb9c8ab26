// Bad import files, built in memory: every format the importer reads (GeoJSON, CSV, zipped Shapefile, GeoPackage),
// truncated, bombed, mis-encoded, in a nonsense or wrong CRS, outside the city, empty or binary junk. Shapefiles and
// GeoPackages start from the centre's own export of one small class, then are damaged, so each one differs from a
// good file in exactly the way its label says.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import Database from 'better-sqlite3';

/** One bad file: its upload name and bytes. */
export interface BadFile {
  label: string;
  name: string;
  bytes: Uint8Array;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const junk = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + ((i * i) % 251)) & 0xff);
/** GBK bytes of 井盖 (not valid UTF-8). */
const GBK_JINGGAI = [0xbe, 0xae, 0xb8, 0xc7];

const feature = (coords: unknown, props: Record<string, unknown> = { ClassCode: '0101' }) => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'Point', coordinates: coords },
});
const fc = (features: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'FeatureCollection', ...extra, features });

/** GeoJSON documents that are not a layer we can take. */
export function badGeoJson(): BadFile[] {
  const good = fc([feature([119.92, 32.46])]);
  const g = (label: string, text: string | Uint8Array): BadFile => ({
    label: `GeoJSON: ${label}`,
    name: 'bad.geojson',
    bytes: typeof text === 'string' ? utf8(text) : text,
  });
  return [
    g('one space', ' '),
    g('truncated', good.slice(0, good.length - 7)),
    g('not JSON', 'type=FeatureCollection'),
    g('a bare geometry', '{"type":"Point","coordinates":[119.92,32.46]}'),
    g('features not a list', '{"type":"FeatureCollection","features":{"0":1}}'),
    g('a null feature', '{"type":"FeatureCollection","features":[null]}'),
    g('a geometry of an unknown type', fc([{ type: 'Feature', properties: {}, geometry: { type: 'Blob', coordinates: [1, 2] } }])),
    g('coordinates as strings', fc([feature(['119.92', '32.46'])])),
    g('an infinite coordinate', good.replace('119.92', '1e309')),
    g('a point far outside the city', fc([feature([0, 0])])),
    g('a CRS that does not exist', fc([feature([119.92, 32.46])], { crs: { type: 'name', properties: { name: 'EPSG:999999' } } })),
    g('a CRS name of junk', fc([feature([119.92, 32.46])], { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:../../etc' } } })),
    g('a Gauss–Krüger CRS with degree coordinates', fc([feature([119.92, 32.46])], { crs: { type: 'name', properties: { name: 'EPSG:4549' } } })),
    g(
      'invalid UTF-8',
      new Uint8Array([
        ...utf8('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Note":"'),
        0xff,
        0xfe,
        0xc0,
        ...utf8('"},"geometry":null}]}'),
      ]),
    ),
    g(
      'GBK text in a UTF-8 file',
      new Uint8Array([
        ...utf8('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Note":"'),
        ...GBK_JINGGAI,
        ...utf8('"},"geometry":{"type":"Point","coordinates":[0,0]}}]}'),
      ]),
    ),
    g(
      'geometry nested 20,000 deep',
      `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}`,
    ),
    g(
      'a __proto__ property',
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"__proto__":{"ClassCode":"0101"}},"geometry":{"type":"Point","coordinates":[0,0]}}]}',
    ),
    g('binary junk', junk(4096)),
    g('UTF-16 text', new Uint8Array(Buffer.from(`\ufeff${good}`, 'utf16le'))),
  ];
}

/** CSV files that are not a layer we can take. */
export function badCsv(): BadFile[] {
  const c = (label: string, text: string | Uint8Array): BadFile => ({
    label: `CSV: ${label}`,
    name: 'bad.csv',
    bytes: typeof text === 'string' ? utf8(text) : text,
  });
  return [
    c('a header only', 'ClassCode,lon,lat\n'),
    c('an unclosed quote', 'ClassCode,lon,lat\n"0101,119.92,32.46\n'),
    c('coordinates of words', 'ClassCode,lon,lat\n0101,east,north\n'),
    c('infinite coordinates', 'ClassCode,lon,lat\n0101,1e309,-1e309\n'),
    c('a row outside the city', 'ClassCode,lon,lat\n0101,0,0\n'),
    c('rows of different widths', 'ClassCode,lon,lat\n0101\n0101,1,2,3,4,5\n'),
    c('invalid UTF-8', new Uint8Array([...utf8('ClassCode,lon,lat,Note\n0101,0,0,'), 0xff, 0xfe, 0x0a])),
    c('GBK without a BOM', new Uint8Array([...utf8('ClassCode,lon,lat,Note\n0101,0,0,'), ...GBK_JINGGAI, 0x0a])),
    c('NUL bytes', 'ClassCode,lon,lat\n01\u000001,0,0\n'),
    c('binary junk', junk(2048, 3)),
  ];
}

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-corpus-'));

/** Zipped Shapefiles built from a good one (the centre's export): damaged, bombed, or in a CRS they are not. */
export function badShapefiles(goodZip: Uint8Array): BadFile[] {
  const entries = unzipSync(goodZip);
  const base = Object.keys(entries)
    .find((n) => n.endsWith('.shp'))!
    .slice(0, -4);
  const z = (label: string, bytes: Uint8Array): BadFile => ({ label: `Shapefile: ${label}`, name: 'bad.zip', bytes });
  const rezip = (change: (e: Record<string, Uint8Array>) => void) => {
    const copy = { ...entries };
    change(copy);
    return zipSync(copy);
  };
  // A zip whose directory declares a 4 GB entry (a bomb as the header tells it); the data is a few bytes.
  const bomb = zipSync({ [`${base}.shp`]: new Uint8Array(64), [`${base}.dbf`]: new Uint8Array(64), [`${base}.shx`]: new Uint8Array(64) }, { level: 0 });
  const view = Buffer.from(bomb);
  for (let at = view.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = view.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
    view.writeUInt32LE(0xfffffff0, at + 24); // uncompressed size in the central directory
  }
  // A real deflate bomb: 300 MB of zeros (over the reader's cap on inflated size), a few hundred kB zipped.
  const zeros = zipSync({ [`${base}.shp`]: new Uint8Array(300 * 2 ** 20) }, { level: 6 });
  const dbfHuge = (() => {
    const dbf = Buffer.from(entries[`${base}.dbf`]);
    dbf.writeUInt32LE(0xffffffff, 4); // record count
    return rezip((e) => (e[`${base}.dbf`] = new Uint8Array(dbf)));
  })();
  return [
    z('binary junk', junk(3000, 5)),
    z('cut in half', goodZip.subarray(0, Math.floor(goodZip.length / 2))),
    z('an empty zip', zipSync({})),
    z(
      'no .shp inside',
      rezip((e) => delete e[`${base}.shp`]),
    ),
    z(
      'no .dbf inside',
      rezip((e) => delete e[`${base}.dbf`]),
    ),
    z(
      'a .shp cut short',
      rezip((e) => (e[`${base}.shp`] = e[`${base}.shp`].subarray(0, 150))),
    ),
    z(
      'a .shp of junk',
      rezip((e) => (e[`${base}.shp`] = junk(e[`${base}.shp`].length, 9))),
    ),
    z('a .dbf declaring 4 billion records', dbfHuge),
    z('a directory declaring 4 GB entries', new Uint8Array(view)),
    z('300 MB of zeros deflated', zeros),
    z(
      'a .prj of nonsense',
      rezip((e) => (e[`${base}.prj`] = utf8('PROJCS["nowhere",GEOGCS["junk"]],UNIT["furlong",201.168]]'))),
    ),
    z(
      'a .prj of a far-away zone (UTM 33N)',
      rezip(
        (e) =>
          (e[`${base}.prj`] = utf8(
            'PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000],PARAMETER["False_Northing",0],PARAMETER["Central_Meridian",15],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0],UNIT["Meter",1]]',
          )),
      ),
    ),
    z(
      'a .cpg naming an unknown encoding',
      rezip((e) => (e[`${base}.cpg`] = utf8('KLINGON-8'))),
    ),
    z(
      'entries named with a traversal',
      rezip((e) => ((e[`../../${base}.shp`] = e[`${base}.shp`]), delete e[`${base}.shp`])),
    ),
  ];
}

/** GeoPackages built from a good one (the centre's export): damaged, or carrying SQL of their own. */
export function badGeoPackages(goodGpkg: Uint8Array): BadFile[] {
  const g = (label: string, bytes: Uint8Array): BadFile => ({ label: `GeoPackage: ${label}`, name: 'bad.gpkg', bytes });
  const dir = tmpDir();
  const edited = (tag: string, sql: string) => {
    const file = path.join(dir, `${tag}.gpkg`);
    writeFileSync(file, goodGpkg);
    const db = new Database(file);
    db.exec(sql);
    db.close();
    return new Uint8Array(readFileSync(file));
  };
  const plain = (() => {
    const file = path.join(dir, 'plain.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    return new Uint8Array(readFileSync(file));
  })();
  const layer = (() => {
    const file = path.join(dir, 'probe.gpkg');
    writeFileSync(file, goodGpkg);
    const db = new Database(file, { readonly: true });
    const t = (db.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").pluck().get() as string) ?? 'components';
    db.close();
    return t;
  })();
  return [
    g('binary junk', junk(8192, 11)),
    g('an SQLite header and nothing else', goodGpkg.subarray(0, 100)),
    g('cut in half', goodGpkg.subarray(0, Math.floor(goodGpkg.length / 2 / 4096) * 4096)),
    g('an SQLite file without GeoPackage tables', plain),
    g('a recursive view', edited('view', 'CREATE VIEW spin AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n')),
    g('a trigger', edited('trigger', `CREATE TRIGGER t AFTER INSERT ON "${layer}" BEGIN SELECT 1; END`)),
    g('its layer table dropped', edited('dropped', `DROP TABLE "${layer}"`)),
    g('geometry blobs of junk', edited('blobs', `UPDATE "${layer}" SET geom = randomblob(40)`)),
  ];
}

/** Names the upload store or the reader must refuse whatever the bytes. */
export function badNames(goodGeoJson: Uint8Array): BadFile[] {
  return [
    { label: 'name: a bare .shp', name: 'layer.shp', bytes: goodGeoJson },
    { label: 'name: an .exe', name: 'setup.exe', bytes: goodGeoJson },
    { label: 'name: no extension', name: 'layer', bytes: goodGeoJson },
    {
      label: 'name: a traversal',
      name: '../../../../tmp/evil.geojson',
      bytes: utf8('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}'),
    },
  ];
}
