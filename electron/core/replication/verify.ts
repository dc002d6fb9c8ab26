// End-to-end check of a replica: every snapshot against its checksum, every segment against its checksum and the
// hash chain, the segments against each other (no gap, no overlap, each continuing the previous one's chain), and
// the warm standby against the log (it must stand at the log's last sequence, or a take-over would lose changes).
// Given the centre's public key, every snapshot's metadata and every segment's head must carry its signature: a
// consistent history written by anyone else who can write to the replica is then found out.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReplicaClient } from './client.ts';
import { decodeSegment, ReplicaError, snapshotName } from './store.ts';
import { fingerprint, headProblem, snapshotProblem } from './signing.ts';
import type { KeyObject } from 'node:crypto';

import type { VerifyReport } from '../../../shared/model.ts';

export type { VerifyReport };
type VerifyProblem = VerifyReport['problems'][number];

/** A snapshot's file name for a message (the sequence came from the replica, so it may not be a valid one). */
const snapshotFile = (seq: number) => {
  try {
    return `snapshots/${snapshotName(seq)}`;
  } catch {
    return `snapshots/${JSON.stringify(seq)}`;
  }
};

export async function verifyReplica(client: ReplicaClient, opts: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const pub = opts.publicKey;
  // Segments first, then the status: the standby only moves forward, so on a live replica it can only be found
  // ahead of this listing, never falsely behind it.
  const segs = await client.listSegments();
  const status = await client.status();
  for (const u of status.unreadable ?? []) problems.push({ file: u.file, seq: null, problem: u.problem });
  if (pub) {
    for (const s of status.snapshots) {
      const bad = snapshotProblem(pub, s);
      if (bad) problems.push({ file: snapshotFile(s.seq), seq: s.seq, problem: `snapshot metadata not from the centre's key: ${bad}` });
    }
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cityops-verify-'));
  try {
    for (const s of status.snapshots) {
      const file = path.join(tmp, 'snap.db');
      try {
        const got = await client.fetchSnapshot(s.seq, file);
        if (got.bytes !== s.bytes || got.sha256 !== s.sha256) {
          problems.push({ file: snapshotFile(s.seq), seq: s.seq, problem: 'snapshot checksum mismatch (the file was changed or damaged)' });
        }
      } catch (e) {
        problems.push({ file: snapshotFile(s.seq), seq: s.seq, problem: (e as Error).message });
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  let prev: { to: number; hash: string; name: string } | null = null;
  let logEnd = status.lastSeq;
  for (const s of segs) {
    try {
      const { from, prevHash, entries, sig } = decodeSegment(s.name, await client.fetchSegment(s.name));
      if (from !== s.from || entries.at(-1)?.seq !== s.to) throw new ReplicaError(422, `segment ${s.name}: its name does not match its entries`, from);
      const unsigned = pub && headProblem(pub, sig, s.to, entries.at(-1)!.hash);
      if (unsigned) throw new ReplicaError(422, `segment ${s.name} is not from the centre's key: ${unsigned}`, from);
      logEnd = Math.max(logEnd, s.to);
      if (prev) {
        if (from !== prev.to + 1)
          throw new ReplicaError(
            422,
            `segment ${s.name}: ${from > prev.to + 1 ? `gap after ${prev.name}: ${prev.to + 1}…${from - 1} missing` : `overlaps ${prev.name}`}`,
            prev.to + 1,
          );
        if (prevHash !== prev.hash) throw new ReplicaError(422, `segment ${s.name} does not continue the chain of ${prev.name}`, from);
      }
      prev = { to: s.to, hash: entries.at(-1)!.hash, name: s.name };
    } catch (e) {
      problems.push({ file: `segments/${s.name}`, seq: e instanceof ReplicaError ? (e.seq ?? s.from) : s.from, problem: (e as Error).message });
      prev = null; // the next segment cannot be chained to a bad one; report it on its own
    }
  }
  // The first segment must continue a snapshot (the replica is useless for restore otherwise).
  if (segs.length && status.snapshots.length && !status.snapshots.some((s) => s.seq >= segs[0].from - 1)) {
    problems.push({ file: `segments/${segs[0].name}`, seq: segs[0].from, problem: 'no snapshot before the first segment' });
  }
  // The standby must hold exactly the log: behind, a take-over loses changes; ahead, it holds changes the log lost.
  if (status.snapshots.length && status.standbySeq !== logEnd) {
    problems.push({
      file: 'standby.db',
      seq: Math.min(status.standbySeq, logEnd) + 1,
      problem: `the warm standby is at sequence ${status.standbySeq} but the log ends at ${logEnd}${status.standbySeq < logEnd ? ': it fell behind' : ''}`,
    });
  }
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return {
    ok: problems.length === 0,
    snapshots: status.snapshots.length,
    segments: segs.length,
    firstSeq: status.snapshots[0]?.seq ?? segs[0]?.from ?? null,
    lastSeq: status.lastSeq,
    problems,
    signedBy: pub ? fingerprint(pub) : null,
  };
}
