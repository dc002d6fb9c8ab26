// Migration 0002 (cases): applied to a version-1 database that already holds data, it keeps that data, adds the
// case tables, makes history append-only and keeps the full-text index in step with the cases.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { migrate, schemaVersion } from '../../electron/core/db/migrate.ts';

function v1WithData() {
  const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig2-')), 'm.db'));
  expect(migrate(db, undefined, 1)).toEqual([1]);
  db.exec(`INSERT INTO departments (code, name, level) VALUES ('D03', '环卫', 2);
    INSERT INTO event_majors VALUES ('01', '市容环境');
    INSERT INTO event_classes (code, major, name, default_dept, limit_value, limit_unit) VALUES ('0102', '01', '暴露垃圾', 'D03', 4, 'work_hour');
    INSERT INTO streets VALUES ('001', 'S', '[]', 0, 0, 1, 1);
    INSERT INTO communities VALUES ('001001', '001', 'C', '[]', 0, 0, 1, 1);
    INSERT INTO grid_cells (code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat) VALUES ('321202001001001', '001001', '[]', 1, 0, 0, 1, 1);
`);
  return db;
}

describe('migration 0002_cases', () => {
  it('upgrades a version-1 database with data, keeping it', () => {
    const db = v1WithData();
    expect(migrate(db, undefined, 2)).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT name, public FROM event_classes WHERE code = '0102'").get()).toEqual({ name: '暴露垃圾', public: 1 });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of [
      'users',
      'sessions',
      'api_keys',
      'channels',
      'calendar_days',
      'stage_limits',
      'routing_rules',
      'cases',
      'case_history',
      'case_photos',
      'cases_fts',
      'alerts',
      'sms_outbox',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('keeps case history append-only and the FTS index in step', () => {
    const db = v1WithData();
    migrate(db);
    db.exec(`INSERT INTO channels VALUES ('hotline', '12319热线', 1, 1);
      INSERT INTO cases (case_no, kind, class_code, channel, status, description, address, lon, lat, grid_code, community_code, street_code, created_at, updated_at)
      VALUES ('2026112700001', 'event', '0102', 'hotline', 'pending_accept', '人民路口暴露垃圾', '人民路', 0.5, 0.5, '321202001001001', '001001', '001', 1, 1);
      INSERT INTO case_history (case_id, at, actor_name, role, action, to_status) VALUES (1, 1, 'op', 'operator', 'intake', 'pending_accept');`);
    expect(() => db.prepare('UPDATE case_history SET reason = ? WHERE id = 1').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM case_history').run()).toThrow(/append-only/);
    const find = (q: string) => (db.prepare('SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?').all(`"${q}"`) as unknown[]).length;
    expect(find('暴露垃圾')).toBe(1);
    db.prepare("UPDATE cases SET description = '人民路口积存垃圾' WHERE id = 1").run();
    expect(find('暴露垃圾')).toBe(0);
    expect(find('积存垃圾')).toBe(1);
  });

  it('refuses a case in an unknown state or with a department user without a department', () => {
    const db = v1WithData();
    migrate(db);
    db.exec("INSERT INTO channels VALUES ('hotline', '12319热线', 1, 1)");
    expect(() =>
      db.exec(`INSERT INTO cases (case_no, kind, class_code, channel, status, description, lon, lat, grid_code, community_code, street_code, created_at, updated_at)
      VALUES ('2026112700002', 'event', '0102', 'hotline', 'lost', 'x', 0.5, 0.5, '321202001001001', '001001', '001', 1, 1)`),
    ).toThrow(/CHECK/);
    expect(() => db.exec(`INSERT INTO users (name, display_name, role, password_hash, created_at) VALUES ('d', 'd', 'department', 'x', 'now')`)).toThrow(
      /CHECK/,
    );
  });
});
