// Off-site replication with the core in process: the change log, sync and async shipping, outages and catch-up,
// snapshots, restore (latest, by sequence, point in time), verify and corruption, a full disk, drills, permissions.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER, type CallContext } from '../../electron/core/context.ts';
import { checkChain } from '../../electron/core/replication/changelog.ts';
import { DirReplicaClient, HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { restore } from '../../electron/core/replication/restore.ts';
import { verifyReplica } from '../../electron/core/replication/verify.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import { addUsers, coreClient, fileDigests, passwordOf, smallDbCopy, type TestClient, testCore } from '../helpers.ts';

const TOKEN = 'replication-test-token-0123';
const ctx: CallContext = { actor: 't', via: 'test', user: SYSTEM_USER };
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-rep-'));
const cores: Core[] = [];
afterAll(async () => {
  for (const c of cores) {
    await c.stopReplication();
    c.close();
  }
});

function centre(file = smallDbCopy()): Core {
  const c = testCore({ dbPath: file });
  cores.push(c);
  return c;
}
/** The typed client of a centre, as the system principal. */
const asSystem = (c: Core): TestClient => coreClient(c, ctx);
async function intake(c: Core, text: string) {
  return asSystem(c).ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: text });
}
const until = async (fn: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};
describe('the change log', () => {
  it('records every write with a gap-free hash chain, in the write’s own transaction', async () => {
    const c = centre();
    const h0 = c.app.changelog.head();
    const a = await intake(c, '日志一');
    await asSystem(c).ok('cases.act', { id: a.id, version: a.version, action: 'accept' });
    const entries = c.app.changelog.after(h0.seq, 1000);
    expect(entries.map((e) => e.tbl)).toEqual(['case_serials', 'cases', 'case_history', 'cases', 'case_history']);
    expect(checkChain(h0.seq, h0.hash, entries)).toBeNull();
    expect(new Set(entries.slice(0, 3).map((e) => e.tx)).size).toBe(1); // intake = one transaction
    expect(entries[3].tx).toBeGreaterThan(entries[0].tx);
    // A refused write leaves nothing in the log.
    const h1 = c.app.changelog.head();
    await asSystem(c).refused('cases.intake', { channel: 'hotline', classCode: '0102', lon: 121, lat: 31, description: 'x' });
    expect(c.app.changelog.head()).toEqual(h1);
  });

  it('opening a centre again leaves its schema alone: the triggers are recreated only when the tables changed', () => {
    const c = centre();
    const before = c.app.db.pragma('schema_version', { simple: true });
    c.close();
    const again = centre(c.app.file);
    expect(again.app.db.pragma('schema_version', { simple: true })).toBe(before);
  });

  it('nothing writes around it: another program cannot write a replicated table, the core cannot write outside a transaction', () => {
    const c = centre();
    const other = new Database(c.app.file);
    expect(() => other.prepare("INSERT INTO channels (code, name, needs_verify, ord) VALUES ('fax', '传真', 0, 99)").run()).toThrow(/cityops_logging/);
    other.close();
    expect(() => c.app.db.prepare("INSERT INTO channels (code, name, needs_verify, ord) VALUES ('fax', '传真', 0, 99)").run()).toThrow(/outside a transaction/);
    expect(c.app.db.prepare("SELECT count(*) AS n FROM channels WHERE code = 'fax'").get()).toEqual({ n: 0 });
  });
});

describe('shipping to a replica', () => {
  it('sync mode: a write is acknowledged only once the replica holds it; a restore equals the centre', async () => {
    const c = centre();
    const dir = path.join(tmp(), 'replica');
    const rep = c.startReplication({ target: dir, mode: 'sync' });
    await until(() => rep.status().state === 'ok');
    for (let i = 0; i < 15; i++) {
      await intake(c, `同步 ${i}`);
      // At the moment the caller hears back, the replica already has the write.
      const st = new DirReplicaClient(dir);
      expect((await st.status()).lastSeq).toBe(c.app.changelog.head().seq);
      st.close();
    }
    const out = path.join(tmp(), 'restored.db');
    const r = await restore({ client: new DirReplicaClient(dir), to: out });
    expect(r.seq).toBe(c.app.changelog.head().seq);
    expect(r.integrity).toBe('ok');
    expect(fileDigests(out)).toEqual(fileDigests(c.app.file));
  });

  it('edits, a grid split and a bulk import (shipped as a snapshot) reach the replica: a restore equals the centre', async () => {
    const c = centre();
    const dir = path.join(tmp(), 'replica');
    const rep = c.startReplication({ target: dir, mode: 'async' });
    await until(() => rep.status().state === 'ok');
    const { ok } = asSystem(c);
    const added = await ok('components.commit', { message: '新增', changes: [{ op: 'add', ref: 'a', classCode: '0118', lon: 119.9201, lat: 32.4601 }] });
    const rec = await ok('components.record', { code: added.assigned.a });
    await ok('components.commit', { message: '移位', changes: [{ op: 'update', code: added.assigned.a, baseVersion: rec.version, lon: 119.9202 }] });
    const cell = await ok('grid.locate', { lon: 119.9401, lat: 32.4701 });
    const midX = (cell.bbox[0] + cell.bbox[2]) / 2;
    await ok('grid.split', {
      code: cell.code,
      line: [
        [midX, cell.bbox[1] - 0.001],
        [midX, cell.bbox[3] + 0.001],
      ],
      message: '拆分',
    });
    // 20,001 new lamps: more than the bulk threshold, so they travel in a snapshot rather than 40,000 entries.
    const file = path.join(tmp(), 'lamps.geojson');
    const features = Array.from({ length: 20_001 }, (_, i) => ({
      type: 'Feature',
      properties: { ClassCode: '0118' },
      geometry: { type: 'Point', coordinates: [119.9 + (i % 200) * 0.0002, 32.44 + Math.floor(i / 200) * 0.0003] },
    }));
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const before = c.app.changelog.head().seq;
    const { runImport } = await import('../../electron/core/gis/importer.ts');
    const report = runImport(c.app, file, 'lamps.geojson', { layer: 'components', actor: 't', message: '批量导入' });
    expect(report.counts).toMatchObject({ add: 20_001, error: 0 });
    expect(c.app.changelog.head().seq - before).toBeLessThan(10); // a marker, not one entry per row
    rep.notify();
    await until(() => rep.status().lagChanges === 0 && rep.status().state === 'ok', 30_000);
    const out = path.join(tmp(), 'restored.db');
    const r = await restore({ client: new DirReplicaClient(dir), to: out });
    expect(r.integrity).toBe('ok');
    expect(fileDigests(out)).toEqual(fileDigests(c.app.file));
    const restored = new Database(out, { readonly: true });
    expect(restored.prepare('SELECT count(*) AS n FROM component_versions').get()).toEqual(
      new Database(c.app.file, { readonly: true }).prepare('SELECT count(*) AS n FROM component_versions').get(),
    );
    restored.close();
  });

  it('async mode over HTTP: the replica goes away, the centre keeps working and alarms, then catches up with no gap', async () => {
    const c = centre();
    const events: PushEvent[] = [];
    c.subscribe((e) => events.push(e));
    const dir = path.join(tmp(), 'replica');
    let srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
    const port = Number(new URL(srv.url).port);
    const rep = c.startReplication({ target: srv.url, token: TOKEN, mode: 'async' });
    await until(() => rep.status().state === 'ok');
    await intake(c, '在线');
    await until(() => rep.status().lagChanges === 0);
    await srv.close();
    for (let i = 0; i < 10; i++) await intake(c, `离线 ${i}`); // the centre keeps accepting work
    await until(() => rep.status().state === 'disconnected');
    expect(rep.status().lagChanges).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'replication.status' && e.payload.alert)).toBe(true);
    srv = await startReplicaServer({ dir, token: TOKEN, port });
    await until(() => rep.status().state === 'ok' && rep.status().lagChanges === 0, 15_000);
    const client = new HttpReplicaClient(srv.url, TOKEN);
    expect((await verifyReplica(client)).ok).toBe(true);
    const out = path.join(tmp(), 'r.db');
    await restore({ client, to: out });
    expect(fileDigests(out)).toEqual(fileDigests(c.app.file));
    await c.stopReplication();
    await srv.close();
  });

  it('sync mode with the replica down: writes still succeed (degraded to async), then it catches up by itself', async () => {
    const c = centre();
    const dir = path.join(tmp(), 'replica');
    let srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
    const port = Number(new URL(srv.url).port);
    const rep = c.startReplication({ target: srv.url, token: TOKEN, mode: 'sync', syncTimeoutMs: 300 });
    await until(() => rep.status().state === 'ok');
    await srv.close();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await intake(c, `降级 ${i}`);
    expect(Date.now() - t0).toBeLessThan(5000); // at most one sync timeout, then async
    expect(['degraded', 'disconnected']).toContain(rep.status().state);
    srv = await startReplicaServer({ dir, token: TOKEN, port });
    await until(() => rep.status().state === 'ok', 15_000);
    await intake(c, '恢复同步');
    expect((await new HttpReplicaClient(srv.url, TOKEN).status()).lastSeq).toBe(c.app.changelog.head().seq);
    await c.stopReplication();
    await srv.close();
  });

  it('a full or unwritable replica: the centre keeps working and reports why', async () => {
    const c = centre();
    const dir = path.join(tmp(), 'replica');
    const srv = await startReplicaServer({ dir, token: TOKEN, port: 0, maxBytes: 1000 }); // not even room for a snapshot
    const rep = c.startReplication({ target: srv.url, token: TOKEN, mode: 'sync', syncTimeoutMs: 300 });
    await until(() => !!rep.status().lastError);
    expect(rep.status().lastError).toMatch(/full/);
    await intake(c, '磁盘满');
    expect(rep.status().state).not.toBe('ok');
    await c.stopReplication();
    await srv.close();

    const d = centre();
    const dir2 = path.join(tmp(), 'replica');
    const rep2 = d.startReplication({ target: dir2, mode: 'async' });
    await until(() => rep2.status().state === 'ok');
    rmSync(path.join(dir2, 'segments'), { recursive: true });
    writeFileSync(path.join(dir2, 'segments'), 'not a folder'); // the share became unwritable
    await intake(d, '不可写');
    await until(() => !!rep2.status().lastError);
    expect(rep2.status().state).toBe('disconnected');
    await d.stopReplication();
  });
});

describe('restore and verify', () => {
  /** A centre with a replica holding two snapshots and segments around them. */
  async function history() {
    const c = centre();
    const dir = path.join(tmp(), 'replica');
    const rep = c.startReplication({ target: dir, mode: 'sync' });
    await until(() => rep.status().state === 'ok');
    const marks: { seq: number; at: number; digest: ReturnType<typeof fileDigests> }[] = [];
    for (let i = 0; i < 6; i++) await intake(c, `第一批 ${i}`);
    await new Promise((r) => setTimeout(r, 20));
    marks.push({ seq: c.app.changelog.head().seq, at: Date.now(), digest: fileDigests(c.app.file) });
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 6; i++) await intake(c, `第二批 ${i}`);
    await rep.snapshot();
    for (let i = 0; i < 6; i++) await intake(c, `第三批 ${i}`);
    await c.stopReplication();
    return { c, dir, marks };
  }

  it('restores the latest state, a sequence, and a point in time equal to a copy recorded then', async () => {
    const { c, dir, marks } = await history();
    const client = new DirReplicaClient(dir);
    const latest = path.join(tmp(), 'latest.db');
    const r = await restore({ client, to: latest });
    expect(r.snapshotSeq).toBeGreaterThan(marks[0].seq); // the newer snapshot, so less to replay
    expect(fileDigests(latest)).toEqual(fileDigests(c.app.file));
    const bySeq = path.join(tmp(), 'seq.db');
    expect((await restore({ client, to: bySeq, seq: marks[0].seq })).seq).toBe(marks[0].seq);
    expect(fileDigests(bySeq)).toEqual(marks[0].digest);
    const byTime = path.join(tmp(), 'time.db');
    const t = await restore({ client, to: byTime, at: marks[0].at });
    expect(t.seq).toBe(marks[0].seq);
    expect(fileDigests(byTime)).toEqual(marks[0].digest);
    // The restored file opens as a centre with every case and its history.
    const back = centre(latest);
    expect(back.info().cases).toBe(c.info().cases);
  });

  it('refuses to overwrite, a time before the first snapshot, a sequence beyond the replica, and a folder that is not a replica', async () => {
    const { dir } = await history();
    const client = new DirReplicaClient(dir);
    const exists = path.join(tmp(), 'exists.db');
    writeFileSync(exists, 'keep me');
    await expect(restore({ client, to: exists })).rejects.toThrow(/never overwrites/);
    expect(readFileSync(exists, 'utf8')).toBe('keep me');
    await expect(restore({ client, to: path.join(tmp(), 'a.db'), at: Date.parse('2001-01-01T00:00:00Z') })).rejects.toThrow(/before the first snapshot/);
    await expect(restore({ client, to: path.join(tmp(), 'b.db'), seq: 10_000_000 })).rejects.toThrow(/beyond/);
    expect(() => new DirReplicaClient(tmp())).toThrow(/not a CityOps replica/);
    // A dry run checks everything and writes nothing.
    const dry = path.join(tmp(), 'dry.db');
    const r = await restore({ client, to: dry, dryRun: true });
    expect(r.integrity).toBe('ok');
    expect(existsSync(dry)).toBe(false);
  });

  it('one flipped byte in a segment: verify names it, restore stops before it and says so', async () => {
    const { dir } = await history();
    const client = new DirReplicaClient(dir);
    const newest = Math.max(...(await client.status()).snapshots.map((x) => x.seq));
    // A segment after the newest snapshot: every restore to the latest state needs it.
    const victim = readdirSync(path.join(dir, 'segments'))
      .sort()
      .find((n) => Number(n.slice(0, 12)) > newest)!;
    const file = path.join(dir, 'segments', victim);
    const buf = readFileSync(file);
    buf[Math.floor(buf.length / 3)] ^= 0x01;
    writeFileSync(file, buf);
    const from = Number(victim.slice(0, 12));
    const v = await verifyReplica(client);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ file: `segments/${victim}`, seq: from });
    const target = path.join(tmp(), 'x.db');
    await expect(restore({ client, to: target })).rejects.toThrow(new RegExp(`segments/${victim}.*last good sequence is ${from - 1}`));
    expect(existsSync(target)).toBe(false);
    // Up to the sequence before the damage, the restore works.
    expect((await restore({ client, to: target, seq: from - 1 })).seq).toBe(from - 1);
  });

  it('one flipped byte in the newest snapshot: verify names it, restore falls back to the older snapshot', async () => {
    const { c, dir } = await history();
    const snaps = readdirSync(path.join(dir, 'snapshots'))
      .filter((n) => n.endsWith('.db'))
      .sort();
    expect(snaps.length).toBe(2);
    const file = path.join(dir, 'snapshots', snaps[1]);
    const buf = readFileSync(file);
    buf[buf.length - 100] ^= 0x80;
    writeFileSync(file, buf);
    const client = new DirReplicaClient(dir);
    const v = await verifyReplica(client);
    expect(v.problems.map((p) => p.file)).toEqual([`snapshots/${snaps[1]}`]);
    const out = path.join(tmp(), 'fallback.db');
    const r = await restore({ client, to: out });
    expect(r.skippedSnapshots.map((s) => s.seq)).toEqual([Number(snaps[1].slice(0, 12))]);
    expect(fileDigests(out)).toEqual(fileDigests(c.app.file));
  });
});

describe('the DR console methods', () => {
  it('runs a drill (restore to a temporary file, compare with the live database), records it, and needs the DR role', async () => {
    const file = smallDbCopy();
    await addUsers(file, [
      { name: 'dr1', role: 'dr_operator' },
      { name: 'op1', role: 'operator' },
    ]);
    const c = centre(file);
    const rep = c.startReplication({ target: path.join(tmp(), 'replica'), mode: 'async' });
    await until(() => rep.status().state === 'ok');
    await intake(c, '演练');
    /** The typed client as a user, logged in. */
    const login = async (n: string) => {
      const { token } = await coreClient(c, { actor: n, via: 'test' }).ok('auth.login', { name: n, password: passwordOf(n) });
      return coreClient(c, { actor: n, via: 'test', token });
    };
    const dr = await login('dr1');
    const op = await login('op1');
    for (const m of ['replication.drill', 'replication.verify', 'replication.drills', 'replication.standby', 'replication.snapshot'] as const) {
      expect((await op.refused(m, {})).code, m).toBe('FORBIDDEN');
    }
    const d = await dr.ok('replication.drill', {});
    expect(d.ok).toBe(true);
    expect(d.tables.find((t) => t.table === 'cases')?.same).toBe(true);
    expect((await dr.ok('replication.drills', {}))[0]).toMatchObject({ id: d.id, ok: true });
    expect((await dr.ok('replication.verify', {})).ok).toBe(true);
    const sb = await dr.call('replication.standby', {});
    await until(async () => (await dr.ok('replication.standby', {}))?.counts.cases === c.info().cases);
    expect(sb.ok).toBe(true);
    const st = await op.ok('replication.status', {});
    expect(st).toMatchObject({ configured: true, mode: 'async', connected: true });
    expect(JSON.stringify(st)).not.toContain(TOKEN);
  });
});
