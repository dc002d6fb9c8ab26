// Names and numbers from the network or a folder never become paths of their own: over real HTTP, every route that
// takes a sequence or a file name refuses encoded traversal attempts and malformed numbers with a 4xx, and nothing is
// written outside the replica's folder; a folder whose metadata was tampered with is read without leaving it either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DirReplicaClient, HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { verifyReplica } from '../../electron/core/replication/verify.ts';
import type { SnapshotMeta } from '../../electron/core/replication/store.ts';
import { chain, filesUnder, insertItem, tinySnapshot, tmp, TOKEN } from './replica-fixture.ts';

// The replica lives three levels down, so a traversal of up to three `..` lands in `root`, where the test looks.
let root: string;
let dir: string;
let srv: Awaited<ReturnType<typeof startReplicaServer>>;
let meta: SnapshotMeta;
let expected: string[];
const auth = { authorization: `Bearer ${TOKEN}` };
const body = Buffer.from('not really a database, but its checksum matches the metadata');
const bodyMeta = (seq: unknown) => ({
  seq,
  hash: 'a'.repeat(64),
  at: 1,
  sha256: createHash('sha256').update(body).digest('hex'),
  bytes: body.length,
  createdAt: 1,
  schemaVersion: 1,
});

beforeAll(async () => {
  root = tmp('rpath');
  dir = path.join(root, 'a', 'b', 'replica');
  mkdirSync(path.dirname(dir), { recursive: true });
  srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
  const file = path.join(tmp('rpath-src'), 'snap.db');
  meta = tinySnapshot(file);
  const c = new HttpReplicaClient(srv.url, TOKEN);
  await c.putSnapshot(meta, file);
  await c.append(chain(meta.seq, meta.hash, [insertItem(2, 'second')]));
  expected = filesUnder(root);
});
afterAll(async () => srv?.close());

/** Raw path segments as an attacker would send them (already percent-encoded where it matters). */
const BAD_SEQS = [
  '..%2F..%2F..%2Fevil',
  '..%2F..%2F..%2F..%2Fevil',
  '%2E%2E%2F%2E%2E%2F%2E%2E%2Fevil',
  '..%5C..%5C..%5Cevil',
  '%2Fetc%2Fpasswd',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '%201',
  '1%00',
  '0000000000001', // 13 digits: no longer the store's own name
  '9007199254740993',
];
const BAD_NAMES = [
  '..%2F..%2F..%2Fevil.seg',
  '..%2FREPLICA.json',
  '%2E%2E%2Fstandby.db',
  '..%2Fsnapshots%2F000000000001.json',
  '000000000002-000000000002.seg%2F..%2F..%2FREPLICA.json',
  '000000000002-000000000002.seg%00',
  '000000000003-000000000002.seg', // ends before it starts
  '00000000002-000000000002.seg',
];

describe('the replica server refuses names and numbers that are not its own', () => {
  it('PUT /v1/snapshots/:seq: a traversal in the path and in the metadata header is refused and writes nothing', async () => {
    for (const raw of BAD_SEQS) {
      const decoded = decodeURIComponent(raw);
      for (const seq of [decoded, Number(decoded)]) {
        const res = await fetch(`${srv.url}/v1/snapshots/${raw}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'application/octet-stream', 'x-cityops-snapshot': JSON.stringify(bodyMeta(seq)) },
          body,
        });
        expect(res.status, `PUT ${raw} with seq ${JSON.stringify(seq)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `PUT ${raw} with seq ${JSON.stringify(seq)}`).toBeLessThan(500);
      }
    }
    expect(filesUnder(root)).toEqual(expected);
  });

  it('PUT /v1/snapshots/:seq: metadata fields of the wrong type or out of range are refused', async () => {
    const seq = meta.seq + 5;
    const bad: Record<string, unknown>[] = [
      { hash: '../../../evil' },
      { hash: 7 },
      { sha256: '../../../evil' },
      { bytes: -1 },
      { bytes: '61' },
      { at: 'yesterday' },
      { createdAt: 1e300 },
      { schemaVersion: 1.5 },
      { seq: String(seq) },
      { seq: -seq },
    ];
    for (const change of bad) {
      const res = await fetch(`${srv.url}/v1/snapshots/${seq}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream', 'x-cityops-snapshot': JSON.stringify({ ...bodyMeta(seq), ...change }) },
        body,
      });
      expect(res.status, JSON.stringify(change)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(change)).toBeLessThan(500);
    }
    for (const header of ['[]', 'null', '"../../../evil"', '{"seq":']) {
      const res = await fetch(`${srv.url}/v1/snapshots/${seq}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream', 'x-cityops-snapshot': header },
        body,
      });
      expect(res.status, header).toBe(400);
    }
    expect(filesUnder(root)).toEqual(expected);
  });

  it('GET /v1/snapshots/:seq and GET /v1/segments/:name refuse traversals and malformed names with a 4xx', async () => {
    for (const raw of BAD_SEQS) {
      const res = await fetch(`${srv.url}/v1/snapshots/${raw}`, { headers: auth });
      expect(res.status, `GET snapshot ${raw}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `GET snapshot ${raw}`).toBeLessThan(500);
    }
    for (const raw of BAD_NAMES) {
      const res = await fetch(`${srv.url}/v1/segments/${raw}`, { headers: auth });
      expect(res.status, `GET segment ${raw}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `GET segment ${raw}`).toBeLessThan(500);
      expect(await res.text()).not.toContain('cityops-replica'); // REPLICA.json was not served
    }
  });

  it('POST /v1/segments: sequences that are negative, fractional, huge or not numbers, and odd fields, are refused; nothing is stored', async () => {
    const before = await (await fetch(`${srv.url}/v1/status`, { headers: auth })).json();
    const [next] = chain(meta.seq + 1, 'x', [insertItem(3, 'third')]);
    const bad: unknown[] = [
      [{ ...next, seq: -1 }],
      [{ ...next, seq: 0.5 }],
      [{ ...next, seq: 1e300 }],
      [{ ...next, seq: '../../../evil' }],
      [{ ...next, seq: 1_000_000_000_000 }],
      [{ ...next, tx: -1 }],
      [{ ...next, at: 'now' }],
      [{ ...next, tbl: '../../../evil' }],
      [{ ...next, op: 'X' }],
      [{ ...next, pk: 1 }],
      [{ ...next, hash: '../../../evil' }],
      [{ ...next, row: null }], // an insert without its row
      { seq: next.seq },
      [null],
    ];
    for (const batch of bad) {
      const res = await fetch(`${srv.url}/v1/segments`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(res.status, JSON.stringify(batch).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(batch).slice(0, 80)).toBeLessThan(500);
    }
    const after = await (await fetch(`${srv.url}/v1/status`, { headers: auth })).json();
    expect(after).toMatchObject({ lastSeq: before.lastSeq, segments: before.segments });
    expect(filesUnder(root)).toEqual(expected);
  });
});

describe('a replica folder whose files were tampered with', () => {
  it('snapshot metadata naming a path outside the folder is not trusted: status and verify stay inside and name the bad files', async () => {
    const top = tmp('rpath-dir');
    const d = path.join(top, 'a', 'b', 'replica');
    mkdirSync(path.dirname(d), { recursive: true });
    const src = path.join(tmp('rpath-src'), 'snap.db');
    const m = tinySnapshot(src);
    const c = new DirReplicaClient(d, { create: true });
    await c.putSnapshot(m, src);
    c.close();
    // Someone with write access to the share plants metadata whose sequence is a path, and a newer one of the wrong type.
    writeFileSync(path.join(d, 'snapshots', '000000000009.json'), JSON.stringify({ ...m, seq: '../../../evil' }));
    writeFileSync(path.join(d, 'snapshots', '000000000010.json'), JSON.stringify({ ...m, seq: 10, bytes: 'all of them' }));
    writeFileSync(path.join(top, 'evil.db'), readFileSync(src));
    const before = filesUnder(top);
    const r = new DirReplicaClient(d);
    try {
      expect((await r.status()).snapshots.map((s) => s.seq)).toEqual([m.seq]);
      const v = await verifyReplica(r);
      expect(v.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['snapshots/000000000009.json', 'snapshots/000000000010.json']));
      await expect(r.fetchSegment('../../../evil.db')).rejects.toMatchObject({ status: 400 });
      await expect(r.fetchSnapshot(-1, path.join(top, 'x.db'))).rejects.toMatchObject({ status: 400 });
    } finally {
      r.close();
    }
    expect(filesUnder(top)).toEqual(before);
  });
});
