// Migration 0003 (replication): applied to a version-2 database with cases, it keeps them and adds the change
// log, the shipper state and the drill record. The triggers that fill the log are installed by the core at open
// and are tested in test/core/replication.test.ts.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/connection.ts';
import { migrate, schemaVersion } from '../../electron/core/db/migrate.ts';

describe('migration 0003_replication', () => {
  it('upgrades a version-2 database, keeping its rows, and adds the change-log tables', () => {
    const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-mig3-')), 'm.db'));
    expect(migrate(db, undefined, 2)).toEqual([1, 2]);
    db.exec("INSERT INTO channels VALUES ('hotline', '12319热线', 1, 1)");
    expect(migrate(db, undefined, 3)).toEqual([3]);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT name FROM channels').all()).toEqual([{ name: '12319热线' }]);
    const cols = (t: string) => (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('changelog')).toEqual(['seq', 'tx', 'at', 'tbl', 'op', 'pk', 'row', 'hash']);
    expect(cols('replication_state')).toEqual(['key', 'value']);
    expect(cols('dr_drills')).toEqual(['id', 'at', 'actor', 'ok', 'seq', 'duration_ms', 'detail']);
    expect(() => db.exec("INSERT INTO changelog (seq, tx, at, tbl, op, pk, row, hash) VALUES (1, 1, 1, 't', 'X', '[]', NULL, 'h')")).toThrow(/CHECK/);
  });
});
