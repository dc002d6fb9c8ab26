// The replica's store: a folder of checksummed snapshots and change segments plus a warm standby database.
// Used by `cityops replica` (over HTTP) and directly as the folder backend (an off-site share mounted on the centre).
//
//   DIR/REPLICA.json                     marks the folder as a CityOps replica (anything else is refused)
//   DIR/snapshots/<seq>.db + <seq>.json  SQLite online backups of the centre; the .json holds seq, hash, sha256
//   DIR/segments/<from>-<to>.seg         JSON lines: a header {from, prevHash, sig}, the entries, a trailer {sha256}
//   DIR/standby.db                       the latest snapshot with every later segment applied (standby.ts)
//
// A batch is stored only if it continues the chain exactly (no gap, no reordering, every hash right) and the warm
// standby applies it; a batch that was stored before is acknowledged again without being stored twice. Every name and
// number from the network or the folder is validated first (names.ts); paths are built from validated numbers only.
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { checkChain, type ChangeEntry } from './changelog.ts';
import { decodeSegment, encodeSegment, syncDir, writeDurably } from './files.ts';
import {
  inside,
  parseBatch,
  parseSegmentName,
  parseSnapshotMeta,
  parseSnapshotMetaName,
  ReplicaError,
  segmentName,
  seqFrom,
  snapshotMetaName,
  snapshotName,
  type SnapshotMeta,
} from './names.ts';
import { Standby } from './standby.ts';
import { receiveInto } from './upload.ts';
import type { StandbySummary } from '../../../shared/model.ts';

export { ReplicaError, snapshotName, type SnapshotMeta } from './names.ts';
export { decodeSegment, encodeSegment, fileSha256 } from './files.ts';
export const REPLICA_FORMAT = 'cityops-replica';

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
  /** Files in the folder the store does not trust (tampered or damaged metadata); verify reports them. */
  unreadable?: { file: string; problem: string }[];
}

/** Options of a store. */
export interface StoreOptions {
  /** Refuse writes that would grow the store beyond this many bytes (a full disk, for tests and quotas). */
  maxBytes?: number;
  /** Initialise an empty folder as a replica. */
  create?: boolean;
  /** A reader (verify, restore): removes nothing, never touches the standby. */
  readOnly?: boolean;
}

export class ReplicaStore {
  readonly dir: string;
  private lastSeq = 0;
  private lastHash = '';
  private lastAt: number | null = null;
  private readonly standby: Standby;

  /** Opens (or, with create, initialises) a replica folder; refuses a folder that is not a replica. */
  constructor(
    dir: string,
    private readonly opts: StoreOptions = {},
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
      let format: unknown;
      try {
        format = (JSON.parse(readFileSync(marker, 'utf8')) as { format?: unknown } | null)?.format;
      } catch {
        format = 'something unreadable';
      }
      if (format !== REPLICA_FORMAT) throw new ReplicaError(400, `${this.dir} is not a CityOps replica (REPLICA.json says ${String(format)})`);
    }
    this.standby = new Standby(path.join(this.dir, 'standby.db'), !!opts.readOnly);
    this.recover();
  }

  private segDir = () => path.join(this.dir, 'segments');
  private snapDir = () => path.join(this.dir, 'snapshots');

  /** Segments in sequence order (files whose names are not exactly the store's own are not segments). */
  segments(): SegmentInfo[] {
    const out: SegmentInfo[] = [];
    for (const name of readdirSync(this.segDir())) {
      const r = parseSegmentName(name);
      if (r) out.push({ name, ...r, bytes: statSync(inside(this.segDir(), name)).size });
    }
    return out.sort((a, b) => a.from - b.from);
  }

  /** Snapshot metadata that reads back as valid and names its own file; the rest is set aside for verify. */
  private readSnapshots(): { snapshots: SnapshotMeta[]; unreadable: { file: string; problem: string }[] } {
    const snapshots: SnapshotMeta[] = [];
    const unreadable: { file: string; problem: string }[] = [];
    for (const name of readdirSync(this.snapDir())) {
      const seq = parseSnapshotMetaName(name);
      if (seq == null) continue;
      try {
        const m = parseSnapshotMeta(JSON.parse(readFileSync(inside(this.snapDir(), name), 'utf8')), 422);
        if (m.seq !== seq) throw new Error(`it describes snapshot ${m.seq}`);
        snapshots.push(m);
      } catch (e) {
        unreadable.push({ file: `snapshots/${name}`, problem: `snapshot metadata not trusted: ${(e as Error).message}` });
      }
    }
    return { snapshots: snapshots.sort((a, b) => a.seq - b.seq), unreadable };
  }

  snapshots(): SnapshotMeta[] {
    return this.readSnapshots().snapshots;
  }

  segmentPath(name: string): string {
    if (!parseSegmentName(name)) throw new ReplicaError(400, `not a segment name: ${JSON.stringify(name).slice(0, 80)}`);
    return inside(this.segDir(), name);
  }
  snapshotPath(seq: number): string {
    return inside(this.snapDir(), snapshotName(seqFrom(seq, 'snapshot sequence')));
  }

  /** Rebuilds the in-memory head from the files (after a restart or a crash: temporary files are dropped, and the
   * standby is brought up to the log). */
  private recover(): void {
    if (!this.opts.readOnly) {
      for (const d of [this.segDir(), this.snapDir(), this.dir]) {
        for (const n of readdirSync(d)) if (/\.tmp(-journal|-wal|-shm)?$/.test(n)) rmSync(path.join(d, n), { force: true });
      }
    }
    const segs = this.segments();
    const lastSnap = this.snapshots().at(-1);
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
    if (this.opts.readOnly) return;
    try {
      const problem = this.syncStandby();
      if (problem) console.error(`cityops replica: the warm standby cannot follow the log: ${problem}`);
    } catch (e) {
      console.error(`cityops replica: the warm standby cannot follow the log: ${(e as Error).message}`);
    }
  }

  bytes(): number {
    let n = 0;
    for (const d of [this.segDir(), this.snapDir()]) for (const f of readdirSync(d)) n += statSync(path.join(d, f)).size;
    return n + this.standby.size();
  }

  /** Bytes left under the quota (Infinity without one). */
  roomLeft(): number {
    return this.opts.maxBytes == null ? Infinity : Math.max(0, this.opts.maxBytes - this.bytes());
  }

  private room(extra: number): void {
    if (this.opts.maxBytes != null && this.bytes() + extra > this.opts.maxBytes) {
      throw new ReplicaError(507, `replica store is full (${this.bytes()} + ${extra} bytes > ${this.opts.maxBytes})`);
    }
  }

  status(): ReplicaStatus {
    const { snapshots, unreadable } = this.readSnapshots();
    return {
      lastSeq: this.lastSeq,
      lastHash: this.lastHash,
      lastAt: this.lastAt,
      standbySeq: this.standby.seq(),
      snapshots,
      segments: this.segments().length,
      bytes: this.bytes(),
      ...(unreadable.length ? { unreadable } : {}),
    };
  }

  /** Stores a batch that continues the chain and that the standby applies; acknowledges a re-sent one; refuses gaps,
   * reordering, bad hashes and entries the standby cannot apply, storing nothing of them. */
  append(raw: unknown): { ackSeq: number } {
    const { entries, sig } = parseBatch(raw);
    if (this.opts.readOnly) throw new ReplicaError(500, `${this.dir} was opened read-only`);
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
    const data = encodeSegment(this.lastHash, fresh, sig);
    this.room(data.length);
    this.readyStandby(fresh);
    const file = inside(this.segDir(), segmentName(fresh[0].seq, fresh.at(-1)!.seq));
    let written = false;
    try {
      // The segment is written inside the standby's transaction: both are stored, or neither.
      this.standby.apply(fresh, () => {
        // Files beyond the head are damaged leftovers (see recover): the changes now arriving replace them.
        for (const old of this.segments()) if (old.from > this.lastSeq) rmSync(this.segmentPath(old.name), { force: true });
        writeDurably(file, data);
        written = true;
      });
    } catch (e) {
      if (written) rmSync(file, { force: true }); // the standby's commit failed after the segment was written
      if (e instanceof ReplicaError && e.status === 422) throw new ReplicaError(422, `batch refused: ${e.message}; nothing of it was stored`, e.seq);
      throw e;
    }
    const e = fresh.at(-1)!;
    this.lastSeq = e.seq;
    this.lastHash = e.hash;
    this.lastAt = e.at;
    return { ackSeq: this.lastSeq };
  }

  /** Before a batch is applied: the standby must stand at the log's head and hold the same history. */
  private readyStandby(fresh: ChangeEntry[]): void {
    const at = this.standby.seq();
    // Ahead of the head (its newest segment was damaged and is arriving again): fine while it holds the same entries.
    const diverged = at > this.lastSeq && fresh.some((e) => e.seq <= at && this.standby.hashAt(e.seq) !== e.hash);
    if (at === this.lastSeq && !diverged) return;
    const problem = this.syncStandby(diverged);
    if (problem) {
      throw new ReplicaError(
        409,
        `batch refused: the warm standby is at sequence ${this.standby.seq()} and cannot follow the log at ${this.lastSeq} (${problem}); a new snapshot starts it again`,
        this.lastSeq + 1,
      );
    }
  }

  /**
   * Brings the standby to the log's head: restarted from the newest snapshot when it is missing, older than that
   * snapshot, holds another history, or `restart` says so; then the stored segments after it are applied. Returns
   * why it cannot (a damaged segment, an entry it cannot apply), or null.
   */
  private syncStandby(restart = false): string | null {
    const snap = this.snapshots().at(-1);
    if (!snap) return null;
    let at = this.standby.exists() ? this.standby.seq() : -1;
    if (at > this.lastSeq && this.standby.hashAt(this.lastSeq) !== this.lastHash) restart = true;
    if (restart || at < snap.seq) {
      this.standby.reset(this.snapshotPath(snap.seq), snap.seq);
      at = snap.seq;
    }
    let hash = this.standby.hashAt(at) ?? (at === snap.seq ? snap.hash : null);
    for (const s of this.segments()) {
      if (at >= this.lastSeq) break;
      if (s.to <= at || s.from > this.lastSeq) continue;
      let entries: ChangeEntry[];
      try {
        entries = decodeSegment(s.name, readFileSync(this.segmentPath(s.name))).entries.filter((e) => e.seq > at && e.seq <= this.lastSeq);
      } catch (e) {
        return (e as Error).message;
      }
      const bad = hash == null ? null : checkChain(at, hash, entries);
      // Another history than the standby's: start it again from the snapshot, once.
      if (bad) return restart || at === snap.seq ? `segments/${s.name}: ${bad.problem}` : this.syncStandby(true);
      try {
        this.standby.apply(entries);
      } catch (e) {
        return `segments/${s.name}: ${(e as Error).message}`;
      }
      at = entries.at(-1)!.seq;
      hash = entries.at(-1)!.hash;
    }
    return at >= this.lastSeq ? null : `the stored segments end at ${at}, before ${this.lastSeq}`;
  }

  /** The most bytes a snapshot may have: the room left — or, when the standby will restart from it and so copy it
   * (replacing the old standby), half of that room plus the old standby's size. */
  private snapshotBudget(meta: SnapshotMeta): number {
    if (this.opts.maxBytes == null) return Number.MAX_SAFE_INTEGER;
    const free = this.opts.maxBytes - this.bytes();
    return this.standby.seq() <= meta.seq ? Math.floor((free + this.standby.size()) / 2) : free;
  }

  /** Stores a snapshot from a file (the folder backend). */
  async putSnapshot(meta: SnapshotMeta, file: string): Promise<void> {
    const from = createReadStream(file);
    try {
      await this.receiveSnapshot(meta, from);
    } finally {
      from.destroy();
    }
  }

  /**
   * Receives a snapshot as a stream: into a partial file inside snapshots/, counted and hashed as it arrives, refused
   * (413, the partial file removed) as soon as it outgrows its declared size or the quota; checked against its
   * metadata, given to the standby when it is at least as new, and only then renamed into place.
   */
  async receiveSnapshot(raw: unknown, body: Readable): Promise<void> {
    const meta = parseSnapshotMeta(raw);
    if (this.opts.readOnly) throw new ReplicaError(500, `${this.dir} was opened read-only`);
    const budget = this.snapshotBudget(meta);
    const full = (n: number) =>
      new ReplicaError(
        413,
        `replica store is full: snapshot ${meta.seq} (${n} bytes) does not fit in the ${budget} bytes left under its quota of ${this.opts.maxBytes}`,
      );
    if (meta.bytes > budget) throw full(meta.bytes);
    const dest = this.snapshotPath(meta.seq);
    const part = inside(this.snapDir(), `${snapshotName(meta.seq)}.${randomBytes(6).toString('hex')}.upload.tmp`);
    const got = await receiveInto(body, part, (n) =>
      n > meta.bytes ? new ReplicaError(413, `snapshot ${meta.seq} is larger than the ${meta.bytes} bytes its metadata declares`) : n > budget ? full(n) : null,
    );
    const reset = this.standby.seq() <= meta.seq;
    try {
      if (got.sha256 !== meta.sha256 || got.bytes !== meta.bytes) throw new ReplicaError(422, 'snapshot checksum or size does not match its metadata');
      // Batches may have arrived while it streamed (the partial file already counts).
      if (this.opts.maxBytes != null && this.bytes() + (reset ? got.bytes - this.standby.size() : 0) > this.opts.maxBytes) throw full(got.bytes);
      // The standby restarts from it before it is stored: a snapshot the standby cannot start from is refused.
      if (reset) this.standby.reset(part, meta.seq);
      renameSync(part, dest);
      syncDir(this.snapDir());
      writeDurably(inside(this.snapDir(), snapshotMetaName(meta.seq)), JSON.stringify(meta));
    } finally {
      rmSync(part, { force: true });
    }
    if (meta.seq >= this.lastSeq) {
      this.lastSeq = meta.seq;
      this.lastHash = meta.hash;
      this.lastAt = meta.at;
    }
    // Segments stored beyond the snapshot (sent while it was being taken) are applied at once.
    const problem = reset ? this.syncStandby() : null;
    if (problem) console.error(`cityops replica: the warm standby cannot follow the log: ${problem}`);
  }

  /** A read-only summary of the warm standby (DR console). */
  standbySummary(): StandbySummary | null {
    return this.standby.summary();
  }

  close(): void {
    this.standby.close();
  }
}
