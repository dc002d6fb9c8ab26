// The warm standby of a replica: a database kept at the head of the log, so the DR host can take over at once. It
// restarts from a snapshot, and each batch is applied in one transaction that also writes the batch's segment (see
// ReplicaStore.append): the standby and the log move together, and a batch the standby cannot apply is refused
// whole rather than stored while the standby falls behind. Its last applied sequence is in its replication_state.
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { EntryApplier, type ChangeEntry } from './changelog.ts';
import { ReplicaError } from './names.ts';
import type { StandbySummary } from '../../../shared/model.ts';

export class Standby {
  private db: Database.Database | null = null;
  private applier: EntryApplier | null = null;

  /** `readOnly`: a reader of the replica (verify, restore) looks at the standby but never changes it. */
  constructor(
    readonly file: string,
    private readonly readOnly = false,
  ) {}

  private open(): Database.Database | null {
    if (this.db) return this.db;
    if (!existsSync(this.file)) return null;
    if (this.readOnly) {
      this.db = new Database(this.file, { readonly: true, fileMustExist: true });
      return this.db;
    }
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.applier = new EntryApplier(this.db);
    return this.db;
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  /** Size of the database file (what it counts against the store's quota). */
  size(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }

  /** Last sequence applied (0 when there is no standby). */
  seq(): number {
    const db = this.open();
    if (!db) return 0;
    const r = db.prepare("SELECT value FROM replication_state WHERE key = 'standby_seq'").get() as { value: string } | undefined;
    // A value that is not a sequence (a damaged or edited file) counts as 0: the standby starts again from a snapshot.
    return r && /^\d{1,12}$/.test(r.value) ? Number(r.value) : 0;
  }

  /** Hash of entry `seq` in the standby's own log, or null when it does not hold it. */
  hashAt(seq: number): string | null {
    const db = this.open();
    const r = db?.prepare('SELECT hash FROM changelog WHERE seq = ?').get(seq) as { hash: string } | undefined;
    return r?.hash ?? null;
  }

  /** Starts again from a snapshot file that ends at `seq`: copied under a temporary name, marked, then renamed, so a
   * crash leaves either the old standby or the new one. */
  reset(snapshotFile: string, seq: number): void {
    this.close();
    const tmp = `${this.file}.tmp`;
    try {
      copyFileSync(snapshotFile, tmp);
      const db = new Database(tmp);
      try {
        db.prepare("INSERT OR REPLACE INTO replication_state (key, value) VALUES ('standby_seq', ?)").run(String(seq));
      } finally {
        db.close();
      }
      for (const s of ['-wal', '-shm']) rmSync(this.file + s, { force: true });
      renameSync(tmp, this.file);
    } catch (e) {
      for (const s of ['', '-journal']) rmSync(tmp + s, { force: true });
      // SQLite refusing the file (not a database, no replication_state) is the snapshot's fault; anything else is the disk's.
      const code = String((e as { code?: unknown }).code ?? '');
      const badSnapshot = code.startsWith('SQLITE_') && code !== 'SQLITE_FULL' && !code.startsWith('SQLITE_IOERR');
      throw new ReplicaError(badSnapshot ? 422 : 507, `reset the warm standby from snapshot ${seq}: ${(e as Error).message}`);
    }
  }

  /**
   * Applies the entries after the standby's sequence in one transaction; `alongside` runs inside it before the
   * commit (the store writes the batch's segment there), so either both happen or neither. Entries the standby
   * already holds are skipped. Throws 422 naming the entry the standby cannot apply.
   */
  apply(entries: ChangeEntry[], alongside: () => void = () => {}): void {
    const db = this.open();
    if (!db || !this.applier) throw new ReplicaError(409, 'the replica has no warm standby: send a snapshot first');
    const from = this.seq();
    const todo = entries.filter((e) => e.seq > from);
    if (todo.length && todo[0].seq !== from + 1) {
      throw new ReplicaError(409, `the warm standby is at sequence ${from}; entries from ${todo[0].seq} do not follow it`, from + 1);
    }
    db.transaction(() => {
      for (const e of todo) {
        try {
          this.applier!.apply(e);
        } catch (err) {
          throw new ReplicaError(
            422,
            `batch refused: the warm standby cannot apply entry ${e.seq} (${e.op} ${e.tbl} ${e.pk.slice(0, 60)}): ${(err as Error).message}; nothing of the batch was stored`,
            e.seq,
          );
        }
      }
      if (todo.length) db.prepare("INSERT OR REPLACE INTO replication_state (key, value) VALUES ('standby_seq', ?)").run(String(todo.at(-1)!.seq));
      alongside();
    })();
  }

  /** A read-only summary (DR console). */
  summary(): StandbySummary | null {
    const db = this.open();
    if (!db) return null;
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      seq: this.seq(),
      counts: {
        cases: count('cases'),
        case_history: count('case_history'),
        components: count('components'),
        grid_cells: count('grid_cells'),
        users: count('users'),
      },
      recentCases: db
        .prepare('SELECT case_no AS caseNo, status, description, updated_at AS updatedAt FROM cases ORDER BY updated_at DESC LIMIT 20')
        .all() as never[],
    };
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.applier = null;
  }
}
