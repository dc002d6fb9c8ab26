// Migration 0005 (trust): applied to a version-4 database whose settings hold an SMS gateway URL and template and a
// replica token, it moves those secrets into local_secrets (left out of replication) and strips them from the
// settings; case photos gain a before/after role.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { migrate, schemaVersion } from '../../electron/core/db/migrate.ts';
import { replicatedTables } from '../../electron/core/replication/changelog.ts';

describe('migration 0005_trust', () => {
  it('moves the secrets out of the settings and adds photo roles', () => {
    const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig5-')), 'm.db'));
    expect(migrate(db, undefined, 4)).toEqual([1, 2, 3, 4]);
    db.exec(`INSERT INTO settings VALUES ('sms', '{"kind":"http","url":"https://sms.example.cn/send?key=K","template":"{\\"k\\":\\"T\\"}"}');
      INSERT INTO settings VALUES ('replication', '{"target":"http://dr:8732","token":"0123456789abcdef0123","mode":"sync"}');
      INSERT INTO settings VALUES ('duplicates', '{"radiusM":50,"hours":24}');`);
    expect(migrate(db, undefined, 5)).toEqual([5]);
    expect(schemaVersion(db)).toBe(5);
    const settings = Object.fromEntries(
      (db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value)]),
    );
    expect(settings).toEqual({ sms: { kind: 'http' }, replication: { target: 'http://dr:8732', mode: 'sync' }, duplicates: { radiusM: 50, hours: 24 } });
    const secrets = Object.fromEntries(
      (db.prepare('SELECT key, value FROM local_secrets').all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value)]),
    );
    expect(secrets).toEqual({ sms: { url: 'https://sms.example.cn/send?key=K', template: '{"k":"T"}' }, replication: { token: '0123456789abcdef0123' } });
    expect(replicatedTables(db).map((t) => t.name)).not.toContain('local_secrets');
    expect(db.prepare("SELECT name FROM pragma_table_info('case_photos') WHERE name = 'role'").get()).toEqual({ name: 'role' });
    db.exec(`INSERT INTO departments (code, name, level) VALUES ('D03', '环卫', 2);
      INSERT INTO event_majors VALUES ('01', '市容环境');
      INSERT INTO event_classes (code, major, name, default_dept, limit_value, limit_unit) VALUES ('0102', '01', '暴露垃圾', 'D03', 4, 'work_hour');
      INSERT INTO streets VALUES ('001', 'S', '[]', 0, 0, 1, 1);
      INSERT INTO communities VALUES ('001001', '001', 'C', '[]', 0, 0, 1, 1);
      INSERT INTO grid_cells (code, community_code, ring, area_m2, min_lon, min_lat, max_lon, max_lat) VALUES ('321202001001001', '001001', '[]', 1, 0, 0, 1, 1);
      INSERT INTO channels VALUES ('hotline', '12319热线', 0, 1);
      INSERT INTO cases (id, case_no, kind, class_code, channel, status, description, lon, lat, grid_code, community_code, street_code, created_at, updated_at)
        VALUES (1, '2026112400001', 'event', '0102', 'hotline', 'pending_accept', 'x', 0.5, 0.5, '321202001001001', '001001', '001', 0, 0);
      INSERT INTO case_photos (case_id, mime, bytes, sha256, at) VALUES (1, 'image/png', x'00', 'h', 0);`);
    expect(db.prepare('SELECT role FROM case_photos').pluck().get()).toBeNull();
    db.exec("UPDATE case_photos SET role = 'before'");
    expect(() => db.exec("UPDATE case_photos SET role = 'during'")).toThrow(/CHECK/);
  });

  it('leaves settings without secrets as they are', () => {
    const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig5-')), 'm.db'));
    migrate(db, undefined, 4);
    db.exec(`INSERT INTO settings VALUES ('sms', '{"kind":"log"}');`);
    migrate(db);
    expect(db.prepare('SELECT value FROM settings').pluck().all()).toEqual(['{"kind":"log"}']);
    expect(db.prepare('SELECT count(*) FROM local_secrets').pluck().get()).toBe(0);
  });
});
