// The history generator: closed and void cases in bulk (searchable, not logged row by row, a snapshot requested for
// the replica) plus an open workload taken through the real workflow service (logged like any write).
import { describe, expect, it } from 'vitest';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { generateCases } from '../../electron/core/cases/generate.ts';
import { coreClient, smallDbCopy, testCore } from '../helpers.ts';

describe('cases generate', () => {
  it('adds searchable history as a bulk load and an open workload through the service', async () => {
    const core = testCore({ dbPath: smallDbCopy() });
    try {
      const head0 = core.app.changelog.head().seq;
      generateCases(core.app, { count: 3000, openShare: 0.01 });
      const n = (sql: string) => (core.app.db.prepare(sql).get() as { n: number }).n;
      expect(n('SELECT count(*) AS n FROM cases')).toBe(3000);
      expect(n("SELECT count(*) AS n FROM cases WHERE status IN ('closed', 'voided')")).toBe(2970);
      // The full-text index covers the bulk rows, and its sync triggers are back in place for later writes.
      const r = await coreClient(core, { actor: 't', via: 'test', user: SYSTEM_USER }).ok('cases.list', { q: '暴露垃圾', queue: 'closed' });
      expect(r.total).toBeGreaterThan(0);
      expect(n("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cases_fts%'")).toBe(2);
      // Bulk rows are not in the change log; the open workload is; the replica is asked for a new snapshot.
      const logged = n(`SELECT count(*) AS n FROM changelog WHERE seq > ${head0} AND tbl = 'cases' AND op = 'I'`);
      expect(logged).toBe(30);
      expect(core.app.db.prepare("SELECT value FROM replication_state WHERE key = 'snapshot_required'").get()).toBeTruthy();
      expect(n('SELECT count(*) AS n FROM cases_fts WHERE cases_fts MATCH \'"暴露垃圾"\'')).toBe(
        n("SELECT count(*) AS n FROM cases WHERE description LIKE '%暴露垃圾%' OR address LIKE '%暴露垃圾%' OR case_no LIKE '%暴露垃圾%'"),
      );
    } finally {
      core.close();
    }
  });
});
