// The ReplicaClient contract suite, run against every backend: the HTTP replica server and a plain folder (an
// off-site share mounted on the centre). Entries come from a real centre's change log, so hashes are real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import type { ChangeEntry } from '../../electron/core/replication/changelog.ts';
import { DirReplicaClient, HttpReplicaClient, type ReplicaClient } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { ReplicaStore, type SnapshotMeta } from '../../electron/core/replication/store.ts';
import { coreClient, smallDbCopy, type TestClient } from '../helpers.ts';

const TOKEN = 'test-token-0123456789abcdef';
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-rc-'));
let core: Core;
/** The typed client of the centre, as the system principal. */
let api: TestClient;
let snapshotFile: string;
let snapMeta: SnapshotMeta;
let entries: ChangeEntry[];

beforeAll(async () => {
  core = new Core({ dbPath: smallDbCopy() });
  api = coreClient(core, { actor: 't', via: 'test', user: SYSTEM_USER });
  // A snapshot of the centre as it is now, then 12 more writes whose entries the suite ships.
  const dir = tmp();
  snapshotFile = path.join(dir, 'snap.db');
  await core.app.db.backup(snapshotFile);
  const head = core.app.changelog.head();
  const data = readFileSync(snapshotFile);
  snapMeta = {
    seq: head.seq,
    hash: head.hash,
    at: Date.now(),
    sha256: (await import('node:crypto')).createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
    createdAt: Date.now(),
    schemaVersion: 3,
  };
  for (let i = 0; i < 12; i++) {
    await api.ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: `contract ${i}` });
  }
  entries = core.app.changelog.after(head.seq, 10_000);
  expect(entries.length).toBeGreaterThanOrEqual(24); // a case row and a history row per intake, at least
});
afterAll(() => core?.close());

type Backend = { client: ReplicaClient; dir: string; stop(): Promise<void> };
const backends: [string, () => Promise<Backend>][] = [
  [
    'folder',
    async () => {
      const dir = path.join(tmp(), 'replica');
      const client = new DirReplicaClient(dir, { create: true });
      return { client, dir, stop: async () => client.close() };
    },
  ],
  [
    'http',
    async () => {
      const dir = path.join(tmp(), 'replica');
      const srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
      const client = new HttpReplicaClient(srv.url, TOKEN);
      return { client, dir, stop: () => srv.close() };
    },
  ],
];

for (const [name, make] of backends) {
  describe(`ReplicaClient contract: ${name}`, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await make();
    });
    afterAll(async () => b?.stop());
    const segCount = () => readdirSync(path.join(b.dir, 'segments')).length;

    it('refuses changes before it holds a snapshot', async () => {
      await expect(b.client.append(entries.slice(0, 3))).rejects.toMatchObject({ status: 409 });
      expect(segCount()).toBe(0);
    });

    it('stores a snapshot whose checksum matches, refuses one that does not', async () => {
      await expect(b.client.putSnapshot({ ...snapMeta, sha256: '0'.repeat(64) }, snapshotFile)).rejects.toMatchObject({ status: 422 });
      await b.client.putSnapshot(snapMeta, snapshotFile);
      const st = await b.client.status();
      expect(st.snapshots.map((s) => s.seq)).toEqual([snapMeta.seq]);
      expect(st.lastSeq).toBe(snapMeta.seq);
      expect(st.standbySeq).toBe(snapMeta.seq);
    });

    it('stores a batch that continues the chain and acknowledges it', async () => {
      expect(await b.client.append(entries.slice(0, 5))).toEqual({ ackSeq: entries[4].seq });
      expect(segCount()).toBe(1);
    });

    it('acknowledges a re-sent batch without storing it twice, and takes an overlapping one from where it left off', async () => {
      expect(await b.client.append(entries.slice(0, 5))).toEqual({ ackSeq: entries[4].seq });
      expect(segCount()).toBe(1);
      expect(await b.client.append(entries.slice(3, 8))).toEqual({ ackSeq: entries[7].seq });
      expect(segCount()).toBe(2);
    });

    it('refuses a gap, a reordered batch, a changed entry and a malformed batch, storing nothing', async () => {
      const before = await b.client.status();
      await expect(b.client.append(entries.slice(9, 11))).rejects.toMatchObject({ status: 409 }); // 8 missing
      await expect(b.client.append([entries[9], entries[8]])).rejects.toMatchObject({ status: 409 });
      await expect(b.client.append([{ ...entries[8], row: JSON.stringify({ forged: true }) }])).rejects.toMatchObject({ status: 409 });
      await expect(b.client.append([{ ...entries[8], at: entries[8].at + 1 }])).rejects.toMatchObject({ status: 409 });
      await expect(b.client.append([{ seq: 'x' } as never])).rejects.toMatchObject({ status: 400 });
      await expect(b.client.append([])).rejects.toMatchObject({ status: 400 });
      const after = await b.client.status();
      expect(after.lastSeq).toBe(before.lastSeq);
      expect(after.segments).toBe(before.segments);
    });

    it('keeps the warm standby up to date and lists and returns what it stores', async () => {
      await b.client.append(entries.slice(8));
      const st = await b.client.status();
      expect(st.lastSeq).toBe(entries.at(-1)!.seq);
      expect(st.standbySeq).toBe(entries.at(-1)!.seq);
      const standby = await b.client.standbySummary();
      expect(standby!.counts.cases).toBe((await api.ok('app.info', {})).cases);
      expect(standby!.recentCases.some((c) => c.description.startsWith('contract'))).toBe(true);
      const segs = await b.client.listSegments();
      expect(segs.map((s) => s.from)).toEqual([...segs.map((s) => s.from)].sort((x, y) => x - y));
      const raw = await b.client.fetchSegment(segs[0].name);
      expect(raw.toString()).toContain('"prevHash"');
      const file = path.join(tmp(), 'back.db');
      await b.client.fetchSnapshot(snapMeta.seq, file);
      expect(readFileSync(file).equals(readFileSync(snapshotFile))).toBe(true);
    });

    it('survives a restart: the head is read back from the files', async () => {
      const s = new ReplicaStore(b.dir);
      expect(s.status().lastSeq).toBe(entries.at(-1)!.seq);
      s.close();
    });
  });
}

describe('HTTP replica server only', () => {
  it('refuses requests without the right token; /health needs none', async () => {
    const srv = await startReplicaServer({ dir: path.join(tmp(), 'r'), token: TOKEN, port: 0 });
    try {
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
      expect((await fetch(`${srv.url}/v1/status`)).status).toBe(401);
      expect((await fetch(`${srv.url}/v1/status`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const bad = new HttpReplicaClient(srv.url, 'wrong-token-0123456789');
      await expect(bad.append(entries.slice(0, 1))).rejects.toMatchObject({ status: 401 });
      expect(
        (
          await fetch(`${srv.url}/v1/segments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: '{"not": "a batch"',
          })
        ).status,
      ).toBe(400);
    } finally {
      await srv.close();
    }
  });

  it('refuses a folder that is not a replica', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'stuff'));
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(() => new ReplicaStore(dir, { create: true })).toThrow(/not a CityOps replica/);
    await expect(startReplicaServer({ dir, token: TOKEN, port: 0 })).rejects.toThrow(/not a CityOps replica/);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'stuff']);
  });
});

describe('a replica whose newest segment is damaged', () => {
  it('still starts, keeps the damaged file for verify, and replaces it when the changes arrive again', async () => {
    const dir = path.join(tmp(), 'replica');
    const c = new DirReplicaClient(dir, { create: true });
    await c.putSnapshot(snapMeta, snapshotFile);
    await c.append(entries.slice(0, 4));
    await c.append(entries.slice(4, 8));
    c.close();
    const segs = readdirSync(path.join(dir, 'segments')).sort();
    const newest = path.join(dir, 'segments', segs[1]);
    const buf = readFileSync(newest);
    buf[30] ^= 0x02;
    writeFileSync(newest, buf);
    const again = new DirReplicaClient(dir); // starts: the head is the last good segment
    expect((await again.status()).lastSeq).toBe(entries[3].seq);
    const { verifyReplica } = await import('../../electron/core/replication/verify.ts');
    expect((await verifyReplica(again)).problems[0].file).toBe(`segments/${segs[1]}`);
    expect(await again.append(entries.slice(4, 8))).toEqual({ ackSeq: entries[7].seq }); // the centre resends
    expect((await verifyReplica(again)).ok).toBe(true);
    again.close();
  });
});
