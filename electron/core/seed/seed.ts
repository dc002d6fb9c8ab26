// Writes the sample city into a new database. The file is built under a temporary name and renamed into
// place only when complete, so a crash mid-seed never leaves a half-seeded centre behind.
import { existsSync, readFileSync, renameSync, rmSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { openDatabase, type Db } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { signedArea, ringBBox } from '../../../shared/geo.ts';
import { formatComponentCode } from '../../../shared/codes.ts';
import { ADMIN_CODE, CITY_BOUNDS, DISTRICT_NAME, buildCity, type GenCity } from './city.ts';
import { placeInCell } from './placement.ts';
import { rng } from './random.ts';

/** Options of `cityops seed`. */
export interface SeedOptions {
  seed?: number;
  /** Fraction of the full component inventory to generate (1 = full city of ≥300,000). The grid is always whole. */
  scale?: number;
  force?: boolean;
  onProgress?: (phase: string, fraction: number) => void;
}
/** What a seed run produced. */
export interface SeedReport {
  file: string;
  streets: number;
  communities: number;
  gridCells: number;
  components: number;
  departments: number;
  ms: number;
}

/** Folder of the data tables (class tables, departments). */
export function dataDir(): string {
  return process.env.CITYOPS_DATA_DIR ?? fileURLToPath(new URL('../../../data/', import.meta.url));
}

interface DeptRow {
  code: string;
  name: string;
  level: 2 | 3 | 4;
  parent: string | null;
  street?: string;
}

/** Builds the sample city into `file`; refuses to overwrite an existing file unless `force`. */
export function seedDatabase(file: string, opts: SeedOptions = {}): SeedReport {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const progress = opts.onProgress ?? (() => {});
  if (existsSync(file)) {
    if (!opts.force) throw new Error(`${file} already exists; pass --force to overwrite it`);
  }
  const tmp = `${file}.seeding`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });

  progress('grid', 0);
  const city = buildCity(seed);
  const db = openDatabase(tmp);
  let report: SeedReport;
  try {
    migrate(db);
    report = db.transaction(() => writeAll(db, city, seed, scale, progress))();
    report.file = file;
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  // Make the finished file durable before it takes the real name.
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  renameSync(tmp, file);
  for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  report.ms = Math.round(performance.now() - t0);
  progress('done', 1);
  return report;
}

function writeAll(db: Db, city: GenCity, seed: number, scale: number, progress: (p: string, f: number) => void): SeedReport {
  const dir = dataDir();
  const compTable = JSON.parse(readFileSync(path.join(dir, 'component-classes.json'), 'utf8')) as {
    majors: Record<string, string>;
    classes: { code: string; name: string; defaultDept: string; geometry: string }[];
  };
  const eventTable = JSON.parse(readFileSync(path.join(dir, 'event-classes.json'), 'utf8')) as {
    majors: Record<string, string>;
    classes: { code: string; name: string; defaultDept: string; limitValue: number; limitUnit: string }[];
  };
  const depts = JSON.parse(readFileSync(path.join(dir, 'departments.json'), 'utf8')) as DeptRow[];

  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  const metaRows: [string, string][] = [
    ['district_name', DISTRICT_NAME],
    ['admin_code', ADMIN_CODE],
    ['bounds', JSON.stringify([CITY_BOUNDS.west, CITY_BOUNDS.south, CITY_BOUNDS.east, CITY_BOUNDS.north])],
    ['seed', String(seed)],
    ['scale', String(scale)],
    ['created_at', new Date().toISOString()],
  ];
  for (const [k, v] of metaRows) meta.run(k, v);

  const insDept = db.prepare('INSERT INTO departments (code, name, level, parent, street_code) VALUES (?, ?, ?, ?, ?)');
  for (const d of depts) insDept.run(d.code, d.name, d.level, d.parent, d.street ?? null);
  const insMajor = db.prepare('INSERT INTO component_majors (code, name) VALUES (?, ?)');
  for (const [c, n] of Object.entries(compTable.majors)) insMajor.run(c, n);
  const insClass = db.prepare('INSERT INTO component_classes (code, major, name, default_dept, geometry, idx) VALUES (?, ?, ?, ?, ?, ?)');
  compTable.classes.forEach((c, i) => insClass.run(c.code, c.code.slice(0, 2), c.name, c.defaultDept, c.geometry, i));
  const insEvMajor = db.prepare('INSERT INTO event_majors (code, name) VALUES (?, ?)');
  for (const [c, n] of Object.entries(eventTable.majors)) insEvMajor.run(c, n);
  const insEv = db.prepare('INSERT INTO event_classes (code, major, name, default_dept, limit_value, limit_unit) VALUES (?, ?, ?, ?, ?, ?)');
  for (const c of eventTable.classes) insEv.run(c.code, c.code.slice(0, 2), c.name, c.defaultDept, c.limitValue, c.limitUnit);

  const insStreet = db.prepare('INSERT INTO streets (code, name, ring, min_lon, min_lat, max_lon, max_lat) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const s of city.streets) insStreet.run(s.code, s.name, JSON.stringify(s.ring), ...ringBBox(s.ring));
  const insComm = db.prepare('INSERT INTO communities (code, street_code, name, ring, min_lon, min_lat, max_lon, max_lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const c of city.communities) insComm.run(c.code, c.streetCode, c.name, JSON.stringify(c.ring), ...ringBBox(c.ring));

  progress('grid', 0.5);
  const toGK = crsConverter('EPSG:4490', 'EPSG:4549');
  const insCell = db.prepare(
    'INSERT INTO grid_cells (id, code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insCellBox = db.prepare('INSERT INTO grid_cells_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  city.cells.forEach((c, i) => {
    const gk = c.ring.flatMap((p) => toGK(p));
    const area = Math.abs(signedArea(gk));
    const b = ringBBox(c.ring);
    insCell.run(i + 1, c.code, c.communityCode, JSON.stringify(c.ring), Math.round(area * 10) / 10, ...b);
    insCellBox.run(i + 1, b[0], b[2], b[1], b[3]);
  });

  // Components.
  progress('components', 0);
  const rand = rng(seed * 104729 + 3);
  const classDefault = new Map(compTable.classes.map((c) => [c.code, c.defaultDept]));
  const children = new Map<string, string[]>();
  for (const d of depts) if (d.parent && d.level === 3) children.set(d.parent, [...(children.get(d.parent) ?? []), d.code]);
  const streetOffice = new Map(depts.filter((d) => d.street).map((d) => [d.street!, d.code]));
  const streetOwned = new Set(['0501', '0407', '0126', '0212', '0303']);
  // Covers and gratings (…井盖, 雨水箅子) are the components that go missing (丢失); others get occupied (占用).
  const covers = new Set(compTable.classes.filter((c) => /井盖|箅子/.test(c.name)).map((c) => c.code));
  const serials = new Map<string, number>();
  const insComp = db.prepare(
    `INSERT INTO components (id, code, class_code, dept1, dept2, dept3, grid_code, state, or_date, ch_date, data_source, note, lon, lat, geometry, attrs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insCompBox = db.prepare('INSERT INTO components_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const date = (y0: number, y1: number) => {
    const t = Date.UTC(y0, 0, 1) + rand() * (Date.UTC(y1, 11, 31) - Date.UTC(y0, 0, 1));
    return new Date(t).toISOString().slice(0, 10);
  };
  const notes = ['临近路口', '位于人行道', '位于绿化带内', '位于小区出入口', '沿河步道旁'];
  // 古树名木 carry their required class attributes (data/component-attributes.json); taken from the id, not the
  // random stream, so every other value of the sample city stays as it was.
  const oldTree = (id: number) => JSON.stringify({ species: ['银杏', '香樟', '榉树', '朴树', '国槐'][id % 5], grade: ['三级', '二级', '一级'][id % 3] });
  let id = 0;
  city.cells.forEach((cell, ci) => {
    if (ci % 500 === 0) progress('components', ci / city.cells.length);
    const streetCode = cell.communityCode.slice(0, 3);
    for (const p of placeInCell(cell, rand, scale)) {
      id++;
      const serial = (serials.get(p.classCode) ?? 0) + 1;
      serials.set(p.classCode, serial);
      const dept1 = classDefault.get(p.classCode) ?? null;
      const dept2 = streetOwned.has(p.classCode) ? (streetOffice.get(streetCode) ?? dept1) : dept1;
      const kids = dept1 ? children.get(dept1) : undefined;
      const dept3 = kids ? kids[Math.floor((ci / city.cells.length) * kids.length)] : dept1;
      const r = rand();
      const state = r < 0.92 ? '完好' : r < 0.97 ? '破损' : r < 0.985 && covers.has(p.classCode) ? '丢失' : '占用';
      const census = rand() < 0.8;
      const orDate = census ? date(2008, 2008) : date(2009, 2025);
      const chDate = rand() < 0.12 ? date(Number(orDate.slice(0, 4)) + 1, 2026) : null;
      const ds = rand();
      const dataSource = ds < 0.8 ? '实测' : ds < 0.9 ? '地形图' : ds < 0.98 ? '基础地理数据' : '其他';
      const note = rand() < 0.03 ? notes[Math.floor(rand() * notes.length)] : null;
      insComp.run(
        id,
        formatComponentCode(ADMIN_CODE, p.classCode, serial),
        p.classCode,
        dept1,
        dept2,
        dept3,
        cell.code,
        state,
        orDate,
        chDate,
        dataSource,
        note,
        p.lon,
        p.lat,
        p.geometry ? JSON.stringify(p.geometry) : null,
        p.classCode === '0401' ? oldTree(id) : null,
      );
      let b: [number, number, number, number] = [p.lon, p.lat, p.lon, p.lat];
      if (p.geometry) b = ringBBox(p.geometry.type === 'Polygon' ? p.geometry.coordinates[0] : p.geometry.coordinates);
      insCompBox.run(id, b[0], b[2], b[1], b[3]);
    }
  });
  progress('components', 1);
  return {
    file: '',
    streets: city.streets.length,
    communities: city.communities.length,
    gridCells: city.cells.length,
    components: id,
    departments: depts.length,
    ms: 0,
  };
}
