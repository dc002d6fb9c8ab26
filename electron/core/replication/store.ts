// The replica's store: a folder of checksummed snapshots and change segments plus a warm standby database.
// Used by `cityops replica` (over HTTP) and directly as the folder backend (an off-site share mounted on the centre).
//
//   DIR/REPLICA.json                     marks the folder as a CityOps replica (anything else is refused)
//   DIR/snapshots/<seq>.db + <seq>.json  SQLite online backups of the centre; the .json holds seq, hash, sha256
//   DIR/segments/<from>-<to>.seg         JSON lines: a header {from, prevHash}, the entries, a trailer {sha256}
//   DIR/standby.db                       the latest snapshot with every later segment applied
//
// A batch is stored only if it continues the chain exactly (no gap, no reordering, every hash right); a batch that
// was stored before is acknowledged again without being stored twice.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkChain, EntryApplier, type ChangeEntry } from './changelog.ts';
import type { StandbySummary } from '../../../shared/model.ts';

export const REPLICA_FORMAT = 'cityops-replica';

/** What a snapshot file holds. */
export interface SnapshotMeta {
  /** Last change-log sequence included. */
  seq: number;
  /** Chain hash of that entry ('' when the log was empty). */
  hash: string;
  /** Start time of the last transaction included (epoch ms; the snapshot time when none). */
  at: number;
  sha256: string;
  bytes: number;
  createdAt: number;
  schemaVersion: number;
}

/** A stored segment. */
export interface SegmentInfo {
  name: string;
  from: number;
  to: number;
  bytes: number;
}

/** Replica state as reported to the centre and the DR console. */
export interface ReplicaStatus {
  lastSeq: number;
  lastHash: string;
  lastAt: number | null;
  standbySeq: number;
  snapshots: SnapshotMeta[];
  segments: number;
  bytes: number;
}

/** An error with the HTTP status the replica server answers with. */
export class ReplicaError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly seq?: number,
  ) {
    super(message);
  }
}

const pad = (n: number) => String(n).padStart(12, '0');
/** File name of the snapshot that ends at `seq`. */
export const snapshotName = (seq: number) => `${pad(seq)}.db`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Writes a file durably: temporary name, fsync, rename, fsync of the folder. */
function writeDurably(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
  syncDir(path.dirname(file));
}
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 and size of a file, read in 8 MB chunks (snapshots can be gigabytes). */
export function fileSha256(file: string): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  const buf = Buffer.alloc(8 << 20);
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, buf)) > 0; bytes += n) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Encodes a segment file. */
export function encodeSegment(prevHash: string, entries: ChangeEntry[]): Buffer {
  const body = [JSON.stringify({ from: entries[0].seq, prevHash }), ...entries.map((e) => JSON.stringify(e))].join('\n') + '\n';
  return Buffer.from(`${body}${JSON.stringify({ sha256: sha256(body) })}\n`);
}

/** Decodes and checks a segment file (checksum, then chain from its own header); throws naming the problem. */
export function decodeSegment(name: string, data: Buffer): { from: number; prevHash: string; entries: ChangeEntry[] } {
  const text = data.toString('utf8');
  const cut = text.lastIndexOf('\n', text.length - 2);
  const body = text.slice(0, cut + 1);
  let trailer: { sha256?: string };
  try {
    trailer = JSON.parse(text.slice(cut + 1));
  } catch {
    throw new ReplicaError(422, `segment ${name} is truncated or its trailer is damaged`);
  }
  if (trailer.sha256 !== sha256(body)) throw new ReplicaError(422, `segment ${name}: checksum mismatch (the file was changed or damaged)`);
  const lines = body
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const head = lines[0] as { from: number; prevHash: string };
  const entries = lines.slice(1) as ChangeEntry[];
  const bad = checkChain(head.from - 1, head.prevHash, entries);
  if (bad) throw new ReplicaError(422, `segment ${name}: ${bad.problem}`, bad.seq);
  return { from: head.from, prevHash: head.prevHash, entries };
}

/** Options of a store. */
export interface StoreOptions {
  /** Refuse writes that would grow the store beyond this many bytes (a full disk, for tests and quotas). */
  maxBytes?: number;
}

export class ReplicaStore {
  readonly dir: string;
  private lastSeq = 0;
  private lastHash = '';
  private lastAt: number | null = null;
  private standby: Database.Database | null = null;
  private applier: EntryApplier | null = null;

  /** Opens (or, with create, initialises) a replica folder; refuses a folder that is not a replica. */
  constructor(
    dir: string,
    private readonly opts: StoreOptions & { create?: boolean } = {},
  ) {
    this.dir = path.resolve(dir);
    const marker = path.join(this.dir, 'REPLICA.json');
    if (!existsSync(marker)) {
      const empty = !existsSync(this.dir) || readdirSync(this.dir).length === 0;
      if (!opts.create || !empty) {
        throw new ReplicaError(400, `${this.dir} is not a CityOps replica${opts.create ? ' and not empty' : ''} (no REPLICA.json)`);
      }
      mkdirSync(path.join(this.dir, 'segments'), { recursive: true });
      mkdirSync(path.join(this.dir, 'snapshots'), { recursive: true });
      writeDurably(marker, JSON.stringify({ format: REPLICA_FORMAT, version: 1, created: new Date().toISOString() }));
    } else {
      const m = JSON.parse(readFileSync(marker, 'utf8'));
      if (m.format !== REPLICA_FORMAT) throw new ReplicaError(400, `${this.dir} is not a CityOps replica (REPLICA.json says ${m.format})`);
    }
    this.recover();
  }

  private segDir = () => path.join(this.dir, 'segments');
  private snapDir = () => path.join(this.dir, 'snapshots');

  /** Segments in sequence order. */
  segments(): SegmentInfo[] {
    return readdirSync(this.segDir())
      .map((n) => /^(\d{12})-(\d{12})\.seg$/.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ name: m[0], from: Number(m[1]), to: Number(m[2]), bytes: statSync(path.join(this.segDir(), m[0])).size }))
      .sort((a, b) => a.from - b.from);
  }

  snapshots(): SnapshotMeta[] {
    return readdirSync(this.snapDir())
      .filter((n) => /^\d{12}\.json$/.test(n))
      .map((n) => JSON.parse(readFileSync(path.join(this.snapDir(), n), 'utf8')) as SnapshotMeta)
      .sort((a, b) => a.seq - b.seq);
  }

  segmentPath(name: string): string {
    if (!/^\d{12}-\d{12}\.seg$/.test(name)) throw new ReplicaError(400, `not a segment name: ${name}`);
    return path.join(this.segDir(), name);
  }
  snapshotPath(seq: number): string {
    return path.join(this.snapDir(), snapshotName(seq));
  }

  /** Rebuilds the in-memory head from the files (after a restart or a crash: temporary files are dropped). */
  private recover(): void {
    for (const d of [this.segDir(), this.snapDir()]) for (const n of readdirSync(d)) if (n.endsWith('.tmp')) rmSync(path.join(d, n));
    const segs = this.segments();
    const snaps = this.snapshots();
    const lastSnap = snaps.at(-1);
    // The head is the newest segment that decodes. A damaged newest one stays on disk (verify names it) until the
    // centre sends those changes again, which replaces it.
    for (let i = segs.length - 1; i >= 0; i--) {
      try {
        const e = decodeSegment(segs[i].name, readFileSync(this.segmentPath(segs[i].name))).entries.at(-1)!;
        this.lastSeq = e.seq;
        this.lastHash = e.hash;
        this.lastAt = e.at;
        break;
      } catch (err) {
        console.error(`cityops replica: ${(err as Error).message}`);
      }
    }
    if (lastSnap && lastSnap.seq > this.lastSeq) {
      this.lastSeq = lastSnap.seq;
      this.lastHash = lastSnap.hash;
      this.lastAt = lastSnap.at;
    }
  }

  bytes(): number {
    let n = 0;
    for (const d of [this.segDir(), this.snapDir()]) for (const f of readdirSync(d)) n += statSync(path.join(d, f)).size;
    const sb = path.join(this.dir, 'standby.db');
    return existsSync(sb) ? n + statSync(sb).size : n;
  }

  private room(extra: number): void {
    if (this.opts.maxBytes != null && this.bytes() + extra > this.opts.maxBytes) {
      throw new ReplicaError(507, `replica store is full (${this.bytes()} + ${extra} bytes > ${this.opts.maxBytes})`);
    }
  }

  status(): ReplicaStatus {
    return {
      lastSeq: this.lastSeq,
      lastHash: this.lastHash,
      lastAt: this.lastAt,
      standbySeq: this.standbySeq(),
      snapshots: this.snapshots(),
      segments: this.segments().length,
      bytes: this.bytes(),
    };
  }

  /** Stores a batch that continues the chain; acknowledges a re-sent one; refuses gaps, reordering and bad hashes. */
  append(entries: ChangeEntry[]): { ackSeq: number } {
    if (!Array.isArray(entries) || entries.length === 0) throw new ReplicaError(400, 'a batch needs at least one entry');
    for (const e of entries) {
      if (!e || typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.tbl !== 'string' || !['I', 'U', 'D'].includes(e.op)) {
        throw new ReplicaError(400, 'malformed entry in batch');
      }
    }
    if (this.snapshots().length === 0) throw new ReplicaError(409, 'the replica has no snapshot yet: send one first');
    const first = entries[0].seq;
    const last = entries.at(-1)!.seq;
    if (last <= this.lastSeq) {
      // Re-sent: acknowledge if it is the same history we hold.
      if (last === this.lastSeq && entries.at(-1)!.hash !== this.lastHash) throw new ReplicaError(409, `entry ${last} differs from the stored one`, last);
      return { ackSeq: this.lastSeq };
    }
    let fresh = entries;
    if (first <= this.lastSeq) {
      const overlapEnd = entries.find((e) => e.seq === this.lastSeq);
      if (!overlapEnd || overlapEnd.hash !== this.lastHash) throw new ReplicaError(409, `entry ${this.lastSeq} differs from the stored one`, this.lastSeq);
      fresh = entries.filter((e) => e.seq > this.lastSeq);
    }
    if (fresh[0].seq !== this.lastSeq + 1) {
      throw new ReplicaError(409, `gap: the replica holds up to ${this.lastSeq}, the batch starts at ${fresh[0].seq}`, this.lastSeq + 1);
    }
    const bad = checkChain(this.lastSeq, this.lastHash, fresh);
    if (bad) throw new ReplicaError(409, `batch refused: ${bad.problem}`, bad.seq);
    const data = encodeSegment(this.lastHash, fresh);
    this.room(data.length);
    // Files beyond the head are damaged leftovers (see recover): the changes now arriving replace them.
    for (const old of this.segments()) if (old.from > this.lastSeq) rmSync(this.segmentPath(old.name));
    writeDurably(path.join(this.segDir(), `${pad(fresh[0].seq)}-${pad(fresh.at(-1)!.seq)}.seg`), data);
    const e = fresh.at(-1)!;
    this.lastSeq = e.seq;
    this.lastHash = e.hash;
    this.lastAt = e.at;
    this.applyToStandby(fresh);
    return { ackSeq: this.lastSeq };
  }

  /** Stores a snapshot (already written to `file`); checks its checksum first. */
  putSnapshot(meta: SnapshotMeta, file: string): void {
    const got = fileSha256(file);
    if (got.sha256 !== meta.sha256 || got.bytes !== meta.bytes) throw new ReplicaError(422, 'snapshot checksum or size does not match its metadata');
    this.room(got.bytes);
    const dest = this.snapshotPath(meta.seq);
    copyFileSync(file, `${dest}.tmp`);
    const fd = openSync(`${dest}.tmp`, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(`${dest}.tmp`, dest);
    syncDir(this.snapDir());
    writeDurably(path.join(this.snapDir(), `${pad(meta.seq)}.json`), JSON.stringify(meta));
    if (meta.seq >= this.lastSeq) {
      this.lastSeq = meta.seq;
      this.lastHash = meta.hash;
      this.lastAt = meta.at;
    }
    // The standby restarts from the newest snapshot when it is behind it.
    if (this.standbySeq() < meta.seq) this.resetStandby(meta);
  }

  // ---- warm standby ---------------------------------------------------------------------------------------------

  private standbyFile = () => path.join(this.dir, 'standby.db');

  private openStandby(): Database.Database | null {
    if (this.standby) return this.standby;
    if (!existsSync(this.standbyFile())) return null;
    this.standby = new Database(this.standbyFile());
    this.standby.pragma('journal_mode = WAL');
    this.standby.pragma('synchronous = NORMAL');
    this.applier = new EntryApplier(this.standby);
    return this.standby;
  }

  standbySeq(): number {
    const db = this.openStandby();
    if (!db) return 0;
    const r = db.prepare("SELECT value FROM replication_state WHERE key = 'standby_seq'").get() as { value: string } | undefined;
    return r ? Number(r.value) : 0;
  }

  private resetStandby(meta: SnapshotMeta): void {
    this.standby?.close();
    this.standby = null;
    this.applier = null;
    for (const s of ['', '-wal', '-shm']) rmSync(this.standbyFile() + s, { force: true });
    copyFileSync(this.snapshotPath(meta.seq), this.standbyFile());
    const db = this.openStandby()!;
    db.prepare("INSERT OR REPLACE INTO replication_state (key, value) VALUES ('standby_seq', ?)").run(String(meta.seq));
    // Segments stored beyond the snapshot (sent while it was being taken) are applied at once.
    const later: ChangeEntry[] = [];
    for (const s of this.segments()) {
      if (s.to <= meta.seq) continue;
      later.push(...decodeSegment(s.name, readFileSync(this.segmentPath(s.name))).entries.filter((e) => e.seq > meta.seq));
    }
    if (later.length) this.applyToStandby(later);
  }

  private applyToStandby(entries: ChangeEntry[]): void {
    const db = this.openStandby();
    if (!db || !this.applier) return;
    const from = this.standbySeq();
    const todo = entries.filter((e) => e.seq > from);
    if (!todo.length || todo[0].seq !== from + 1) return; // not contiguous with the standby: it catches up on the next snapshot
    db.transaction(() => {
      for (const e of todo) this.applier!.apply(e);
      db.prepare("INSERT OR REPLACE INTO replication_state (key, value) VALUES ('standby_seq', ?)").run(String(todo.at(-1)!.seq));
    })();
  }

  /** A read-only summary of the warm standby (DR console). */
  standbySummary(): StandbySummary | null {
    const db = this.openStandby();
    if (!db) return null;
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      seq: this.standbySeq(),
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
    this.standby?.close();
    this.standby = null;
  }
}
