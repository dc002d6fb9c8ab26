// End-to-end check of a replica: every snapshot against its checksum, every segment against its checksum and the
// hash chain, and the segments against each other (no gap, no overlap, each continuing the previous one's chain).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReplicaClient } from './client.ts';
import { decodeSegment, ReplicaError, snapshotName } from './store.ts';

import type { VerifyReport } from '../../../shared/model.ts';

export type { VerifyReport };
type VerifyProblem = VerifyReport['problems'][number];

export async function verifyReplica(client: ReplicaClient): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const status = await client.status();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cityops-verify-'));
  try {
    for (const s of status.snapshots) {
      const file = path.join(tmp, 'snap.db');
      try {
        const got = await client.fetchSnapshot(s.seq, file);
        if (got.bytes !== s.bytes || got.sha256 !== s.sha256) {
          problems.push({ file: `snapshots/${snapshotName(s.seq)}`, seq: s.seq, problem: 'snapshot checksum mismatch (the file was changed or damaged)' });
        }
      } catch (e) {
        problems.push({ file: `snapshots/${snapshotName(s.seq)}`, seq: s.seq, problem: (e as Error).message });
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const segs = await client.listSegments();
  let prev: { to: number; hash: string; name: string } | null = null;
  for (const s of segs) {
    try {
      const { from, prevHash, entries } = decodeSegment(s.name, await client.fetchSegment(s.name));
      if (from !== s.from || entries.at(-1)?.seq !== s.to) throw new ReplicaError(422, `segment ${s.name}: its name does not match its entries`, from);
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
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return {
    ok: problems.length === 0,
    snapshots: status.snapshots.length,
    segments: segs.length,
    firstSeq: status.snapshots[0]?.seq ?? segs[0]?.from ?? null,
    lastSeq: status.lastSeq,
    problems,
  };
}
