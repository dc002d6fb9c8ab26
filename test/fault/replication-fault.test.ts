// Fault tests with real processes: SIGKILL of the centre under write load in sync mode at random points (every
// acknowledged write is on the replica, nothing never written appears), SIGKILL of the replica mid-batch, and the
// link cut by a TCP proxy and healed (the centre keeps working, the replica catches up with no gap and no duplicate).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addUsers, fileDigests, smallDbCopy } from '../helpers.ts';
import { HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { verifyReplica } from '../../electron/core/replication/verify.ts';
import { restore } from '../../electron/core/replication/restore.ts';
import { killPoint, restoredDescriptions, startCentre, startReplicaProc, tcpProxy, TOKEN, waitReplication, writeLoad } from './harness.ts';

const KILL_POINTS = Number(process.env.CITYOPS_KILL_POINTS ?? 20);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-fault-'));
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
});
async function centreDb(): Promise<string> {
  const db = smallDbCopy();
  await addUsers(db, [{ name: 'writer', role: 'operator' }]);
  return db;
}
describe('kill -9 of the centre in sync mode', () => {
  it(
    `at ${KILL_POINTS} random points: every acknowledged write survives on the replica, nothing else appears`,
    async () => {
      const db = await centreDb();
      const replica = await startReplicaProc(path.join(tmp(), 'replica'));
      stops.push(replica.stop);
      const attemptedEver = new Set<string>();
      const ackedEver = new Set<string>();
      let seed = 12345;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let k = 0; k < KILL_POINTS; k++) {
        const { acked } = await killPoint(db, replica.url, `k${k}`, 150 + Math.floor(rand() * 900), attemptedEver);
        for (const id of acked) ackedEver.add(id);
        const { descriptions } = await restoredDescriptions(replica.url, path.join(tmp(), 'restored.db'));
        const missing = [...ackedEver].filter((id) => !descriptions.has(id));
        expect(missing, `kill point ${k}: acknowledged but missing on the replica`).toEqual([]);
        const invented = [...descriptions].filter((d) => /^k\d+-/.test(d) && !attemptedEver.has(d));
        expect(invented, `kill point ${k}: on the replica but never written`).toEqual([]);
      }
      expect(ackedEver.size).toBeGreaterThan(KILL_POINTS * 5); // the load was real
      expect((await verifyReplica(new HttpReplicaClient(replica.url, TOKEN))).ok).toBe(true);
    },
    15 * 60_000,
  );
});

describe('the replica fails, the link fails', () => {
  it('kill -9 of the replica mid-batch, down for a while, back: the centre keeps working and the replica catches up exactly', async () => {
    const db = await centreDb();
    const dir = path.join(tmp(), 'replica');
    let replica = await startReplicaProc(dir);
    const port = Number(new URL(replica.url).port);
    const c = await startCentre(db, replica.url, 'async');
    stops.push(c.stop);
    await waitReplication(c.api, (s) => s.state === 'ok');
    const load = writeLoad(c.api, 'r');
    await new Promise((r) => setTimeout(r, 400));
    await replica.kill(); // mid-batch: batches are in flight all the time under this load
    await new Promise((r) => setTimeout(r, 800));
    const down = await waitReplication(c.api, (s) => s.state === 'disconnected');
    expect(down.lastError).toBeTruthy();
    const during = load.acked.size;
    await new Promise((r) => setTimeout(r, 300));
    expect(load.acked.size).toBeGreaterThan(during); // still accepting work
    replica = await startReplicaProc(dir, port);
    stops.push(replica.stop);
    await load.stop();
    const caught = await waitReplication(c.api, (s) => s.state === 'ok' && s.lagChanges === 0, 30_000);
    const client = new HttpReplicaClient(replica.url, TOKEN);
    expect((await verifyReplica(client)).ok).toBe(true);
    expect((await client.status()).lastSeq).toBe(caught.headSeq);
    await c.stop(); // graceful: the centre's file is quiet now
    const out = path.join(tmp(), 'r.db');
    await restore({ client, to: out });
    expect(fileDigests(out)).toEqual(fileDigests(db)); // no gap, no duplicate: the same rows exactly
  }, 120_000);

  it('the link cut by a TCP proxy and healed: the centre keeps working, the replica catches up, no gap, no duplicate', async () => {
    const db = await centreDb();
    const replica = await startReplicaProc(path.join(tmp(), 'replica'));
    stops.push(replica.stop);
    const proxy = await tcpProxy(replica.url);
    stops.push(proxy.close);
    const c = await startCentre(db, proxy.url, 'async');
    stops.push(c.stop);
    await waitReplication(c.api, (s) => s.state === 'ok');
    const load = writeLoad(c.api, 'p');
    await new Promise((r) => setTimeout(r, 300));
    proxy.cut();
    await waitReplication(c.api, (s) => s.state === 'disconnected');
    const before = load.acked.size;
    await new Promise((r) => setTimeout(r, 500));
    expect(load.acked.size).toBeGreaterThan(before);
    proxy.heal();
    await load.stop();
    await waitReplication(c.api, (s) => s.state === 'ok' && s.lagChanges === 0, 30_000);
    await c.stop();
    const client = new HttpReplicaClient(replica.url, TOKEN);
    expect((await verifyReplica(client)).ok).toBe(true);
    const out = path.join(tmp(), 'r.db');
    await restore({ client, to: out });
    expect(fileDigests(out)).toEqual(fileDigests(db));
  }, 120_000);
});
