// Import and export against GDAL as the independent reference: ogrinfo reads every export (feature count,
// attributes, CRS); files written by ogr2ogr (GeoJSON, Shapefile in EPSG:4549 with GBK attributes, GeoPackage)
// import with coordinates within 0.1 m; bad files and bad rows are refused with the database unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { featureCollection as turfFc, intersect as turfIntersect, polygon as turfPolygon } from '@turf/turf';
import { Core } from '../../electron/core/core.ts';
import { runImport, type ImportOptions } from '../../electron/core/gis/importer.ts';
import { exportToFile } from '../../electron/core/gis/exporter.ts';
import { ApiError } from '../../shared/errors.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { crsConverter } from '../../shared/crs.ts';
import { distanceM } from '../../shared/geo.ts';
import { ROOT } from '../paths.ts';
import { coreClient, fingerprint, smallDbCopy, type TestClient, testCore } from '../helpers.ts';
import type { ImportReport } from '../../shared/gis.ts';

const hasGdal = spawnSync('ogrinfo', ['--version']).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-gis-'));
const f = (name: string) => path.join(dir, name);
const ogrinfo = (...args: string[]) => execFileSync('ogrinfo', ['-ro', ...args], { encoding: 'utf8' });
const ogr2ogr = (...args: string[]) => execFileSync('ogr2ogr', args, { encoding: 'utf8' });
const bin = path.join(ROOT, 'bin', 'cityops.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });
/** A zip of every file in a folder made by ogr2ogr (a shapefile's parts). */
function zipDir(d: string, out: string): string {
  const files: Record<string, Uint8Array> = {};
  for (const n of execFileSync('ls', [d], { encoding: 'utf8' }).trim().split('\n')) files[n] = readFileSync(path.join(d, n));
  writeFileSync(out, zipSync(files));
  return out;
}

/** The typed client of a core, as the system principal (what a commit did is read through the API). */
const asSystem = (c: Core): TestClient => coreClient(c, { actor: 't', via: 'test', user: SYSTEM_USER });

let db: string;
let core: Core;
let total = 0;
let cells = 0;
const imp = (file: string, o: Partial<ImportOptions> = {}): ImportReport =>
  runImport(core.app, file, path.basename(file), { layer: 'components', actor: 'test', ...o });
/** The ApiError an import throws (and the database is unchanged by it). */
function refused(file: string, o: Partial<ImportOptions> = {}): ApiError {
  const before = fingerprint(db);
  try {
    imp(file, o);
  } catch (e) {
    expect(fingerprint(db)).toBe(before);
    return e as ApiError;
  }
  throw new Error(`import of ${file} was not refused`);
}

beforeAll(() => {
  db = smallDbCopy();
  core = testCore({ dbPath: db });
  total = core.info().components;
  cells = core.info().gridCells;
});

describe.skipIf(!hasGdal)('export, read by ogrinfo', () => {
  const formats = [
    ['gpkg', 'gpkg', ''],
    ['geojson', 'geojson', ''],
    ['shp', 'zip', '/vsizip/'],
    ['csv', 'csv', ''],
  ] as const;
  for (const [format, ext, vsi] of formats) {
    it(`components as ${format} in EPSG:4549: every feature, the attributes and the CRS`, () => {
      const out = f(`components-${format}.${ext}`);
      expect(exportToFile(core.app, { layer: 'components', format, crs: 'EPSG:4549' }, out)).toBe(total);
      const info = ogrinfo('-so', '-al', `${vsi}${out}`);
      const counts = [...info.matchAll(/Feature Count: (\d+)/g)].map((m) => Number(m[1]));
      expect(counts.reduce((s, n) => s + n, 0)).toBe(total);
      if (format !== 'csv') expect(info).toMatch(/ID\["EPSG",4549\]\]\s*$|ID\["EPSG",4549\]\]\n/m);
      for (const col of ['ObjID', 'ObjName', 'DeptCode1', 'BGID', 'ObjState']) expect(info).toContain(`${col}: String`);
      expect(info).toMatch(/ORDate: (String|Date)/); // GDAL reads ISO dates in GeoJSON as dates
      const one = ogrinfo('-al', '-q', '-where', "ObjID = '3212020101000001'", `${vsi}${out}`);
      expect(one).toMatch(/ObjName \(String\) = 上水井盖/);
      // The coordinates GDAL reads are the stored point in EPSG:4549 (CSV carries them as x/y columns and WKT).
      const rec = core.app.edits.current('3212020101000001')!.rec;
      const [x, y] = crsConverter('EPSG:4490', 'EPSG:4549')([rec.lon, rec.lat]);
      const m = /POINT \(([\d.]+) ([\d.]+)\)/.exec(one) ?? /x \(String\) = ([\d.]+)[\s\S]*y \(String\) = ([\d.]+)/.exec(one);
      expect(Math.abs(Number(m![1]) - x)).toBeLessThan(0.01);
      expect(Math.abs(Number(m![2]) - y)).toBeLessThan(0.01);
    });
  }

  it('the grid as a GeoPackage in EPSG:4528 and as GeoJSON (RFC 7946, WGS 84)', () => {
    exportToFile(core.app, { layer: 'grid', format: 'gpkg', crs: 'EPSG:4528' }, f('grid.gpkg'));
    const info = ogrinfo('-so', '-al', f('grid.gpkg'));
    expect(info).toContain(`Feature Count: ${cells}`);
    expect(info).toMatch(/Geometry: Polygon/);
    expect(info).toMatch(/ID\["EPSG",4528\]\]/);
    expect(info).toMatch(/Extent: \(40[45]\d{5}\.\d+, 35\d{5}\.\d+\)/); // zone-40 eastings
    exportToFile(core.app, { layer: 'grid', format: 'geojson' }, f('grid.geojson'));
    const doc = JSON.parse(readFileSync(f('grid.geojson'), 'utf8'));
    expect(doc.crs).toBeUndefined();
    expect(ogrinfo('-so', '-al', f('grid.geojson'))).toContain(`Feature Count: ${cells}`);
  });

  it('re-imports its own exports as unchanged in every format', () => {
    for (const [format, ext] of formats) {
      const r = imp(f(`components-${format}.${ext}`), { dryRun: true, crs: format === 'csv' ? 'EPSG:4549' : undefined });
      expect({ format, ...r.counts }).toMatchObject({ format, add: 0, update: 0, error: 0, unchanged: total });
    }
    expect(runImport(core.app, f('grid.gpkg'), 'grid.gpkg', { layer: 'grid', actor: 'test', dryRun: true }).counts).toMatchObject({
      unchanged: cells,
      error: 0,
      add: 0,
      update: 0,
    });
  });
});

describe.skipIf(!hasGdal)('files made by ogr2ogr', () => {
  // New components in a GeoJSON file (lon/lat), without codes: class, department and place only.
  const pts = [
    [119.9201, 32.4601],
    [119.9305, 32.4702],
    [119.9409, 32.4803],
  ];
  beforeAll(() => {
    const fc = {
      type: 'FeatureCollection',
      features: pts.map(([x, y], i) => ({
        type: 'Feature',
        properties: { ClassCode: '0118', 部件名称: '路灯', 主管部门: i === 0 ? null : '市政设施管理处', 备注: `新装${i}` },
        geometry: { type: 'Point', coordinates: [x, y] },
      })),
    };
    writeFileSync(f('new.geojson'), JSON.stringify(fc));
    ogr2ogr('-f', 'ESRI Shapefile', '-t_srs', 'EPSG:4549', '-lco', 'ENCODING=GBK', f('new4549'), f('new.geojson'));
    zipDir(f('new4549'), f('new4549.zip'));
    ogr2ogr('-f', 'GPKG', '-t_srs', 'EPSG:2385', f('new2385.gpkg'), f('new.geojson'));
    ogr2ogr('-f', 'GeoJSON', '-t_srs', 'EPSG:3857', f('new3857.geojson'), f('new.geojson'));
  });

  for (const [file, crs] of [
    ['new4549.zip', 'EPSG:4549'],
    ['new2385.gpkg', 'EPSG:2385'],
    ['new3857.geojson', 'EPSG:3857'],
  ] as const) {
    it(`${file}: the CRS from the file, GBK/UTF-8 names, department filled, coordinates within 0.1 m`, async () => {
      const copy = smallDbCopy();
      const c = testCore({ dbPath: copy });
      try {
        const r = runImport(c.app, f(file), file, { layer: 'components', actor: 'test', message: `导入 ${file}` });
        expect(r).toMatchObject({ crs, crsFrom: 'file', counts: { add: 3, error: 0 } });
        expect(r.problems).toEqual(expect.arrayContaining([expect.objectContaining({ row: 1, severity: 'filled', field: 'dept1' })]));
        const d = await asSystem(c).ok('components.commitDetail', { id: r.commitId! });
        expect(d.commit).toMatchObject({ kind: 'import', added: 3, message: `导入 ${file}` });
        const got = d.components.map((v) => v.after).sort((a, b) => a.lon - b.lon);
        got.forEach((rec, i) => {
          expect(distanceM([rec.lon, rec.lat], pts[i] as [number, number])).toBeLessThan(0.1);
          expect(rec.classCode).toBe('0118');
          expect(rec.note).toBe(`新装${i}`);
          expect(rec.code).toMatch(/^3212020118\d{6}$/);
        });
        expect(got[1].dept1).toBe(c.app.catalog.departments().find((x) => x.name === '市政设施管理处')!.code);
      } finally {
        c.close();
      }
    });
  }
});

describe('CSV', () => {
  it('lon/lat, x/y with --crs, and WKT columns; GBK with Chinese headers', () => {
    const rows = '标识码,部件名称,主管部门,部件状态,初始日期,经度,纬度\n,路灯,,完好,20240501,119.9201,32.4601\n,垃圾箱,,破损,2024-05-02,119.9202,32.4602\n';
    // GBK bytes of the file, made by iconv (Debian) so the test does not trust our own encoder.
    writeFileSync(f('utf8.csv'), rows);
    execFileSync('sh', ['-c', `iconv -f UTF-8 -t GBK ${f('utf8.csv')} > ${f('gbk.csv')}`]);
    const r = imp(f('gbk.csv'), { dryRun: true });
    expect(r).toMatchObject({
      encoding: 'GBK',
      counts: { add: 2, error: 0 },
      mapping: { name: '部件名称', dept1: '主管部门', lon: '经度', lat: '纬度', orDate: '初始日期', state: '部件状态' },
    });
    const [x, y] = crsConverter('EPSG:4490', 'EPSG:4528')([119.9201, 32.4601]);
    writeFileSync(f('xy.csv'), `ClassCode,x,y\n0118,${x},${y}\n`);
    expect(refused(f('xy.csv')).message).toMatch(/--crs/);
    writeFileSync(f('nocoord.csv'), 'ClassCode,备注\n0118,x\n');
    expect(refused(f('nocoord.csv')).message).toMatch(/no coordinate columns/);
    expect(imp(f('xy.csv'), { dryRun: true, crs: 'EPSG:4528' }).counts).toMatchObject({ add: 1, error: 0 });
    writeFileSync(
      f('wkt.csv'),
      'ClassCode,WKT\n0211,"LINESTRING (119.92 32.461, 119.9205 32.461)"\n0405,"POLYGON ((119.92 32.46, 119.9203 32.46, 119.9203 32.4603, 119.92 32.46))"\n',
    );
    expect(imp(f('wkt.csv'), { dryRun: true }).counts).toMatchObject({ add: 2, error: 0 });
  });
});

describe('bad input changes nothing', () => {
  it('refuses damaged, truncated, huge and unknown files with a clear message', () => {
    exportToFile(core.app, { layer: 'components', format: 'gpkg' }, f('t.gpkg'));
    truncateSync(f('t.gpkg'), Math.floor(statSync(f('t.gpkg')).size / 2));
    expect(refused(f('t.gpkg')).message).toMatch(/damaged|truncated|malformed/);
    exportToFile(core.app, { layer: 'components', format: 'shp' }, f('t.zip'));
    truncateSync(f('t.zip'), Math.floor(statSync(f('t.zip')).size / 2));
    expect(refused(f('t.zip')).message).toMatch(/zip|truncated/);
    exportToFile(core.app, { layer: 'components', format: 'geojson' }, f('t.geojson'));
    truncateSync(f('t.geojson'), Math.floor(statSync(f('t.geojson')).size / 2));
    expect(refused(f('t.geojson')).message).toMatch(/not valid JSON/);
    writeFileSync(f('huge.geojson'), '');
    truncateSync(f('huge.geojson'), 600 * 1024 * 1024); // sparse: no disk used
    expect(refused(f('huge.geojson')).message).toMatch(/MB/);
    writeFileSync(f('x.kml'), '<kml/>');
    expect(refused(f('x.kml')).message).toMatch(/unknown file type/);
    writeFileSync(f('crs.geojson'), JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:4549' } }, features: [] }));
    expect(refused(f('crs.geojson'), { crs: 'EPSG:4326' }).message).toMatch(/declares EPSG:4549/);
  });

  it('reports bad rows per row and field; strict refuses all, otherwise only the valid rows are written', async () => {
    const feat = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
    const pt = (x = 119.9201, y = 32.4601) => ({ type: 'Point', coordinates: [x, y] });
    writeFileSync(
      f('rows.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          feat({ ClassCode: '0118' }, pt()), // 1 fine
          feat({ ObjID: '3212020101999990' }, pt()), // 2 fine: new code given
          feat({ ObjID: '3212020101999990' }, pt()), // 3 duplicate of row 2
          feat({ ObjID: '3205080101000001' }, pt()), // 4 another district
          feat({ ObjID: '3212020101999991', ClassCode: '0102' }, pt()), // 5 code of another class
          feat({ ClassCode: '0118' }, pt(121.5, 31.2)), // 6 far outside
          feat(
            { ClassCode: '0405' },
            {
              type: 'Polygon',
              coordinates: [
                [
                  [119.92, 32.46],
                  [119.9203, 32.4603],
                  [119.9203, 32.46],
                  [119.92, 32.4603],
                  [119.92, 32.46],
                ],
              ],
            },
          ), // 7 bow tie
          feat({ ClassCode: '0402', Attrs: '{"dbh":"thick"}' }, pt()), // 8 wrong type
          feat({ ClassCode: '0118', ORDate: 'yesterday' }, pt()), // 9 not a date
          feat({ ClassCode: '0118' }, null), // 10 no geometry
          feat({ ClassCode: '0118', BGID: '321202001001001' }, pt()), // 11 wrong cell named: fixed
        ],
      }),
    );
    const strictErr = refused(f('rows.geojson'), { strict: true });
    const report = strictErr.details!.report as ImportReport;
    const errs = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.row}:${p.field}`);
    expect(errs).toEqual(['3:code', '4:code', '5:code', '6:location', '7:geometry', '8:attrs.dbh', '9:orDate', '10:geometry']);
    expect(report.problems.find((p) => p.row === 11)).toMatchObject({ severity: 'fixed', field: 'gridCode' });
    expect(report.counts).toMatchObject({ error: 8, add: 3 });
    const before = core.info().components;
    const r = imp(f('rows.geojson'));
    expect(r.commitId).not.toBeNull();
    expect(core.info().components).toBe(before + 3);
    expect((await asSystem(core).ok('components.commitDetail', { id: r.commitId! })).components.map((c) => c.op)).toEqual(['add', 'add', 'add']);
  });
});

describe('grid import', () => {
  it('replaces a cell by two pieces from a file: one updated, one added, components re-assigned; an overlapping cell is refused', async () => {
    const copy = smallDbCopy();
    const c = testCore({ dbPath: copy });
    try {
      // The cell with the most components, cut in two along its middle meridian.
      const top = c.app.db.prepare('SELECT grid_code AS code, count(*) AS n FROM components GROUP BY grid_code ORDER BY n DESC LIMIT 1').get() as {
        code: string;
        n: number;
      };
      const cell = c.app.grid.cell(top.code);
      const [w, s2, e, n] = cell.bbox;
      const mid = (w + e) / 2;
      const half = (a: number, b: number) =>
        turfPolygon([
          [
            [a, s2 - 0.01],
            [b, s2 - 0.01],
            [b, n + 0.01],
            [a, n + 0.01],
            [a, s2 - 0.01],
          ],
        ]);
      const west = turfIntersect(turfFc([turfPolygon([cell.ring]), half(w - 0.01, mid)]))!;
      const east = turfIntersect(turfFc([turfPolygon([cell.ring]), half(mid, e + 0.01)]))!;
      const newCode = `${cell.code.slice(0, 12)}999`;
      const feature = (code: string, g: unknown) => ({ type: 'Feature', properties: { BGID: code }, geometry: g });
      writeFileSync(
        f('cells.geojson'),
        JSON.stringify({ type: 'FeatureCollection', features: [feature(cell.code, west.geometry), feature(newCode, east.geometry)] }),
      );
      const r = runImport(c.app, f('cells.geojson'), 'cells.geojson', { layer: 'grid', actor: 'test' });
      expect(r.counts).toMatchObject({ add: 1, update: 1, error: 0 });
      const moved = c.app.db.prepare('SELECT count(*) AS n FROM components WHERE grid_code = ?').get(newCode) as { n: number };
      const stayed = c.app.db.prepare('SELECT count(*) AS n FROM components WHERE grid_code = ?').get(cell.code) as { n: number };
      expect(moved.n + stayed.n).toBe(top.n);
      expect(moved.n).toBeGreaterThan(0);
      for (const comp of c.app.components.inExtent(cell.bbox, 500)) expect(c.app.grid.locate(comp.lon, comp.lat).code).toBe(comp.gridCode);
      expect((await asSystem(c).ok('components.commitDetail', { id: r.commitId! })).cells.map((x) => x.op).sort()).toEqual(['add', 'update']);
      // The east piece again under another new code: it overlaps the cell just added.
      const before = fingerprint(copy);
      writeFileSync(f('overlap.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [feature(`${cell.code.slice(0, 12)}998`, east.geometry)] }));
      const bad = runImport(c.app, f('overlap.geojson'), 'overlap.geojson', { layer: 'grid', actor: 'test' });
      expect(bad.problems[0]).toMatchObject({ severity: 'error', field: 'geometry', message: expect.stringMatching(/overlaps cell/) });
      expect(bad.commitId).toBeNull();
      expect(fingerprint(copy)).toBe(before);
    } finally {
      c.close();
    }
  });
});

describe('import over the API (upload in chunks, preview, apply)', () => {
  const api = () => asSystem(core);
  it('takes a file in chunks, previews without writing, applies as one commit, and refuses bad chunks and mappings', async () => {
    const body = Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { ClassCode: '0305' }, geometry: { type: 'Point', coordinates: [119.9211, 32.4611] } }],
      }),
    );
    const id = (await api().ok('import.upload', { name: 'bins.geojson', offset: 0, data: body.subarray(0, 50).toString('base64') })).uploadId;
    expect((await api().refused('import.upload', { uploadId: id, name: 'bins.geojson', offset: 10, data: 'AAAA' })).code).toBe('BAD_INPUT');
    expect((await api().ok('import.upload', { uploadId: id, name: 'bins.geojson', offset: 50, data: body.subarray(50).toString('base64') })).bytes).toBe(
      body.length,
    );
    expect((await api().refused('import.upload', { uploadId: 'f'.repeat(32), name: 'x', offset: 0, data: '' })).code).toBe('NOT_FOUND');
    const before = fingerprint(db);
    const preview = await api().ok('import.preview', { uploadId: id, layer: 'components' });
    expect(preview.counts).toMatchObject({ add: 1, error: 0 });
    expect((await api().refused('import.preview', { uploadId: id, layer: 'components', mapping: { note: 'NoSuchColumn' } })).message).toMatch(/NoSuchColumn/);
    expect((await api().refused('import.apply', { uploadId: id, layer: 'components', mapping: { nonsense: 'ClassCode' } })).code).toBe('BAD_INPUT');
    expect(fingerprint(db)).toBe(before);
    const phases: string[] = [];
    const off = core.subscribe((e) => {
      if (e.type === 'import.progress' && e.payload.uploadId === id) phases.push(e.payload.phase);
    });
    const applied = await api().ok('import.apply', { uploadId: id, layer: 'components', message: '新增垃圾箱' });
    off();
    expect(phases).toEqual(['reading', 'checking', 'writing', 'done']);
    expect(applied.commitId).toEqual(expect.any(Number));
    expect((await api().ok('components.commitDetail', { id: applied.commitId! })).commit).toMatchObject({ kind: 'import', added: 1, message: '新增垃圾箱' });
  });
});

describe('cityops import / export', () => {
  it('--dry-run prints the report and changes nothing; a bad file exits non-zero; export writes the file', () => {
    const copy = smallDbCopy();
    cli('info', '--db', copy); // the first open fills the reference tables
    const before = fingerprint(copy);
    const dry = cli('import', '--db', copy, '--layer', 'components', '--file', f('rows.geojson'), '--dry-run');
    expect(dry.status).toBe(1);
    expect(dry.stdout).toMatch(/row 6: error location/);
    expect(dry.stdout).toMatch(/nothing was written/);
    expect(fingerprint(copy)).toBe(before);
    writeFileSync(f('broken.gpkg'), 'not a database at all, just text padding '.repeat(200));
    const bad = cli('import', '--db', copy, '--layer', 'components', '--file', f('broken.gpkg'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/GeoPackage|damaged/);
    expect(fingerprint(copy)).toBe(before);
    const out = path.join(dir, 'cli.gpkg');
    const ex = cli('export', '--db', copy, '--layer', 'components', '--format', 'gpkg', '--class', '0101', '--out', out);
    expect(ex.status).toBe(0);
    expect(ex.stdout).toMatch(/exported \d+ components/);
    const copied = path.join(dir, 'copied.db');
    copyFileSync(copy, copied);
    const ok = cli('import', '--db', copied, '--layer', 'components', '--file', f('new.geojson'), '--message', 'CLI 导入');
    if (hasGdal) {
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/imported as commit \d+/);
    }
  });
});
