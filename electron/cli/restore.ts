// cityops restore | verify: build a database from the replica (newest good snapshot at or before the target, plus
// the segments after it, chain and checksums verified), and check every snapshot and segment.
import { replicaClient, type ReplicaClient } from '../core/replication/client.ts';
import { restore as restoreFrom } from '../core/replication/restore.ts';
import { verifyReplica } from '../core/replication/verify.ts';
import { die, need, type Command, type Values } from './command.ts';
import { replicaToken, TOKEN_HELP, TOKEN_OPTIONS } from './replica.ts';
import { caFile, TLS_CA_HELP } from './tls.ts';
import { PUBLIC_KEY_HELP, PUBLIC_KEY_OPTION, publicKeyOption } from './signingKey.ts';

/** Opens the replica named by --from (URL or folder; a folder read-only, as another process may be writing it) with
 * the token of --token-file, --token or CITYOPS_REPLICA_TOKEN, and for https:// the CA of --tls-ca. */
function client(c: Command, v: Values): ReplicaClient {
  const from = need(c, v, 'from');
  const token = replicaToken(v);
  const ca = caFile(v, 'tls-ca');
  if (ca && !/^https:\/\//i.test(from)) die(`--tls-ca applies to an https:// replica, not ${from}`);
  try {
    return replicaClient(from, token, { readOnly: true, ca });
  } catch (e) {
    return die((e as Error).message, 1);
  }
}

export const restore: Command = {
  name: 'restore',
  summary: 'build a database from the replica; never overwrites',
  usage: `--from URL|DIR [--token-file FILE | --token TOKEN] [--tls-ca FILE] [--public-key FILE] --to FILE [--at ISO-8601 | --seq N] [--dry-run]

  prints the sequence, time and counts it restored; a URL needs the replica's token:
  ${TOKEN_HELP}
  ${TLS_CA_HELP}
  ${PUBLIC_KEY_HELP}`,
  options: {
    from: { type: 'string' },
    ...TOKEN_OPTIONS,
    'tls-ca': { type: 'string' },
    ...PUBLIC_KEY_OPTION,
    to: { type: 'string' },
    at: { type: 'string' },
    seq: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  async run(v) {
    const to = need(this, v, 'to');
    let at: number | undefined;
    if (v.at !== undefined) {
      at = Date.parse(v.at as string);
      if (!/^\d{4}-\d\d-\d\dT/.test(v.at as string) || Number.isNaN(at)) die(`--at must be an ISO-8601 time such as 2026-11-27T10:00:00+08:00, got ${v.at}`);
    }
    const seq = v.seq === undefined ? undefined : Number(v.seq);
    if (seq !== undefined && (!Number.isInteger(seq) || seq < 0)) die(`--seq must be a non-negative integer, got ${v.seq}`);
    const publicKey = publicKeyOption(v);
    const c = client(this, v);
    try {
      const onProgress = (m: string) => process.stderr.write(`${m}\n`);
      const r = await restoreFrom({ client: c, to, seq, at, dryRun: !!v['dry-run'], publicKey, onProgress });
      const when = new Date(r.at).toISOString();
      process.stdout.write(
        `${r.dryRun ? 'dry run: would restore' : `restored ${r.file}:`} sequence ${r.seq} (changes up to ${when}), from snapshot ${r.snapshotSeq} + ${r.applied} changes; ` +
          `${r.counts.cases} cases, ${r.counts.case_history} case history rows, ${r.counts.components} components, ${r.counts.grid_cells} grid cells, ${r.counts.users} users; ` +
          `chain verified${r.signedBy ? `, signed by ${r.signedBy}` : ''}, integrity_check ${r.integrity}; ${(r.ms / 1000).toFixed(1)} s\n`,
      );
      for (const s of r.skippedSnapshots) process.stderr.write(`note: snapshot ${s.seq} skipped: ${s.problem}\n`);
    } catch (e) {
      die((e as Error).message, 1);
    } finally {
      c.close();
    }
  },
};

export const verify: Command = {
  name: 'verify',
  summary: 'check every snapshot and segment on the replica; exits 1 naming the first bad file and sequence',
  usage: `--from URL|DIR [--token-file FILE | --token TOKEN] [--tls-ca FILE] [--public-key FILE]

  also checks that the warm standby stands at the log's last sequence; a URL needs the replica's token:
  ${TOKEN_HELP}
  ${TLS_CA_HELP}
  ${PUBLIC_KEY_HELP}`,
  options: { from: { type: 'string' }, ...TOKEN_OPTIONS, 'tls-ca': { type: 'string' }, ...PUBLIC_KEY_OPTION },
  async run(v) {
    const publicKey = publicKeyOption(v);
    const c = client(this, v);
    try {
      const r = await verifyReplica(c, { publicKey });
      if (!r.ok) {
        const p = r.problems[0];
        process.stderr.write(`cityops verify: FAILED at ${p.file}${p.seq != null ? `, sequence ${p.seq}` : ''}: ${p.problem}\n`);
        for (const q of r.problems.slice(1)) process.stderr.write(`  also ${q.file}: ${q.problem}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(
          `verified ${r.snapshots} snapshots and ${r.segments} segments, sequences ${r.firstSeq ?? 0}…${r.lastSeq}: all checksums and the hash chain are intact` +
            (r.signedBy ? `, every one signed by the centre's key ${r.signedBy}\n` : `; no --public-key given, so who wrote them was not checked\n`),
        );
      }
    } catch (e) {
      die((e as Error).message, 1);
    } finally {
      c.close();
    }
  },
};
