// Each migration has its own test: build the previous version, insert rows, migrate, compare.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { loadMigrations, migrate, schemaVersion } from '../../electron/core/db/migrate.ts';

const tmp = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig-')), 'm.db');

describe('migration 0001_init', () => {
  it('creates the foundation tables from an empty database', () => {
    const db = openDatabase(tmp());
    expect(migrate(db, undefined, 1)).toEqual([1]);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    for (const t of [
      'components',
      'components_rtree',
      'grid_cells',
      'grid_cells_rtree',
      'communities',
      'streets',
      'departments',
      'component_classes',
      'event_classes',
      'settings',
      'audit',
      'meta',
    ]) {
      expect(tables).toContain(t);
    }
    expect(schemaVersion(db)).toBe(1);
  });

  it('opens with WAL, synchronous=FULL and foreign keys', () => {
    const db = openDatabase(tmp());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('is idempotent: a second run applies nothing', () => {
    const db = openDatabase(tmp());
    migrate(db);
    expect(migrate(db)).toEqual([]);
  });

  it('enforces the code/class agreement of a component row', () => {
    const db = openDatabase(tmp());
    migrate(db);
    db.exec(`INSERT INTO departments (code, name, level) VALUES ('D01', '市政', 2);
      INSERT INTO component_majors VALUES ('01', '公用设施');
      INSERT INTO component_classes (code, major, name, default_dept, idx) VALUES ('0101', '01', '上水井盖', 'D01', 0);
      INSERT INTO streets VALUES ('001', 'S', '[]', 0, 0, 1, 1);
      INSERT INTO communities VALUES ('001001', '001', 'C', '[]', 0, 0, 1, 1);
      INSERT INTO grid_cells (code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat) VALUES ('321202001001001', '001001', '[]', 1, 0, 0, 1, 1);`);
    const ins = db.prepare(
      `INSERT INTO components (code, class_code, dept1, grid_code, state, or_date, data_source, lon, lat) VALUES (?, '0101', 'D01', '321202001001001', '完好', '2008-01-01', '实测', 0.5, 0.5)`,
    );
    expect(() => ins.run('3212020102000001')).toThrow(/CHECK/); // code says class 0102
    expect(() => ins.run('3212020101000001')).not.toThrow();
  });

  it('refuses a database written by a newer build', () => {
    const db = openDatabase(tmp());
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'x')").run();
    expect(() => migrate(db)).toThrow(/newer than this build/);
  });

  it('ships migrations numbered without gaps', () => {
    expect(loadMigrations().map((m) => m.version)).toEqual(loadMigrations().map((_, i) => i + 1));
  });
});
