// `cityops restore`: builds a database from a replica — the newest good snapshot at or before the target, then the
// change segments up to the target sequence or time — checking every checksum and the hash chain on the way, then
// PRAGMA integrity_check. Refuses to overwrite a file; never leaves a partial result under the target name. Given
// the centre's public key, only snapshots and segments it signed are used.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ReplicaClient } from './client.ts';
import { checkChain, EntryApplier, type ChangeEntry } from './changelog.ts';
import { decodeSegment, ReplicaError, type SnapshotMeta } from './store.ts';
import { fingerprint, headProblem, snapshotProblem } from './signing.ts';
import type { KeyObject } from 'node:crypto';

export interface RestoreOptions {
  client: ReplicaClient;
  to: string;
  /** Restore up to and including this sequence. */
  seq?: number;
  /** Restore the state as of this instant (every transaction that began at or before it). */
  at?: number;
  dryRun?: boolean;
  /** The centre's public key: refuse what it did not sign. */
  publicKey?: KeyObject;
  onProgress?: (msg: string) => void;
}

export interface RestoreReport {
  file: string | null;
  dryRun: boolean;
  seq: number;
  hash: string;
  /** Start time of the last transaction restored (epoch ms), or the snapshot's time. */
  at: number;
  snapshotSeq: number;
  skippedSnapshots: { seq: number; problem: string }[];
  applied: number;
  counts: Record<string, number>;
  integrity: string;
  /** The key fingerprint everything used was checked against, or null. */
  signedBy: string | null;
  ms: number;
}

export async function restore(o: RestoreOptions): Promise<RestoreReport> {
  const t0 = performance.now();
  const to = path.resolve(o.to);
  if (!o.dryRun && existsSync(to)) throw new ReplicaError(409, `${to} already exists; restore never overwrites a file`);
  if (o.seq != null && o.at != null) throw new ReplicaError(400, 'give --seq or --at, not both');
  const status = await o.client.status();
  const snaps = [...status.snapshots].sort((a, b) => b.seq - a.seq);
  if (snaps.length === 0) throw new ReplicaError(404, `replica ${o.client.where} has no snapshot to restore from`);
  if (o.seq != null && o.seq > status.lastSeq) throw new ReplicaError(400, `the replica holds changes up to ${status.lastSeq}; ${o.seq} is beyond them`);
  const first = snaps.at(-1)!;
  if (o.at != null && o.at < first.at) {
    throw new ReplicaError(400, `${new Date(o.at).toISOString()} is before the first snapshot (${new Date(first.at).toISOString()}, sequence ${first.seq})`);
  }
  const target = o.seq ?? status.lastSeq;
  const usable = snaps.filter((s) => (o.at != null ? s.at <= o.at : s.seq <= target));
  if (usable.length === 0) throw new ReplicaError(400, `no snapshot at or before sequence ${target}`);

  const tmp = `${to}.restoring-${process.pid}`;
  const skipped: { seq: number; problem: string }[] = [];
  const cleanup = () => {
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(tmp + s, { force: true });
  };
  cleanup();
  let snap: SnapshotMeta | null = null;
  for (const s of usable) {
    const unsigned = o.publicKey && snapshotProblem(o.publicKey, s);
    if (unsigned) {
      skipped.push({ seq: s.seq, problem: `snapshot metadata not from the centre's key: ${unsigned}` });
      o.onProgress?.(`snapshot ${s.seq} is not signed by the centre's key; trying an older one`);
      continue;
    }
    const got = await o.client.fetchSnapshot(s.seq, tmp);
    if (got.bytes === s.bytes && got.sha256 === s.sha256) {
      snap = s;
      break;
    }
    skipped.push({ seq: s.seq, problem: 'snapshot checksum mismatch' });
    o.onProgress?.(`snapshot ${s.seq} is damaged; trying an older one`);
    cleanup();
  }
  if (!snap) {
    cleanup();
    throw new ReplicaError(422, `every snapshot at or before the target is damaged or unsigned (${skipped.map((s) => `${s.seq}: ${s.problem}`).join('; ')})`);
  }
  o.onProgress?.(`snapshot ${snap.seq} checked; applying changes`);

  const db = new Database(tmp);
  let seq = snap.seq;
  let hash = snap.hash;
  let at = snap.at;
  let applied = 0;
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF'); // the file is not visible under its name until it is complete and synced
    db.pragma('foreign_keys = OFF'); // rows arrive in commit order; the snapshot already held consistent data
    const applier = new EntryApplier(db);
    const segs = (await o.client.listSegments()).filter((s) => s.to > snap!.seq && s.from <= target);
    let done = false;
    for (const s of segs) {
      if (done) break;
      let decoded: ReturnType<typeof decodeSegment>;
      try {
        decoded = decodeSegment(s.name, await o.client.fetchSegment(s.name));
        const unsigned = o.publicKey && headProblem(o.publicKey, decoded.sig, decoded.entries.at(-1)!.seq, decoded.entries.at(-1)!.hash);
        if (unsigned) throw new ReplicaError(422, `not from the centre's key: ${unsigned}`, s.from);
      } catch (e) {
        throw new ReplicaError(
          422,
          `restore stopped at segments/${s.name}: ${(e as Error).message}; the last good sequence is ${seq} (restore --seq ${seq} gives that state)`,
          (e as ReplicaError).seq ?? s.from,
        );
      }
      let todo = decoded.entries.filter((e) => e.seq > seq && e.seq <= target);
      if (o.at != null) {
        const cut = todo.findIndex((e) => e.at > o.at!);
        if (cut >= 0) {
          todo = todo.slice(0, cut);
          done = true;
        }
      }
      if (!todo.length) continue;
      const bad = checkChain(seq, hash, todo);
      if (bad) throw new ReplicaError(422, `restore stopped at segments/${s.name}: ${bad.problem}; the last good sequence is ${seq}`, bad.seq);
      db.transaction((batch: ChangeEntry[]) => {
        for (const e of batch) applier.apply(e);
      })(todo);
      const last = todo.at(-1)!;
      seq = last.seq;
      hash = last.hash;
      at = last.at;
      applied += todo.length;
      if (seq >= target) done = true;
    }
    if (o.seq != null && seq < o.seq) throw new ReplicaError(422, `the replica's segments end at ${seq}, before the requested ${o.seq}`, seq + 1);
    if (o.seq == null && o.at == null && seq < status.lastSeq)
      throw new ReplicaError(422, `the replica's segments end at ${seq} but it reports ${status.lastSeq}`, seq + 1);
    // A restored centre starts without sessions and without the old shipper's state.
    db.exec('DELETE FROM sessions; DELETE FROM replication_state;');
    // Reading the file through a memory map roughly halves the time of the full check on a large centre.
    db.pragma('mmap_size = 17179869184');
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
    db.pragma('mmap_size = 0');
    if (integrity !== 'ok') throw new ReplicaError(422, `integrity_check of the restored database failed: ${integrity}`);
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const counts = {
      cases: count('cases'),
      case_history: count('case_history'),
      components: count('components'),
      grid_cells: count('grid_cells'),
      users: count('users'),
    };
    db.pragma('journal_mode = WAL');
    db.close();
    if (o.dryRun) cleanup();
    else {
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      if (existsSync(to)) throw new ReplicaError(409, `${to} appeared while restoring; not overwritten`);
      renameSync(tmp, to);
      for (const s of ['-wal', '-shm']) rmSync(tmp + s, { force: true });
    }
    return {
      file: o.dryRun ? null : to,
      dryRun: !!o.dryRun,
      seq,
      hash,
      at,
      snapshotSeq: snap.seq,
      skippedSnapshots: skipped,
      applied,
      counts,
      integrity,
      signedBy: o.publicKey ? fingerprint(o.publicKey) : null,
      ms: performance.now() - t0,
    };
  } catch (e) {
    if (db.open) db.close();
    cleanup();
    throw e;
  }
}
