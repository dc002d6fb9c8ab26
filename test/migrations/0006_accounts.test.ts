// Migration 0006 (accounts): applied to a version-5 database with accounts, it keeps them (none must change its
// password, none has a recorded change) and adds the flag, the change time and an index of sessions by user.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { migrate, schemaVersion } from '../../electron/core/db/migrate.ts';

describe('migration 0006_accounts', () => {
  it('keeps existing accounts and sessions, adds the password-change flag and time', () => {
    const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig6-')), 'm.db'));
    expect(migrate(db, undefined, 5)).toEqual([1, 2, 3, 4, 5]);
    db.exec(`INSERT INTO departments (code, name, level) VALUES ('D03', '环卫', 2);
      INSERT INTO users (id, name, display_name, role, department, password_hash, created_at, disabled)
        VALUES (1, 'admin', '管理员', 'admin', NULL, 'scrypt$1024$8$1$c2FsdA==$aGFzaA==', '2026-01-01T00:00:00Z', 0),
               (2, 'env', '环卫', 'department', 'D03', 'scrypt$1024$8$1$c2FsdA==$aGFzaA==', '2026-01-02T00:00:00Z', 1);
      INSERT INTO sessions VALUES ('h1', 1, '2026-01-01T00:00:00Z', 99);`);
    expect(migrate(db, undefined, 6)).toEqual([6]);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT id, name, role, disabled, must_change_password AS m, password_changed_at AS p FROM users ORDER BY id').all()).toEqual([
      { id: 1, name: 'admin', role: 'admin', disabled: 0, m: 0, p: null },
      { id: 2, name: 'env', role: 'department', disabled: 1, m: 0, p: null },
    ]);
    expect(db.prepare('SELECT token_hash FROM sessions').pluck().all()).toEqual(['h1']);
    db.exec('UPDATE users SET must_change_password = 1 WHERE id = 1');
    expect(() => db.exec('UPDATE users SET must_change_password = 2 WHERE id = 1')).toThrow(/CHECK/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'sessions_user'").pluck().get()).toBe('sessions_user');
  });
});
