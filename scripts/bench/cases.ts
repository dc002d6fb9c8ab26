// Case benchmarks over 1,000,000 historical cases in the sample city: queue and full-text search latency in the
// core, intake → registered → dispatched throughput through the HTTP API, push latency to a second client, and the
// core's memory.
// Usage: npx tsx scripts/bench/cases.ts [--db FILE (already holding the cases)] [--count 1000000] [--clients 16] [--seconds 10]
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import WebSocket from 'ws';
import { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { generateCases } from '../../electron/core/cases/generate.ts';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { addUsers, client, coreClient, passwordOf, startServe, type TestUser } from '../../test/helpers.ts';
import { FULL_DB } from '../../test/paths.ts';
import type { InputOf, MethodName, PushEvent } from '../../shared/contract/index.ts';
import type { ApiResult } from '../../shared/errors.ts';
import { median, ms, percentile } from './stats.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, count: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' } } });
const rows: [string, string][] = [];
const report = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k}: ${v}`);
};

// 1. A city with a million historical cases.
let db = values.db as string | undefined;
if (!db) {
  db = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-cbench-')), 'city.db');
  if (existsSync(FULL_DB)) copyFileSync(FULL_DB, db);
  else seedDatabase(db, {});
  const count = Number(values.count ?? 1_000_000);
  const core = new Core({ dbPath: db });
  const r = generateCases(core.app, { count });
  core.close();
  report(`generate ${count.toLocaleString()} historical cases (bulk insert + FTS index + open workload through the service)`, `${(r.ms / 1000).toFixed(1)} s`);
}
const benchUsers: TestUser[] = [
  { name: 'bench-admin', role: 'admin' },
  { name: 'bench-op', role: 'operator' },
  { name: 'bench-lead', role: 'shift_leader' },
  { name: 'bench-disp', role: 'dispatcher' },
  { name: 'bench-dept', role: 'department', department: 'D03' },
];
for (const u of benchUsers)
  await addUsers(db, [u]).catch((e) => {
    if (!/already exists/.test(String(e))) throw e;
  }); // reruns on the same database

// 2. Queue and search latency in the core (the work behind every transport). Every call goes through the typed test
// client: `ok` stops the benchmark at the first refusal, so a refusal is never timed or counted.
{
  const core = new Core({ dbPath: db });
  const total = core.info().cases;
  report('cases in the database', total.toLocaleString());
  /** The typed client as a user, logged in. */
  const as = async (n: string) => {
    const { token } = await coreClient(core, { actor: n, via: 'cli' }).ok('auth.login', { name: n, password: passwordOf(n) });
    return coreClient(core, { actor: n, via: 'cli', token });
  };
  /** Times `runs` calls of a method as a user; `input` gives the i-th call's input. */
  const time = async <M extends MethodName>(n: string, method: M, input: (i: number) => InputOf<M>, runs = 200) => {
    const api = await as(n);
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await api.ok(method, input(i));
      t.push(performance.now() - t0);
    }
    return t;
  };
  const queues: [string, string, InputOf<'cases.list'>][] = [
    ['dispatcher: 待派遣 queue, first page of 50', 'bench-disp', { queue: 'pending_dispatch' }],
    ['dispatcher: 处置中 queue', 'bench-disp', { queue: 'handling' }],
    ['any role: 超时 queue', 'bench-lead', { queue: 'overdue' }],
    ['leader: 已结案, newest 50 of ~970k', 'bench-admin', { queue: 'closed' }],
    ['all cases, filtered by class + street + channel', 'bench-admin', { queue: 'all', classCode: '0102', streetCode: '003', channel: 'hotline' }],
    ['all cases, filtered by date range (one month)', 'bench-admin', { queue: 'all', from: Date.now() - 200 * 86_400_000, to: Date.now() - 170 * 86_400_000 }],
    ['department user (D03): its handling queue', 'bench-dept', { queue: 'handling' }],
    ['department user (D03): all its cases', 'bench-dept', { queue: 'all' }],
  ];
  const all: number[] = [];
  for (const [label, who, input] of queues) {
    await time(who, 'cases.list', () => input, 5); // warm
    const t = await time(who, 'cases.list', () => input);
    all.push(...t);
    report(`cases.list ${label}: p50 / p95`, `${ms(median(t))} / ${ms(percentile(t, 95))}`);
  }
  report('cases.list, all queue queries above: p95', ms(percentile(all, 95)));
  const counts = await time('bench-lead', 'cases.counts', () => ({}));
  report('cases.counts (every queue of a shift leader): p50 / p95', `${ms(median(counts))} / ${ms(percentile(counts, 95))}`);
  const deptCounts = await time('bench-dept', 'cases.counts', () => ({}));
  report('cases.counts (department user): p50 / p95', `${ms(median(deptCounts))} / ${ms(percentile(deptCounts, 95))}`);
  const words = ['暴露垃圾', '城中街道', '影响行人通行', '群众反映强烈', '小区门口', '非法小广告', '机动车乱停放', '河边步道', '存在安全隐患', '积存垃圾渣土'];
  const fts = await time('bench-op', 'cases.list', (i) => ({ q: words[i % words.length] }), 400);
  report('full-text search (trigram FTS5), 3–6 character queries, newest 50: p50 / p95', `${ms(median(fts))} / ${ms(percentile(fts, 95))}`);
  const ftsFiltered = await time('bench-op', 'cases.list', (i) => ({ q: words[i % words.length], queue: 'closed', streetCode: '005' }), 200);
  report('full-text search + queue + street filter: p50 / p95', `${ms(median(ftsFiltered))} / ${ms(percentile(ftsFiltered, 95))}`);
  const short = await time('bench-op', 'cases.list', (i) => ({ q: ['井盖', '垃圾', '广告', '路灯'][i % 4] }), 100);
  report('search, 2-character queries (below trigram size: newest-first scan): p50 / p95', `${ms(median(short))} / ${ms(percentile(short, 95))}`);
  const rare = await time('bench-op', 'cases.list', (i) => ({ q: ['消防栓', '不存在的词语'][i % 2] }), 50);
  report('full-text search, rare or absent words: p50 / p95', `${ms(median(rare))} / ${ms(percentile(rare, 95))}`);
  // The same four steps with the core alone (in process, no HTTP): what the HTTP figure below is measured against.
  {
    const api = coreClient(core, { actor: 'bench', via: 'cli', user: SYSTEM_USER });
    let done = 0;
    const end = performance.now() + Number(values.seconds ?? 10) * 1000;
    await Promise.all(
      Array.from({ length: 64 }, async (_, k) => {
        for (let i = 0; performance.now() < end; i++) {
          const c = await api.ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: `核心压测 ${k}-${i}` });
          let v = c.version;
          for (const action of ['accept', 'register', 'dispatch'] as const) v = (await api.ok('cases.act', { id: c.id, version: v, action })).version;
          done++;
        }
      }),
    );
    report(
      'core alone (in process, 64 concurrent callers, group commit): intake → accept → register → dispatch',
      `${(done / Number(values.seconds ?? 10)).toFixed(0)} cases/s`,
    );
  }
  const mem = process.memoryUsage();
  report('core memory after the queries above (in-process: RSS / JS heap used)', `${(mem.rss / 1e6).toFixed(0)} MB / ${(mem.heapUsed / 1e6).toFixed(0)} MB`);
  core.close();
}

// 3. Through the HTTP API: intake → accept → register → dispatch, concurrent clients, one server process.
{
  const server = await startServe(db);
  // The load generator shares this machine's two cores with the server: node:http with a keep-alive pool costs the
  // client about half of what fetch does per request, so more of the machine measures the server.
  const target = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** The typed client over node:http as a user (null: no session). */
  const as = (token: string | null) =>
    client(
      (method, input) =>
        new Promise<ApiResult<unknown>>((resolve, reject) => {
          const body = JSON.stringify(input);
          const req = http.request(
            {
              host: target.hostname,
              port: target.port,
              path: `/api/${method}`,
              method: 'POST',
              agent,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                ...(token ? { authorization: `Bearer ${token}` } : {}),
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApiResult<unknown>));
            },
          );
          req.on('error', reject);
          req.end(body);
        }),
    );
  const login = async (n: string) => (await as(null).ok('auth.login', { name: n, password: passwordOf(n) })).token;
  const [opToken, leadToken, dispToken, adminToken] = await Promise.all(['bench-op', 'bench-lead', 'bench-disp', 'bench-admin'].map(login));
  const [op, lead, disp] = [as(opToken), as(leadToken), as(dispToken)];

  // A second client listens for pushes: latency = push received − request sent.
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${adminToken}`);
  await new Promise((r) => ws.once('open', r));
  const sentAt = new Map<string, number>();
  const pushLatency: number[] = [];
  ws.on('message', (d) => {
    const ev = JSON.parse(String(d)) as PushEvent;
    if (ev.type !== 'cases.changed') return;
    const t = sentAt.get(`${ev.payload.id}:${ev.payload.action}`);
    if (t !== undefined) pushLatency.push(performance.now() - t);
  });

  const clients = Number(values.clients ?? 16);
  const seconds = Number(values.seconds ?? 10);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const perCase: number[] = [];
  const b = [119.88, 32.43, 119.96, 32.49];
  const worker = async (k: number) => {
    let i = 0;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const lon = b[0] + (((k * 7919 + i * 104729) % 10007) / 10007) * (b[2] - b[0]);
      const lat = b[1] + (((k * 6271 + i * 15485863) % 10009) / 10009) * (b[3] - b[1]);
      i++;
      const r = await op.call('cases.intake', {
        channel: 'hotline',
        classCode: '0102',
        lon,
        lat,
        description: `压测案件 ${k}-${i} 暴露垃圾`,
        reporterPhone: '13900000000',
      });
      if (!r.ok && r.error.code === 'OUTSIDE_CITY') continue; // a point in the river gap between cells
      if (!r.ok) throw new Error(`cases.intake: ${JSON.stringify(r.error)}`);
      const c = r.result;
      let v = c.version;
      for (const [who, action] of [
        [op, 'accept'],
        [lead, 'register'],
        [disp, 'dispatch'],
      ] as const) {
        sentAt.set(`${c.id}:${action}`, performance.now());
        v = (await who.ok('cases.act', { id: c.id, version: v, action })).version;
      }
      perCase.push(performance.now() - t0);
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, k) => worker(k)));
  const secs = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 300)); // let the last pushes arrive
  report(
    `HTTP API: intake → accept → register → dispatch (4 requests per case, ${clients} clients, ${seconds} s)`,
    `${(done / secs).toFixed(0)} cases/s (${((done * 4) / secs).toFixed(0)} requests/s)`,
  );
  report('HTTP API: one case through the four steps, p50 / p95', `${ms(median(perCase))} / ${ms(percentile(perCase, 95))}`);
  report(
    `push to a second client (request sent → event received), ${pushLatency.length.toLocaleString()} events: p50 / p95`,
    `${ms(median(pushLatency))} / ${ms(percentile(pushLatency, 95))}`,
  );
  const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  report('cityops serve process memory after the load (RSS / peak RSS)', `${rss.toFixed(0)} MB / ${hwm.toFixed(0)} MB`);
  ws.close();
  agent.destroy();
  await server.stop();
}

console.log('\n| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
console.log(`\n(database: ${db})`);
