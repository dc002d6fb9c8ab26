// The replicated history is authenticated: the hash chain alone lets anyone who can write to a replica build a
// consistent forged history that verify accepts; with the centre's public key pinned, verify and restore refuse
// whatever the centre did not sign (issue 11, item 7).
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER, type CallContext } from '../../electron/core/context.ts';
import { DirReplicaClient } from '../../electron/core/replication/client.ts';
import { ReplicaStore } from '../../electron/core/replication/store.ts';
import { restore } from '../../electron/core/replication/restore.ts';
import { verifyReplica } from '../../electron/core/replication/verify.ts';
import { ChainSigner, fingerprint, newSigningKey, publicKeyFrom } from '../../electron/core/replication/signing.ts';
import { coreClient, smallDbCopy, testCore } from '../helpers.ts';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../paths.ts';
import { chain, filesUnder, insertItem, tinySnapshot, tmp } from './replica-fixture.ts';

const centreKey = newSigningKey();
const centre = new ChainSigner(centreKey.privateKey);
const centrePub = publicKeyFrom(centreKey.publicKey);
const forger = new ChainSigner(newSigningKey().privateKey);

/** A replica folder holding a signed snapshot of the tiny centre and one signed batch (items 2 and 3). */
async function signedReplica(): Promise<{ dir: string; head: { seq: number; hash: string } }> {
  const dir = tmp('sig');
  const store = new ReplicaStore(dir, { create: true });
  const snapFile = path.join(tmp('sigsnap'), 's.db');
  const meta = tinySnapshot(snapFile);
  meta.sig = centre.snapshot(meta);
  await store.putSnapshot(meta, snapFile);
  const batch = chain(meta.seq, meta.hash, [insertItem(2, 'second'), insertItem(3, 'third')]);
  const last = batch.at(-1)!;
  store.append({ entries: batch, sig: centre.head(last.seq, last.hash) });
  store.close();
  return { dir, head: { seq: last.seq, hash: last.hash } };
}

/** Appends a forged batch through the store itself (what anyone with write access to the folder can do). */
function forge(dir: string, head: { seq: number; hash: string }, sign?: ChainSigner): void {
  const store = new ReplicaStore(dir);
  const batch = chain(head.seq, head.hash, [insertItem(4, 'forged')]);
  const last = batch.at(-1)!;
  store.append(sign ? { entries: batch, sig: sign.head(last.seq, last.hash) } : batch);
  store.close();
}

async function verifyDir(dir: string, publicKey?: typeof centrePub) {
  const c = new DirReplicaClient(dir, { readOnly: true });
  try {
    return await verifyReplica(c, { publicKey });
  } finally {
    c.close();
  }
}

describe('verify with the centre’s key', () => {
  it('accepts the centre’s own signed history and names the key it checked', async () => {
    const { dir } = await signedReplica();
    const r = await verifyDir(dir, centrePub);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.signedBy).toBe(centre.key);
  });

  it('an unsigned forged batch that chains: accepted without the key (the old gap), refused with it', async () => {
    const { dir, head } = await signedReplica();
    forge(dir, head);
    expect((await verifyDir(dir)).ok).toBe(true);
    const r = await verifyDir(dir, centrePub);
    expect(r.ok).toBe(false);
    expect(r.problems[0].problem).toMatch(/not from the centre's key: not signed/);
    expect(r.problems[0].seq).toBe(head.seq + 1);
  });

  it('a forged batch signed with another key is refused, naming both keys', async () => {
    const { dir, head } = await signedReplica();
    forge(dir, head, forger);
    const r = await verifyDir(dir, centrePub);
    expect(r.ok).toBe(false);
    expect(r.problems[0].problem).toContain(`signed with key ${forger.key}, not the centre's ${centre.key}`);
  });

  it('snapshot metadata changed in the folder (its time moved) is found out by the signature', async () => {
    const { dir } = await signedReplica();
    const metaFile = readdirSync(path.join(dir, 'snapshots')).find((n) => n.endsWith('.json'))!;
    const p = path.join(dir, 'snapshots', metaFile);
    const m = JSON.parse(readFileSync(p, 'utf8')) as { at: number };
    writeFileSync(p, JSON.stringify({ ...m, at: m.at - 86_400_000 }));
    expect((await verifyDir(dir)).ok).toBe(true); // the file's checksum still matches
    const r = await verifyDir(dir, centrePub);
    expect(r.problems.map((x) => x.problem)).toEqual([expect.stringMatching(/snapshot metadata not from the centre's key: the signature does not match/)]);
  });
});

describe('what the replica accepts', () => {
  it('refuses a batch whose signature covers another entry, or is malformed, and stores nothing', async () => {
    const { dir, head } = await signedReplica();
    const before = filesUnder(dir);
    const batch = chain(head.seq, head.hash, [insertItem(4, 'x'), insertItem(5, 'y')]);
    const store = new ReplicaStore(dir);
    try {
      expect(() => store.append({ entries: batch, sig: centre.head(batch[0].seq, batch[0].hash) })).toThrow(
        /batch signature covers sequence \d+, not the batch's last entry/,
      );
      expect(() => store.append({ entries: batch, sig: { ...centre.head(batch[1].seq, batch[1].hash), value: 'not base64!' } })).toThrow(
        /value must be an Ed25519 signature/,
      );
      expect(() => store.append({ entries: batch, sig: 'signed' })).toThrow(/batch signature must be a JSON object/);
      expect(store.status().lastSeq).toBe(head.seq);
    } finally {
      store.close();
    }
    expect(filesUnder(dir)).toEqual(before);
  });
});

describe('the centre signs what it ships', () => {
  const cores: Core[] = [];
  afterAll(async () => {
    for (const c of cores) {
      await c.stopReplication();
      c.close();
    }
  });
  const ctx: CallContext = { actor: 't', via: 'test', user: SYSTEM_USER };

  it('snapshot and batches carry its key; replication.verify and a drill check them; the key never reaches the replica', async () => {
    const c = testCore({ dbPath: smallDbCopy() });
    cores.push(c);
    const dir = tmp('sigcentre');
    const rep = c.startReplication({ target: dir, mode: 'sync' });
    const api = coreClient(c, ctx);
    await api.ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '签名测试' });
    await rep.waitFor(c.app.changelog.head().seq);
    const key = await api.ok('replication.signingKey', {});
    expect(key.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const v = await api.ok('replication.verify', {});
    expect(v.ok).toBe(true);
    expect(v.signedBy).toBe(key.fingerprint);
    expect((await verifyDir(dir, publicKeyFrom(key.publicKey))).ok).toBe(true);
    expect((await api.ok('replication.drill', {})).ok).toBe(true);
    // The private key stays in the centre's local secrets: not in any file on the replica.
    const priv = c.app.db.prepare("SELECT value FROM local_secrets WHERE key = 'signing'").pluck().get() as string;
    const pem = (JSON.parse(priv) as { privateKey: string }).privateKey;
    const body = pem.split('\n')[1];
    for (const f of filesUnder(dir)) expect(readFileSync(path.join(dir, f)).includes(body)).toBe(false);
  });

  it('restore with the key uses the signed history and stops at a forged segment, naming it; nothing is left under the target name', async () => {
    const c = testCore({ dbPath: smallDbCopy() });
    cores.push(c);
    const dir = tmp('sigrestore');
    const rep = c.startReplication({ target: dir, mode: 'sync' });
    const api = coreClient(c, ctx);
    await api.ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '签名恢复' });
    await rep.waitFor(c.app.changelog.head().seq);
    const pub = publicKeyFrom((await api.ok('replication.signingKey', {})).publicKey);
    await c.stopReplication();
    const head = c.app.changelog.head();
    const out = tmp('sigout');
    const reader = () => new DirReplicaClient(dir, { readOnly: true });
    let client = reader();
    try {
      const r = await restore({ client, to: path.join(out, 'a.db'), publicKey: pub });
      expect(r.seq).toBe(head.seq);
      expect(r.signedBy).toBe(fingerprint(pub));
    } finally {
      client.close();
    }
    // A forger with write access to the folder appends a setting that chains and applies.
    const store = new ReplicaStore(dir);
    store.append(chain(head.seq, head.hash, [{ tbl: 'settings', op: 'I', pk: '["forged"]', row: '{"key":"forged","value":"1"}' }]));
    store.close();
    client = reader();
    try {
      await expect(restore({ client, to: path.join(out, 'b.db'), publicKey: pub })).rejects.toThrow(
        /restore stopped at segments\/.*not from the centre's key: not signed/,
      );
      expect(filesUnder(out)).toEqual(['a.db']);
      // Without the key the forged change is restored: the reason to pin it.
      expect((await restore({ client, to: path.join(out, 'b.db') })).seq).toBe(head.seq + 1);
    } finally {
      client.close();
    }
  });
});

describe('cityops signing-key and verify --public-key', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('prints the centre’s key; verify with it passes the centre’s history and fails a forged batch; a bad key file is a usage error', async () => {
    const file = smallDbCopy();
    const c = testCore({ dbPath: file });
    const dir = tmp('sigcli');
    const rep = c.startReplication({ target: dir, mode: 'sync' });
    await coreClient(c, { actor: 't', via: 'test', user: SYSTEM_USER }).ok('cases.intake', {
      channel: 'hotline',
      classCode: '0102',
      lon: 119.92,
      lat: 32.46,
      description: '命令行签名',
    });
    await rep.waitFor(c.app.changelog.head().seq);
    const fp = c.app.replication.signingKey().fingerprint;
    await c.stopReplication();
    const head = c.app.changelog.head();
    c.close();
    const keyFile = path.join(tmp('sigkey'), 'centre.pub');
    const printed = run('signing-key', '--db', file, '--out', keyFile);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toContain(`fingerprint ${fp}`);
    const ok = run('verify', '--from', dir, '--public-key', keyFile);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`every one signed by the centre's key ${fp}`);
    const store = new ReplicaStore(dir);
    store.append(chain(head.seq, head.hash, [{ tbl: 'settings', op: 'I', pk: '["forged"]', row: '{"key":"forged","value":"1"}' }]));
    store.close();
    const bad = run('verify', '--from', dir, '--public-key', keyFile);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/FAILED at segments\/.*not from the centre's key: not signed/);
    writeFileSync(keyFile + '.bad', 'not a key');
    const wrong = run('verify', '--from', dir, '--public-key', keyFile + '.bad');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--public-key .*not a public key/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
