// The change log: every write to a replicated table appends one hash-chained entry per row, in the same
// transaction, through triggers. The triggers call SQL functions only the CityOps core registers, so a connection
// without them (another program) cannot write a replicated table at all: nothing writes around the log.
//
// Entry hash = sha256(previous hash, seq, tx, at, table, op, pk, row), so a gap, a reordering or a flipped bit is
// detected by anyone holding the entries (the replica, `cityops verify`, `cityops restore`).
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Statement } from 'better-sqlite3';

/** One change-log entry as it is stored and shipped. */
export interface ChangeEntry {
  seq: number;
  tx: number;
  at: number;
  tbl: string;
  op: 'I' | 'U' | 'D';
  pk: string;
  row: string | null;
  hash: string;
}

/** Tables that are not replicated: the log itself, shipper state, live session tokens, the migration record, and the
 * centre's own secrets (SMS gateway, replica token), which a replica must never hold in clear. */
export const NOT_REPLICATED = new Set(['changelog', 'replication_state', 'sessions', 'schema_migrations', 'local_secrets']);

/** The hash of an entry given the previous entry's hash ('' before the first). */
export function entryHash(prev: string, e: Omit<ChangeEntry, 'hash'>): string {
  return createHash('sha256')
    .update(`${prev}\n${e.seq}\n${e.tx}\n${e.at}\n${e.tbl}\n${e.op}\n${e.pk}\n${e.row ?? ''}`)
    .digest('hex');
}

/** Checks that entries follow `prev` (seq and hash) without a gap; returns the first problem or null. */
export function checkChain(prevSeq: number, prevHash: string, entries: ChangeEntry[]): { seq: number; problem: string } | null {
  let seq = prevSeq;
  let hash = prevHash;
  for (const e of entries) {
    if (e.seq !== seq + 1)
      return { seq: e.seq, problem: e.seq <= seq ? `sequence ${e.seq} repeats or goes back (after ${seq})` : `gap: ${seq + 1}…${e.seq - 1} missing` };
    const want = entryHash(hash, e);
    if (want !== e.hash) return { seq: e.seq, problem: `hash of entry ${e.seq} does not match its content and the chain` };
    seq = e.seq;
    hash = e.hash;
  }
  return null;
}

interface Column {
  name: string;
  type: string;
  pk: number;
}

/** Real tables whose rows are replicated (not virtual tables, not their shadow tables, not the excluded ones). */
export function replicatedTables(db: Db): { name: string; cols: Column[] }[] {
  const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string; sql: string }[];
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return all
    .filter((t) => !virtual.includes(t.name) && !virtual.some((v) => t.name.startsWith(`${v}_`)) && !NOT_REPLICATED.has(t.name))
    .map((t) => ({ name: t.name, cols: db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(t.name) as Column[] }));
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** SQL of a row image: json_object of every column, blobs as {"$hex": …}. */
function rowJson(cols: Column[], ref: 'NEW' | 'OLD'): string {
  return `json_object(${cols.map((c) => `'${c.name}', ${/BLOB/i.test(c.type) ? `json_object('$hex', hex(${ref}.${q(c.name)}))` : `${ref}.${q(c.name)}`}`).join(', ')})`;
}
/** SQL of the primary key (rowid when the table has none). */
function pkJson(cols: Column[], ref: 'NEW' | 'OLD'): string {
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return `json_array(${pk.length ? pk.map((c) => `${ref}.${q(c.name)}`).join(', ') : `${ref}.rowid`})`;
}

/** State of the log on one connection: the current transaction's id and start time. */
export class ChangeLog {
  private txId = 0;
  private txAt = 0;
  private lastTx: number;
  /** Writes are logged on this connection (false while a replica or a restore applies shipped entries). */
  logging = true;

  /** Registers the SQL functions and wraps db.transaction so each outermost transaction gets a new id. Call before
   * migrations (persistent triggers from an earlier open already call the functions). */
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {
    db.function('cityops_logging', { deterministic: false }, () => (this.logging ? 1 : 0));
    db.function('cityops_tx', { deterministic: false }, () => {
      if (!db.inTransaction) throw new Error('a replicated table was written outside a transaction');
      return this.txId;
    });
    db.function('cityops_tx_at', { deterministic: false }, () => this.txAt);
    db.function('cityops_chain', { deterministic: true, varargs: true }, (prev, seq, tx, at, tbl, op, pk, row) =>
      entryHash((prev as string | null) ?? '', {
        seq: Number(seq),
        tx: Number(tx),
        at: Number(at),
        tbl: String(tbl),
        op: op as 'I',
        pk: String(pk),
        row: (row as string | null) ?? null,
      }),
    );
    const hasLog = !!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'changelog'").get();
    this.lastTx = hasLog ? ((db.prepare('SELECT max(tx) AS t FROM changelog').get() as { t: number | null }).t ?? 0) : 0;
    const begin = db.transaction.bind(db);
    // Every outermost transaction opens a new log transaction; nested ones (savepoints) belong to it.
    const openTx = () => {
      if (!db.inTransaction) {
        this.txId = ++this.lastTx;
        this.txAt = this.clock();
      }
    };
    db.transaction = ((fn: (...args: unknown[]) => unknown) => {
      const t = begin(fn);
      const wrapped = (...args: unknown[]) => {
        openTx();
        return t(...args);
      };
      return Object.assign(wrapped, { deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive, default: t.default });
    }) as Db['transaction'];
  }

  /** Brings the triggers in line with the replicated tables; run after migrations. Nothing is written when they
   * already match (the usual start), so an open does not change the schema. */
  installTriggers(): void {
    const db = this.db;
    const want = new Map<string, string>();
    for (const t of replicatedTables(db)) {
      for (const [op, event, ref] of [
        ['I', 'INSERT', 'NEW'],
        ['U', 'UPDATE', 'NEW'],
        ['D', 'DELETE', 'OLD'],
      ] as const) {
        const name = `changelog_${t.name}_${op}`;
        const pk = pkJson(t.cols, op === 'I' ? 'NEW' : 'OLD');
        const row = op === 'D' ? 'NULL' : rowJson(t.cols, ref);
        want.set(
          name,
          `CREATE TRIGGER ${q(name)} AFTER ${event} ON ${q(t.name)} WHEN cityops_logging() BEGIN
  INSERT INTO changelog (seq, tx, at, tbl, op, pk, row, hash)
  SELECT s, tx, at, '${t.name}', '${op}', pk, row, cityops_chain(prev, s, tx, at, '${t.name}', '${op}', pk, row)
  FROM (SELECT s, cityops_tx() AS tx, cityops_tx_at() AS at, ${pk} AS pk, ${row} AS row,
               (SELECT hash FROM changelog WHERE seq = s - 1) AS prev
        FROM (SELECT coalesce(max(seq), 0) + 1 AS s FROM changelog));
END`,
        );
      }
    }
    const have = new Map(
      (
        db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'changelog\\_%' ESCAPE '\\'").all() as {
          name: string;
          sql: string;
        }[]
      ).map((r) => [r.name, r.sql]),
    );
    if (have.size === want.size && [...want].every(([name, sql]) => have.get(name) === sql)) return;
    db.transaction(() => {
      for (const name of have.keys()) db.exec(`DROP TRIGGER ${q(name)}`);
      for (const sql of want.values()) db.exec(sql);
    })();
  }

  /** Runs a bulk load (history generation, a large import) without logging each row, then records one logged
   * marker and asks the shipper to send a new snapshot before anything after it: millions of rows travel as one
   * snapshot instead of millions of entries, and the replica never holds entries its standby could not apply. */
  bulk<T>(label: string, fn: () => T): T {
    this.logging = false;
    let out: T;
    try {
      out = fn();
    } finally {
      this.logging = true;
    }
    this.db.transaction(() => {
      this.db
        .prepare("INSERT INTO meta (key, value) VALUES ('last_bulk_load', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run(JSON.stringify({ label, at: this.clock() }));
      this.db
        .prepare("INSERT INTO replication_state (key, value) VALUES ('snapshot_required', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run(String(this.head().seq));
    })();
    return out;
  }

  // Prepared on first use: the log table may not exist yet when the functions are registered (before migrations).
  private headStmt: Statement<unknown[], unknown> | null = null;
  private afterStmt: Statement<unknown[], unknown> | null = null;

  /** Last entry's sequence and hash (0 and '' for an empty log). Every group commit in sync mode asks this. */
  head(): { seq: number; hash: string } {
    this.headStmt ??= this.db.prepare('SELECT seq, hash FROM changelog ORDER BY seq DESC LIMIT 1');
    const r = this.headStmt.get() as { seq: number; hash: string } | undefined;
    return r ?? { seq: 0, hash: '' };
  }

  /** Entries after `seq`, at most `limit` (whole transactions are not split across calls unless one is larger). */
  after(seq: number, limit: number): ChangeEntry[] {
    this.afterStmt ??= this.db.prepare('SELECT seq, tx, at, tbl, op, pk, row, hash FROM changelog WHERE seq > ? ORDER BY seq LIMIT ?');
    return this.afterStmt.all(seq, limit) as ChangeEntry[];
  }
}

/** Applies shipped entries to a database (replica standby, restore). The caller verifies the chain first and runs
 * this inside a transaction. R*Trees of components and cells are kept in step. */
export class EntryApplier {
  private readonly stmts = new Map<string, { run(...params: unknown[]): unknown }>();
  private readonly tables: Map<string, Column[]>;

  constructor(private readonly db: Db) {
    this.tables = new Map(replicatedTables(db).map((t) => [t.name, t.cols]));
    // Triggers in the file call these; here they must not log again.
    for (const [name, fn] of [
      ['cityops_logging', () => 0],
      ['cityops_tx', () => 0],
      ['cityops_tx_at', () => 0],
    ] as const) {
      db.function(name, { deterministic: false }, fn);
    }
    db.function('cityops_chain', { varargs: true }, () => '');
  }

  private stmt(key: string, sql: () => string): { run(...params: unknown[]): unknown } {
    let s = this.stmts.get(key);
    if (!s) {
      s = this.db.prepare(sql()) as unknown as { run(...params: unknown[]): unknown };
      this.stmts.set(key, s);
    }
    return s;
  }

  apply(e: ChangeEntry): void {
    const cols = this.tables.get(e.tbl);
    if (!cols) throw new Error(`entry ${e.seq}: table ${e.tbl} does not exist in this database`);
    const pkCols = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const keyCols = pkCols.length ? pkCols : ['rowid'];
    const pk = JSON.parse(e.pk) as unknown[];
    const where = keyCols.map((c) => `${c === 'rowid' ? 'rowid' : q(c)} = ?`).join(' AND ');
    const value = (c: Column, v: unknown) => (v && typeof v === 'object' && '$hex' in (v as object) ? Buffer.from((v as { $hex: string }).$hex, 'hex') : v);
    if (e.op === 'D') {
      this.stmt(`D:${e.tbl}`, () => `DELETE FROM ${q(e.tbl)} WHERE ${where}`).run(...pk);
    } else {
      const row = JSON.parse(e.row!) as Record<string, unknown>;
      const vals = cols.map((c) => value(c, row[c.name]));
      if (e.op === 'I') {
        this.stmt(`I:${e.tbl}`, () => `INSERT INTO ${q(e.tbl)} (${cols.map((c) => q(c.name)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
          ...vals,
        );
      } else {
        this.stmt(`U:${e.tbl}`, () => `UPDATE ${q(e.tbl)} SET ${cols.map((c) => `${q(c.name)} = ?`).join(', ')} WHERE ${where}`).run(...vals, ...pk);
      }
    }
    this.spatial(e);
    // The entry joins this database's own log, so a promoted standby or a restored centre continues the chain.
    this.stmt('log', () => 'INSERT INTO changelog (seq, tx, at, tbl, op, pk, row, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      e.seq,
      e.tx,
      e.at,
      e.tbl,
      e.op,
      e.pk,
      e.row,
      e.hash,
    );
  }

  /** Keeps the R*Tree of components and grid cells in step with their rows. */
  private spatial(e: ChangeEntry): void {
    if (e.tbl !== 'components' && e.tbl !== 'grid_cells') return;
    const id = (JSON.parse(e.pk) as number[])[0];
    const rtree = `${e.tbl}_rtree`;
    this.stmt(`RD:${rtree}`, () => `DELETE FROM ${rtree} WHERE id = ?`).run(id);
    if (e.op === 'D') return;
    const row = JSON.parse(e.row!) as Record<string, number | string | null>;
    let box: [number, number, number, number];
    if (e.tbl === 'grid_cells') box = [row.min_lon as number, row.max_lon as number, row.min_lat as number, row.max_lat as number];
    else {
      const xs: number[] = [row.lon as number];
      const ys: number[] = [row.lat as number];
      if (typeof row.geometry === 'string') {
        const walk = (c: unknown): void => {
          if (Array.isArray(c) && typeof c[0] === 'number') {
            xs.push(c[0] as number);
            ys.push(c[1] as number);
          } else if (Array.isArray(c)) c.forEach(walk);
        };
        walk((JSON.parse(row.geometry) as { coordinates: unknown }).coordinates);
      }
      box = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    }
    this.stmt(`RI:${rtree}`, () => `INSERT INTO ${rtree} (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`).run(id, ...box);
  }
}
