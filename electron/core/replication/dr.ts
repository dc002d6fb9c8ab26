// Disaster-recovery operations the DR console runs: restore drills (restore to a temporary file at the sequence the
// live database has in a read transaction, then compare every replicated table: row counts and content hashes),
// and the drill record.
import { createHash, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { DrillResult } from '../../../shared/model.ts';
import { replicatedTables } from './changelog.ts';
import type { Replicator } from './replicator.ts';
import { restore } from './restore.ts';

/** Count and content hash of every replicated table (rows in primary-key order; the log itself is left out). */
export function tableDigests(db: Db | Database.Database): Map<string, { n: number; hash: string }> {
  const out = new Map<string, { n: number; hash: string }>();
  for (const t of replicatedTables(db as Db)) {
    if (t.name === 'dr_drills') continue; // written by the drill itself
    const pk = t.cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => `"${c.name}"`);
    const h = createHash('sha256');
    let n = 0;
    for (const row of db
      .prepare(`SELECT * FROM "${t.name}" ORDER BY ${pk.length ? pk.join(', ') : 'rowid'}`)
      .raw()
      .iterate() as Iterable<unknown[]>) {
      h.update(JSON.stringify(row, (_k, v) => (v && typeof v === 'object' && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v)));
      h.update('\n');
      n++;
    }
    out.set(t.name, { n, hash: h.digest('hex') });
  }
  return out;
}

export class DrService {
  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly clock: () => number,
  ) {}

  /** Runs a drill against the replica; records and returns the result (a failed drill is a result, not an error). */
  async drill(rep: Replicator, actor: string, publicKey?: KeyObject): Promise<DrillResult> {
    const t0 = performance.now();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-drill-'));
    const live = new Database(this.file, { readonly: true });
    let seq: number | null = null;
    let tables: DrillResult['tables'] = [];
    let error: string | null = null;
    try {
      // A read transaction pins the live state; the replica must hold at least that much.
      live.exec('BEGIN');
      seq = (live.prepare('SELECT max(seq) AS s FROM changelog').get() as { s: number | null }).s ?? 0;
      if (!(await rep.waitFor(seq)) && rep.status().ackedSeq < seq) {
        // In async mode waitFor does not wait: poll for up to 30 s.
        const until = Date.now() + 30_000;
        while (rep.status().ackedSeq < seq && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
        if (rep.status().ackedSeq < seq) throw new Error(`the replica has not caught up to sequence ${seq} (it holds ${rep.status().ackedSeq})`);
      }
      const file = path.join(dir, 'drill.db');
      await restore({ client: rep.client, to: file, seq, publicKey });
      const restored = new Database(file, { readonly: true });
      try {
        const a = tableDigests(live);
        const b = tableDigests(restored);
        tables = [...a].map(([table, l]) => {
          const r = b.get(table) ?? { n: -1, hash: '' };
          return { table, live: l.n, restored: r.n, liveHash: l.hash, restoredHash: r.hash, same: l.n === r.n && l.hash === r.hash };
        });
      } finally {
        restored.close();
      }
    } catch (e) {
      error = (e as Error).message;
    } finally {
      if (live.inTransaction) live.exec('COMMIT');
      live.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const ok = !error && tables.length > 0 && tables.every((t) => t.same);
    const durationMs = Math.round(performance.now() - t0);
    const at = this.clock();
    const id = this.db.transaction(() =>
      Number(
        this.db
          .prepare('INSERT INTO dr_drills (at, actor, ok, seq, duration_ms, detail) VALUES (?, ?, ?, ?, ?, ?)')
          .run(at, actor, ok ? 1 : 0, seq, durationMs, JSON.stringify({ tables, error })).lastInsertRowid,
      ),
    )();
    return { id, at, actor, ok, seq, durationMs, tables, error };
  }

  drills(limit = 50): DrillResult[] {
    return (
      this.db.prepare('SELECT * FROM dr_drills ORDER BY id DESC LIMIT ?').all(limit) as {
        id: number;
        at: number;
        actor: string;
        ok: number;
        seq: number | null;
        duration_ms: number;
        detail: string;
      }[]
    ).map((r) => {
      const d = JSON.parse(r.detail) as { tables: DrillResult['tables']; error: string | null };
      return { id: r.id, at: r.at, actor: r.actor, ok: !!r.ok, seq: r.seq, durationMs: r.duration_ms, tables: d.tables, error: d.error };
    });
  }
}
