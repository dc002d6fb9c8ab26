// The warm standby moves with the log: each batch is applied to it before it is acknowledged, and a batch it cannot
// apply (a table it does not have, a row that breaks a constraint) is refused whole with the reason, nothing of it
// stored. Verify — GET /v1/verify and `cityops verify` — compares the standby with the log and names both sequences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Core } from '../../electron/core/core.ts';
import { DirReplicaClient, HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { encodeSegment, fileSha256, type ReplicaStatus, type SnapshotMeta } from '../../electron/core/replication/store.ts';
import type { VerifyReport } from '../../electron/core/replication/verify.ts';
import { ROOT } from '../paths.ts';
import { smallDbCopy } from '../helpers.ts';
import { chain, insertItem, tinySnapshot, tmp, TOKEN } from './replica-fixture.ts';

let dir: string;
let srv: Awaited<ReturnType<typeof startReplicaServer>>;
let client: HttpReplicaClient;
let meta: SnapshotMeta;
const segmentFiles = () => readdirSync(path.join(dir, 'segments')).sort();
/** Item names in the standby, read from its file as another process would. */
const standbyItems = () => {
  const db = new Database(path.join(dir, 'standby.db'), { readonly: true });
  try {
    return (db.prepare('SELECT name FROM items ORDER BY id').all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};
const verifyOverHttp = async () => (await (await fetch(`${srv.url}/v1/verify`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as VerifyReport;
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

beforeAll(async () => {
  dir = path.join(tmp('rstandby'), 'replica');
  srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
  client = new HttpReplicaClient(srv.url, TOKEN);
  const file = path.join(tmp('rstandby-src'), 'snap.db');
  meta = tinySnapshot(file);
  await client.putSnapshot(meta, file);
  await client.append(chain(meta.seq, meta.hash, [insertItem(2, 'second')]));
});
afterAll(async () => srv?.close());

describe('a batch that chains but cannot be applied to the warm standby', () => {
  it('an update of a table the standby does not have: refused with the reason, not acknowledged, nothing stored', async () => {
    const before = await client.status();
    const segs = segmentFiles();
    const bad = chain(before.lastSeq, before.lastHash, [{ tbl: 'no_such_table', op: 'U', pk: '[1]', row: '{"id":1}' }]);
    await expect(client.append(bad)).rejects.toMatchObject({
      status: 422,
      seq: bad[0].seq,
      message: expect.stringMatching(/standby cannot apply entry \d+.*no_such_table/),
    });
    expect(await client.status()).toMatchObject({ lastSeq: before.lastSeq, lastHash: before.lastHash, standbySeq: before.lastSeq, segments: segs.length });
    expect(segmentFiles()).toEqual(segs);
    expect((await verifyOverHttp()).ok).toBe(true);
  });

  it('a row that breaks a constraint after rows that would apply: the whole batch is refused, the standby unchanged', async () => {
    const before = await client.status();
    const segs = segmentFiles();
    for (const breaking of [insertItem(4, 'second') /* UNIQUE name */, insertItem(4, null) /* NOT NULL name */, insertItem(2, 'again') /* same key */]) {
      const bad = chain(before.lastSeq, before.lastHash, [insertItem(3, 'third'), breaking]);
      await expect(client.append(bad)).rejects.toMatchObject({ status: 422, seq: bad[1].seq, message: expect.stringMatching(/standby cannot apply/) });
      expect(await client.status()).toMatchObject({ lastSeq: before.lastSeq, standbySeq: before.lastSeq });
      expect(segmentFiles()).toEqual(segs);
      expect(standbyItems()).toEqual(['first', 'second']);
    }
    // The same sequences with rows the standby can take are acknowledged once they are in it.
    const good = chain(before.lastSeq, before.lastHash, [insertItem(3, 'third'), insertItem(4, 'fourth')]);
    expect(await client.append(good)).toEqual({ ackSeq: good[1].seq });
    expect(await client.status()).toMatchObject({ lastSeq: good[1].seq, standbySeq: good[1].seq });
    expect(standbyItems()).toEqual(['first', 'second', 'third', 'fourth']);
  });
});

describe('a snapshot the warm standby cannot start from', () => {
  it('is refused (its checksum is right, its content is not a database) and not stored', async () => {
    const before = await client.status();
    const junk = path.join(tmp('rstandby-junk'), 'junk.db');
    writeFileSync(junk, 'not a database '.repeat(200));
    const m: SnapshotMeta = { ...meta, seq: before.lastSeq, hash: before.lastHash, ...fileSha256(junk) };
    await expect(client.putSnapshot(m, junk)).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/warm standby/) });
    expect(await client.status()).toMatchObject({ lastSeq: before.lastSeq, standbySeq: before.standbySeq, snapshots: before.snapshots });
    expect(readdirSync(path.join(dir, 'snapshots')).sort()).toEqual(
      before.snapshots.flatMap((s) => [`${String(s.seq).padStart(12, '0')}.db`, `${String(s.seq).padStart(12, '0')}.json`]).sort(),
    );
  });
});

describe('verify compares the standby with the log', () => {
  it('a segment written into the folder directly leaves the standby behind: GET /v1/verify and cityops verify name both sequences', async () => {
    const st: ReplicaStatus = await client.status();
    expect((await verifyOverHttp()).ok).toBe(true);
    const next = chain(st.lastSeq, st.lastHash, [insertItem(10, 'dropped in')]);
    const name = `${String(next[0].seq).padStart(12, '0')}-${String(next[0].seq).padStart(12, '0')}.seg`;
    writeFileSync(path.join(dir, 'segments', name), encodeSegment(st.lastHash, next));
    const v = await verifyOverHttp();
    expect(v.ok).toBe(false);
    const p = v.problems.find((x) => x.file === 'standby.db');
    expect(p?.problem).toMatch(new RegExp(`standby is at sequence ${st.lastSeq}\\b.*log ends at ${next[0].seq}\\b`));

    await srv.close();
    const out = cli('verify', '--from', dir);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`standby.db.*standby is at sequence ${st.lastSeq}\\b.*log ends at ${next[0].seq}\\b`));

    // Opened again by its server, the replica brings the standby up to the log from the stored segments.
    srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
    expect(await verifyOverHttp()).toMatchObject({ ok: true, lastSeq: next[0].seq });
    expect(standbyItems().at(-1)).toBe('dropped in');
  });
});

describe('the shipper and the standby', () => {
  it('sends a snapshot when the replica’s newest one has another schema version, so the standby gets the new schema first', async () => {
    const core = new Core({ dbPath: smallDbCopy() });
    const rdir = path.join(tmp('rstandby-centre'), 'replica');
    try {
      const schema = (core.app.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
      // The replica holds this centre's state, recorded before the last migration.
      const file = path.join(tmp('rstandby-snap'), 'snap.db');
      await core.app.db.backup(file);
      const head = core.app.changelog.head();
      const old: SnapshotMeta = { seq: head.seq, hash: head.hash, at: Date.now(), ...fileSha256(file), createdAt: Date.now(), schemaVersion: schema - 1 };
      const d = new DirReplicaClient(rdir, { create: true });
      await d.putSnapshot(old, file);
      d.close();
      const rep = core.startReplication({ target: rdir, mode: 'async' });
      const end = Date.now() + 20_000;
      while (rep.status().state !== 'ok' && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      expect(rep.status().state).toBe('ok');
      await core.stopReplication();
      const r = new DirReplicaClient(rdir);
      const st = await r.status();
      r.close();
      expect(st.snapshots.at(-1)).toMatchObject({ seq: head.seq, schemaVersion: schema });
      expect(st.standbySeq).toBe(st.lastSeq);
    } finally {
      await core.stopReplication();
      core.close();
    }
  });
});
