// Malformed-input corpus, the replica server: batches that are not JSON, of the wrong types, that break the chain or
// cannot be applied, and snapshot uploads with lying metadata, wrong sizes, traversal names or the wrong content
// type. Each is refused with a 4xx; the replica's folder (every file and its hash) is exactly as before, and
// /health still answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import type { SnapshotMeta } from '../../electron/core/replication/store.ts';
import { chain, filesUnder, insertItem, tinySnapshot, tmp, TOKEN } from '../core/replica-fixture.ts';
import { Tally } from './harness.ts';

let dir: string;
let srv: Awaited<ReturnType<typeof startReplicaServer>>;
let meta: SnapshotMeta;
let head: { seq: number; hash: string };
const tally = new Tally();
const auth = { authorization: `Bearer ${TOKEN}` };

/** Every file of the replica folder with its hash (not the standby's -shm: SQLite's shared-memory index of the WAL
 * changes when the standby is only read). */
const hashOf = (f: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(dir, f)))
    .digest('hex');
const listing = () =>
  filesUnder(dir)
    .filter((f) => !f.endsWith('-shm'))
    .map((f) => `${f} ${hashOf(f)}`);

beforeAll(async () => {
  dir = path.join(tmp('corpus-replica'), 'replica');
  srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
  const file = path.join(tmp('corpus-replica-src'), 'snap.db');
  meta = tinySnapshot(file);
  const c = new HttpReplicaClient(srv.url, TOKEN);
  await c.putSnapshot(meta, file);
  const batch = chain(meta.seq, meta.hash, [insertItem(2, 'second')]);
  await c.append(batch);
  head = { seq: batch[0].seq, hash: batch[0].hash };
});
afterAll(async () => {
  tally.print('replica');
  await srv?.close();
});

/** A 4xx with a JSON error naming the problem. */
async function expectRefused(res: Response, label: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${text.slice(0, 200)}`).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: unknown };
  expect(typeof body.error, label).toBe('string');
  expect(String(body.error), label).not.toMatch(/replica error:|\n\s+at |TypeError|SqliteError/);
}

describe('replica batches', () => {
  it('malformed, mistyped, unchained or unappliable batches are refused and change no file', async () => {
    const before = listing();
    const [next] = chain(head.seq, head.hash, [insertItem(3, 'third')]);
    const json: [string, string][] = [
      ['not JSON', 'hello'],
      ['truncated JSON', JSON.stringify([next]).slice(0, 40)],
      ['an empty list', '[]'],
      ['an empty object', '{}'],
      ['null', 'null'],
      ['a number', '7'],
      ['a string', '"batch"'],
      ['a list of nulls', '[null,null]'],
      ['an own __proto__ key', `{"__proto__":{"entries":${JSON.stringify([next])}}}`],
    ];
    const wrong: [string, unknown][] = [
      ['seq as a string', [{ ...next, seq: String(next.seq) }]],
      ['seq NaN (null in JSON)', [{ ...next, seq: null }]],
      ['seq huge', [{ ...next, seq: 1e300 }]],
      ['tx negative', [{ ...next, tx: -5 }]],
      ['at in words', [{ ...next, at: 'yesterday' }]],
      ['op lower case', [{ ...next, op: 'i' }]],
      ['tbl with a traversal', [{ ...next, tbl: '../../etc/passwd' }]],
      ['tbl of SQL', [{ ...next, tbl: 'items; DROP TABLE items' }]],
      ['pk not JSON', [{ ...next, pk: '[3' }]],
      ['row not JSON', [{ ...next, row: '{"id":3,' }]],
      ['hash too short', [{ ...next, hash: 'abc' }]],
      ['hash not hex', [{ ...next, hash: 'z'.repeat(64) }]],
      ['a gap in the chain', chain(head.seq + 5, head.hash, [insertItem(3, 'third')])],
      ['a wrong previous hash', chain(head.seq, 'f'.repeat(64), [insertItem(3, 'third')])],
      ['entries out of order', chain(head.seq, head.hash, [insertItem(3, 'a'), insertItem(4, 'b')]).reverse()],
      [
        'the same sequence twice',
        (() => {
          const [a] = chain(head.seq, head.hash, [insertItem(3, 'a')]);
          return [a, a];
        })(),
      ],
      ['a different history at the head', [{ ...chain(head.seq - 1, meta.hash, [insertItem(9, 'other')])[0] }]],
      ['an insert the standby cannot apply (duplicate name)', chain(head.seq, head.hash, [insertItem(3, 'second')])],
      ['an insert of a NULL name', chain(head.seq, head.hash, [insertItem(3, null)])],
      ['a table the standby does not have', chain(head.seq, head.hash, [{ tbl: 'nope', op: 'I', pk: '[1]', row: '{"id":1}' }])],
      ['a signature of the wrong shape', { entries: [next], sig: 'forged' }],
      ['a signature over another entry', { entries: [next], sig: { seq: next.seq + 1, hash: next.hash, mac: 'a'.repeat(64) } }],
    ];
    const sends: [string, BodyInit, Record<string, string>][] = [
      ...json.map(([l, b]): [string, BodyInit, Record<string, string>] => [l, b, { 'content-type': 'application/json' }]),
      ...wrong.map(([l, b]): [string, BodyInit, Record<string, string>] => [l, JSON.stringify(b), { 'content-type': 'application/json' }]),
      ['as text/plain', JSON.stringify([next]), { 'content-type': 'text/plain' }],
      ['as octet-stream', JSON.stringify([next]), { 'content-type': 'application/octet-stream' }],
    ];
    for (const [label, body, headers] of sends) {
      await expectRefused(await fetch(`${srv.url}/v1/segments`, { method: 'POST', headers: { ...auth, ...headers }, body }), `batch: ${label}`);
      tally.add('replica batches');
    }
    expect(listing()).toEqual(before);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
  });
});

describe('replica snapshot uploads', () => {
  it('lying metadata, wrong sizes, traversal names and wrong types are refused and change no file', async () => {
    const before = listing();
    const body = Buffer.from('not a database, but its checksum matches the metadata');
    const seq = head.seq + 10;
    const good = { ...meta, seq, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
    const put = (p: string, headers: Record<string, string>, b: BodyInit = new Uint8Array(body)) =>
      fetch(`${srv.url}/v1/snapshots/${p}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream', ...headers }, body: b });
    const cases: [string, () => Promise<Response>][] = [
      ['no metadata header', () => put(String(seq), {})],
      ['metadata not JSON', () => put(String(seq), { 'x-cityops-snapshot': '{seq:' })],
      ['metadata a list', () => put(String(seq), { 'x-cityops-snapshot': '[]' })],
      ['a checksum that does not match', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, sha256: 'a'.repeat(64) }) })],
      ['bytes smaller than the body', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, bytes: 3 }) })],
      ['bytes larger than the body', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, bytes: body.length + 100 }) })],
      ['bytes of 1 TB', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, bytes: 2 ** 40 }) })],
      ['bytes negative', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, bytes: -1 }) })],
      ['an empty body', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify(good) }, new Uint8Array(0))],
      ['the path and metadata sequences differ', () => put(String(seq + 1), { 'x-cityops-snapshot': JSON.stringify(good) })],
      ['a traversal in the path', () => put('..%2F..%2Fevil', { 'x-cityops-snapshot': JSON.stringify({ ...good, seq: '../../evil' }) })],
      ['a traversal in the metadata hash', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, hash: '../../evil' }) })],
      ['a sequence of words', () => put('latest', { 'x-cityops-snapshot': JSON.stringify({ ...good, seq: 'latest' }) })],
      ['a fractional sequence', () => put('1.5', { 'x-cityops-snapshot': JSON.stringify({ ...good, seq: 1.5 }) })],
      ['a schema version of words', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, schemaVersion: 'v9' }) })],
      [
        'JSON instead of bytes',
        () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify(good), 'content-type': 'application/json' }, JSON.stringify({ a: 1 })),
      ],
      ['text instead of bytes', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify(good), 'content-type': 'text/plain' }, 'hello')],
      ['a metadata header of 60 kB', () => put(String(seq), { 'x-cityops-snapshot': JSON.stringify({ ...good, pad: 'p'.repeat(60_000) }) })],
    ];
    for (const [label, res] of cases) {
      await expectRefused(await res(), `snapshot: ${label}`);
      tally.add('replica snapshots');
    }
    for (const p of ['/v1/snapshots/..%2F..%2Fetc', '/v1/segments/..%2FREPLICA.json', '/v1/segments/x.seg', '/v1/nope']) {
      const res = await fetch(`${srv.url}${p}`, { headers: auth });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.status, p).toBeLessThan(500);
      tally.add('replica reads');
    }
    expect(listing()).toEqual(before);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
  });
});
