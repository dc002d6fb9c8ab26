// Off-site replication benchmarks against a real `cityops replica` process on loopback: async lag at 200 writes/s,
// sync-mode write latency and throughput, catch-up rate after an outage, store size per million changes, and
// restore time of a large centre (--db FILE, e.g. the 1,000,000-case database of scripts/bench/cases.ts).
// Usage: npx tsx scripts/bench/replication.ts [--db BIG.db] [--seconds 10]
import { copyFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { restore } from '../../electron/core/replication/restore.ts';
import { startReplicaProc, TOKEN } from '../../test/fault/harness.ts';
import { SMALL_DB, FULL_DB } from '../../test/paths.ts';
import { coreClient } from '../../test/helpers.ts';
import { median, ms, percentile } from './stats.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, seconds: { type: 'string' } } });
const seconds = Number(values.seconds ?? 10);
const rows: [string, string][] = [];
const report = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k}: ${v}`);
};
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-rbench-'));
const ctx = { actor: 'bench', via: 'cli' as const, user: SYSTEM_USER };
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
let n = 0;
/** One case taken in through the typed test client; a refusal stops the benchmark (it is never counted as a write). */
const intake = (c: Core) =>
  coreClient(c, ctx).ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: `bench ${n++}` });

async function centre(mode: 'sync' | 'async', file = SMALL_DB) {
  const db = path.join(tmp(), 'c.db');
  copyFileSync(file, db);
  const core = new Core({ dbPath: db });
  const dir = path.join(tmp(), 'replica');
  const replica = await startReplicaProc(dir);
  const rep = core.startReplication({ target: replica.url, token: TOKEN, mode, syncTimeoutMs: 5000 });
  while (rep.status().state !== 'ok') await sleep(20);
  return { core, rep, replica, dir };
}

// 1. Async lag at 200 writes/s: commit → acknowledged by the replica.
{
  const { core, rep, replica } = await centre('async');
  const lags: number[] = [];
  const waits: Promise<void>[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const due = start + (i + 1) * 5; // 200 per second, on a fixed schedule
    await intake(core);
    const t0 = performance.now();
    const seq = core.app.changelog.head().seq;
    waits.push(
      rep.waitFor(seq).then((ok) => {
        if (ok) lags.push(performance.now() - t0);
      }),
    );
    const left = due - performance.now();
    if (left > 0) await sleep(left);
  }
  await Promise.all(waits);
  report(
    `async: lag commit → replica acknowledged at 200 writes/s (${lags.length} writes, ${seconds} s): p50 / p99`,
    `${ms(median(lags))} / ${ms(percentile(lags, 99))}`,
  );
  await core.stopReplication();
  core.close();
  await replica.stop();
}

// 2. Sync mode: write latency one at a time, then throughput with concurrent writers (group commit).
{
  const { core, replica } = await centre('sync');
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await intake(core);
    lat.push(performance.now() - t0);
  }
  report(
    `sync: write latency, one writer (request → acknowledged after the replica stored it), ${lat.length} writes: p50 / p99`,
    `${ms(median(lat))} / ${ms(percentile(lat, 99))}`,
  );
  let done = 0;
  const clat: number[] = [];
  const end2 = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() < end2) {
        const t0 = performance.now();
        await intake(core);
        clat.push(performance.now() - t0);
        done++;
      }
    }),
  );
  report(
    'sync: throughput with 32 concurrent writers (group commit, one replica round trip per group)',
    `${(done / seconds).toFixed(0)} writes/s (latency p50 / p99 ${ms(median(clat))} / ${ms(percentile(clat, 99))})`,
  );
  await core.stopReplication();
  core.close();
  await replica.stop();
}

// 3. Catch-up after an outage, and store size per million changes.
{
  const { core, rep, replica, dir } = await centre('async');
  const port = Number(new URL(replica.url).port);
  await replica.kill();
  const writes = 20_000;
  const t0 = performance.now();
  const group = Array.from({ length: 200 }, () => 0);
  for (let i = 0; i < writes; i += group.length) await Promise.all(group.map(() => intake(core)));
  const writeSecs = (performance.now() - t0) / 1000;
  const pending = rep.status().lagChanges;
  const again = await startReplicaProc(dir, port);
  const t1 = performance.now();
  while (rep.status().lagChanges > 0 || rep.status().state !== 'ok') await sleep(20);
  const secs = (performance.now() - t1) / 1000;
  report(
    `catch-up after an outage: ${pending.toLocaleString()} changes (${writes.toLocaleString()} cases taken in meanwhile at ${(writes / writeSecs).toFixed(0)}/s)`,
    `${secs.toFixed(1)} s = ${(pending / secs).toFixed(0)} changes/s`,
  );
  report(
    'catch-up time for one hour of downtime at 200 writes/s (3 changes per write, extrapolated)',
    `${((200 * 3600 * 3) / (pending / secs) / 60).toFixed(1)} min`,
  );
  const segDir = path.join(dir, 'segments');
  const segBytes = readdirSync(segDir).reduce((s, f) => s + statSync(path.join(segDir, f)).size, 0);
  const entries = rep.status().headSeq - (rep.status().lastSnapshot?.seq ?? 0);
  report('replica store: segment bytes per million changes', `${(((segBytes / entries) * 1e6) / 1e6).toFixed(0)} MB`);
  await core.stopReplication();
  core.close();
  await again.stop();
}

// 4. Restore time of a large centre.
{
  const big = (values.db as string | undefined) ?? FULL_DB;
  const { core, rep, replica } = await centre('async', big);
  const info = core.info();
  while (rep.status().lagChanges > 0) await sleep(50);
  await core.stopReplication();
  core.close();
  const to = path.join(tmp(), 'restored.db');
  const r = await restore({ client: new HttpReplicaClient(replica.url, TOKEN), to });
  report(
    `restore from the replica over HTTP: ${info.cases.toLocaleString()} cases + ${info.components.toLocaleString()} components (${(statSync(to).size / 1e6).toFixed(0)} MB; download, checksum, replay, integrity_check)`,
    `${(r.ms / 1000).toFixed(1)} s`,
  );
  await replica.stop();
}

console.log('\n| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
