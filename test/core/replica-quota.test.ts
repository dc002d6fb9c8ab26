// Uploads against the store's quota, with `cityops replica --max-bytes` as a real process: a snapshot streams into a
// partial file inside the replica's folder (never the system temp folder) and is refused with 413 while it streams
// as soon as it outgrows its declared size or the quota, the partial file removed; a segment batch larger than the
// room left is refused while it streams too, and one just over the quota is refused whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HttpReplicaClient } from '../../electron/core/replication/client.ts';
import type { ReplicaStatus, SnapshotMeta } from '../../electron/core/replication/store.ts';
import { chain, filesUnder, insertItem, spawnCli, tinySnapshot, tmp, TOKEN } from './replica-fixture.ts';

const MAX_BYTES = 300_000;
let dir: string;
let tmpdir: string;
let replica: Awaited<ReturnType<typeof spawnCli>>;
let client: HttpReplicaClient;
let meta: SnapshotMeta;
let stored: string[];

/** What the server process left in its own temp folder (tsx keeps its cache there too, under another name). */
const serverTemp = () => readdirSync(tmpdir).filter((n) => n.startsWith('cityops'));
const until = async (what: string, fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A request whose body the test writes chunk by chunk, so it can see whether the answer comes before the end. */
function streamed(p: string, method: string, headers: Record<string, string>) {
  const req = http.request(`${replica.url}${p}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  let answered: { status: number; body: string } | null = null;
  const response = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => {
        answered = { status: res.statusCode!, body: b };
        resolve();
      });
    });
  });
  const gone = new Promise<void>((resolve) => req.once('close', () => resolve()));
  req.on('error', () => {}); // a write after the server has answered and closed may fail; the answer is what counts
  return {
    answered: () => answered,
    /** Writes a chunk; returns once it is flushed, or the server answered, or the connection is gone. */
    write: (b: Buffer | string) => Promise.race([new Promise<void>((r) => req.write(b, () => r())), response, gone]),
    /** Writes chunks until the server answers or `total` bytes went; true when it answered before the body ended. */
    async until(chunk: () => Buffer | string, total: number): Promise<boolean> {
      for (let sent = 0; sent < total && !answered;) {
        const c = chunk();
        await this.write(c);
        sent += c.length;
        await new Promise((r) => setTimeout(r, 2));
      }
      // The body never ends (no end() is sent), so an answer at any time is one given while it streamed; the wait is
      // generous because the replica is a separate process a loaded CI machine may starve for seconds.
      await Promise.race([response, new Promise((r) => setTimeout(r, 15_000))]);
      const early = !!answered;
      req.destroy();
      return early;
    },
  };
}

beforeAll(async () => {
  const root = tmp('rquota');
  dir = path.join(root, 'replica');
  tmpdir = path.join(root, 'server-tmp');
  mkdirSync(tmpdir);
  replica = await spawnCli(['replica', '--dir', dir, '--port', '0', '--max-bytes', String(MAX_BYTES)], {
    CITYOPS_REPLICA_TOKEN: TOKEN,
    TMPDIR: tmpdir,
  });
  client = new HttpReplicaClient(replica.url, TOKEN);
  const file = path.join(tmp('rquota-src'), 'snap.db');
  meta = tinySnapshot(file);
  await client.putSnapshot(meta, file);
  stored = filesUnder(dir);
});
afterAll(async () => replica?.stop());

describe('a snapshot upload over the quota', () => {
  it('honest about its size: refused with 413 at once, before its body is sent', async () => {
    const big = randomBytes(1 << 20);
    const m = { ...meta, seq: meta.seq + 1, sha256: createHash('sha256').update(big).digest('hex'), bytes: big.length };
    const up = streamed(`/v1/snapshots/${m.seq}`, 'PUT', {
      'content-type': 'application/octet-stream',
      'content-length': String(big.length),
      'x-cityops-snapshot': JSON.stringify(m),
    });
    let off = 0;
    const early = await up.until(() => big.subarray(off, (off += 16_384)), 64 * 1024);
    expect(early, 'the server answered while the body was still coming').toBe(true);
    expect(up.answered()).toMatchObject({ status: 413 });
    expect(up.answered()!.body).toMatch(/full/);
    // The shipper's own client hears the same, with a message the centre can show.
    const file = path.join(tmp('rquota-big'), 'big.db');
    writeFileSync(file, big);
    await expect(client.putSnapshot(m, file)).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/full/) });
    expect(filesUnder(dir)).toEqual(stored);
    expect(serverTemp()).toEqual([]);
  });

  it('lying about its size: streamed into a partial file inside the folder, refused with 413 mid-stream, the partial file removed', async () => {
    const declared = randomBytes(40_000);
    const m = { ...meta, seq: meta.seq + 2, sha256: createHash('sha256').update(declared).digest('hex'), bytes: declared.length };
    const up = streamed(`/v1/snapshots/${m.seq}`, 'PUT', { 'content-type': 'application/octet-stream', 'x-cityops-snapshot': JSON.stringify(m) });
    await up.write(declared.subarray(0, 16_384));
    await new Promise((r) => setTimeout(r, 300));
    expect(serverTemp(), 'nothing of the upload in the system temp folder').toEqual([]);
    await until('the partial file inside the replica folder', () => filesUnder(dir).some((f) => f.startsWith('snapshots/') && !stored.includes(f)));
    const early = await up.until(() => randomBytes(16_384), 4 << 20);
    expect(early, 'refused while it streamed, not after 4 MB').toBe(true);
    expect(up.answered()).toMatchObject({ status: 413 });
    expect(up.answered()!.body).toMatch(/larger than|full/);
    await until('the partial file to go', () => filesUnder(dir).join() === stored.join());
    expect(serverTemp()).toEqual([]);
    const st = (await client.status()) as ReplicaStatus;
    expect(st.snapshots.map((s) => s.seq)).toEqual([meta.seq]);
  });
});

describe('a segment batch over the quota', () => {
  it('larger than the room left: refused with 413 while it streams, nothing stored', async () => {
    const up = streamed('/v1/segments', 'POST', { 'content-type': 'application/json' }); // chunked: no size up front
    await up.write(`[{"seq":${meta.seq + 1},"tx":1,"at":1,"tbl":"items","op":"I","pk":"[9]","hash":"${'0'.repeat(64)}","row":"`);
    const early = await up.until(() => 'x'.repeat(16_384), 8 << 20);
    expect(early, 'refused while it streamed, not after 8 MB').toBe(true);
    expect(up.answered()).toMatchObject({ status: 413 });
    expect(filesUnder(dir)).toEqual(stored);
  });

  it('just over the quota: refused whole (the chain is right, the room is not), nothing stored', async () => {
    const before = await client.status();
    const room = MAX_BYTES - before.bytes;
    const batch = chain(meta.seq, meta.hash, [insertItem(2, 'x'.repeat(room))]);
    await expect(client.append(batch)).rejects.toMatchObject({ message: expect.stringMatching(/full/) });
    const after = await client.status();
    expect(after).toMatchObject({ lastSeq: before.lastSeq, segments: before.segments, standbySeq: before.standbySeq });
    expect(filesUnder(dir)).toEqual(stored);
    // One that fits is stored.
    expect(await client.append(chain(meta.seq, meta.hash, [insertItem(2, 'fits')]))).toEqual({ ackSeq: meta.seq + 1 });
  });
});
