// Migration 0004 (editing): applied to a version-3 database with components, it keeps them and adds commits,
// append-only version history, class attributes, component photos and grid-cell retirement.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { migrate, schemaVersion } from '../../electron/core/db/migrate.ts';

describe('migration 0004_editing', () => {
  it('upgrades a version-3 database, keeping its rows, and adds history that cannot be rewritten', () => {
    const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig4-')), 'm.db'));
    expect(migrate(db, undefined, 3)).toEqual([1, 2, 3]);
    db.exec(`INSERT INTO departments VALUES ('D1', '城管局', 2, NULL, NULL);
      INSERT INTO component_majors VALUES ('01', '公用设施');
      INSERT INTO component_classes VALUES ('0101', '01', '上水井盖', 'D1', 'point', 0);
      INSERT INTO streets VALUES ('001', '街道', '[]', 0, 0, 1, 1);
      INSERT INTO communities VALUES ('001001', '001', '社区', '[]', 0, 0, 1, 1);
      INSERT INTO grid_cells (id, code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat) VALUES (1, '321202001001001', '001001', '[]', 1, 0, 0, 1, 1);
      INSERT INTO components (id, code, class_code, grid_code, state, or_date, data_source, lon, lat)
        VALUES (1, '3212020101000001', '0101', '321202001001001', '完好', '2024-01-01', '实测', 0.5, 0.5);`);
    expect(migrate(db, undefined, 4)).toEqual([4]);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT code, attrs FROM components').all()).toEqual([{ code: '3212020101000001', attrs: null }]);
    expect(db.prepare('SELECT version, retired_at FROM grid_cells').all()).toEqual([{ version: 1, retired_at: null }]);
    db.exec(`INSERT INTO edit_commits (id, at, actor, message, kind) VALUES (1, 0, 'gis', '改', 'edit');
      INSERT INTO component_versions VALUES (1, 2, 1, 'update', '{}', '{}');`);
    expect(() => db.exec('UPDATE component_versions SET after = \'{"x":1}\'')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM component_versions')).toThrow(/append-only/);
    expect(() => db.exec("INSERT INTO edit_commits (at, actor, message, kind) VALUES (0, 'gis', '', 'edit')")).toThrow(/CHECK/);
    expect(() => db.exec("INSERT INTO component_class_attributes VALUES ('0101', 'Bad Key', 'x', 'text', 0, NULL, 1)")).toThrow(/CHECK/);
  });
});
