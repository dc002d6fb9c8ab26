// TLS for the hall server and the replica: a throwaway CA and server certificate for 127.0.0.1/localhost, made with
// openssl at test time. HTTPS and wss:// for a session; clients that do not trust the CA are refused; the centre
// ships to an https:// replica it trusts through --replica-ca, and restore and verify read it with --tls-ca; a wrong
// CA is a clear message; bad certificate options are refused before anything opens, the database unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { Core } from '../../electron/core/core.ts';
import { HttpReplicaClient, trustReplicaCa } from '../../electron/core/replication/client.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { restore } from '../../electron/core/replication/restore.ts';
import { verifyReplica } from '../../electron/core/replication/verify.ts';
import { allowedHostNames, startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import { addUsers, fileDigests, fingerprint, passwordOf, smallDbCopy, testCore } from '../helpers.ts';
import { ROOT } from '../paths.ts';

const TOKEN = 'tls-test-replica-token-0123456789';
const bin = path.join(ROOT, 'bin', 'cityops.mjs');
const cityops = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });
/** The same, without blocking this process (which hosts the servers the command talks to). */
function cityopsAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => proc.on('close', (status) => resolve({ status, stdout, stderr })));
}
/** Time for tests that start cityops processes (each one loads the TypeScript sources). */
const SPAWNS = 180_000;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cityops-tls-'));
const certs = tmp();
const pem = (name: string) => path.join(certs, name);
const until = async (fn: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Runs openssl in the certificate folder. */
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA of two days in NAME.crt / NAME.key. */
function makeCa(name: string): void {
  openssl('req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=CityOps test ${name}`);
}

/** A server certificate for 127.0.0.1 and localhost in NAME.crt / NAME.key, signed by the CA `caName`. */
function makeServer(name: string, caName: string): void {
  openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost');
  writeFileSync(pem(`${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.crt`,
    '-CAkey',
    `${caName}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

makeCa('centre-ca');
makeCa('other-ca');
makeServer('hall', 'centre-ca');
const ca = readFileSync(pem('centre-ca.crt'));
const otherCa = readFileSync(pem('other-ca.crt'));
const tls = { cert: readFileSync(pem('hall.crt')), key: readFileSync(pem('hall.key')) };

/** A JSON request over HTTPS trusting `trust` (the CA), as fetch cannot take a private CA. */
function https(url: string, trust: Buffer, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', ca: trust, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('the hall server over HTTPS', () => {
  let core: Core;
  let server: HttpServer;
  let token: string;
  beforeAll(async () => {
    const file = smallDbCopy();
    await addUsers(file, [{ name: 'op', role: 'operator' }]);
    core = testCore({ dbPath: file });
    server = await startHttpServer({ core, port: 0, tls });
    const login = await https(`${server.url}/api/auth.login`, ca, { name: 'op', password: passwordOf('op') });
    token = (login.json.result as { token: string }).token;
  });
  afterAll(async () => {
    await server?.close();
    core?.close();
  });

  it('answers a client that trusts the centre CA, at an https:// address', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect((await https(`${server.url}/health`, ca)).status).toBe(200);
    expect((await https(`${server.url.replace('127.0.0.1', 'localhost')}/health`, ca)).status).toBe(200);
  });

  it('a configured name without a port is also answered bare (a proxy publishing it on 443); the listening address only on its default port', () => {
    expect(allowedHostNames('10.12.0.5', 443, ['hall.cityops.local'], 443)).toContain('hall.cityops.local');
    expect(allowedHostNames('10.12.0.5', 8731, ['hall.cityops.local'])).toEqual(new Set(['10.12.0.5:8731', 'hall.cityops.local:8731', 'hall.cityops.local']));
    expect(allowedHostNames('10.12.0.5', 443, ['hall.cityops.local:8443'])).not.toContain('hall.cityops.local');
    expect(allowedHostNames('10.12.0.5', 80, [], 443)).not.toContain('10.12.0.5');
  });

  it('refuses at the handshake a client without the CA, or with another CA; plain HTTP gets nothing', async () => {
    await expect(fetch(`${server.url}/health`)).rejects.toMatchObject({ cause: { code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED/) } });
    await expect(https(`${server.url}/health`, otherCa)).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED/) });
    await expect(fetch(`${server.url.replace('https:', 'http:')}/health`)).rejects.toThrow();
  });

  it('pushes a session its events over wss://; a socket that does not trust the CA never opens', async () => {
    const ws = new WebSocket(`${server.url.replace('https:', 'wss:')}/ws?token=${token}`, { ca });
    const events: PushEvent[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as PushEvent));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const c = await https(`${server.url}/api/cases.intake`, ca, { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: 'wss' }, token);
    const id = (c.json.result as { id: number }).id;
    await until(() => events.some((e) => e.type === 'cases.changed' && e.payload.id === id));
    ws.close();
    const untrusted = new WebSocket(`${server.url.replace('https:', 'wss:')}/ws?token=${token}`);
    const err = await new Promise<Error & { code?: string }>((resolve) => untrusted.once('error', resolve));
    expect(err.code).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED/);
  });
});

describe('the replica over HTTPS', () => {
  const dir = path.join(tmp(), 'replica');
  let replica: Awaited<ReturnType<typeof startReplicaServer>>;
  let centre: Core;
  const tokenFile = path.join(tmp(), 'replica.token');
  beforeAll(async () => {
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    replica = await startReplicaServer({ dir, token: TOKEN, port: 0, tls });
    centre = testCore({ dbPath: smallDbCopy() });
  });
  afterAll(async () => {
    trustReplicaCa(undefined);
    await centre?.stopReplication();
    centre?.close();
    await replica?.close();
  });

  it('the centre ships to it trusting the CA of --replica-ca; restore and verify read it back with that CA', async () => {
    expect(replica.url).toMatch(/^https:\/\//);
    trustReplicaCa(ca); // what serve --replica-ca does; the client takes it when it is made
    const rep = centre.startReplication({ target: replica.url, token: TOKEN, mode: 'sync' });
    trustReplicaCa(undefined);
    await until(() => rep.status().state === 'ok');
    const intake = { channel: 'hotline' as const, classCode: '0102', lon: 119.92, lat: 32.46, description: '经 TLS 同步' };
    const { systemContext } = await import('../../electron/core/context.ts');
    const r = await centre.invoke('cases.intake', intake, systemContext('test', 'test'));
    expect(r.ok).toBe(true);
    await until(() => rep.status().lagChanges === 0);
    const client = new HttpReplicaClient(replica.url, TOKEN, { ca });
    expect((await client.status()).lastSeq).toBe(centre.app.changelog.head().seq);
    expect((await verifyReplica(client)).ok).toBe(true);
    const out = path.join(tmp(), 'restored.db');
    await restore({ client, to: out });
    expect(fileDigests(out)).toEqual(fileDigests(centre.app.file));
    client.close();
  });

  it(
    'cityops verify and restore take --tls-ca',
    async () => {
      const v = await cityopsAsync('verify', '--from', replica.url, '--token-file', tokenFile, '--tls-ca', pem('centre-ca.crt'));
      expect(v.stdout).toMatch(/^verified /);
      expect(v.status).toBe(0);
      const out = path.join(tmp(), 'cli.db');
      const r = await cityopsAsync('restore', '--from', replica.url, '--token-file', tokenFile, '--tls-ca', pem('centre-ca.crt'), '--to', out);
      expect(r.stdout).toMatch(/^restored /);
      expect(r.status).toBe(0);
    },
    SPAWNS,
  );

  it(
    'a client with another CA, or none, fails at once saying the certificate is not trusted and what to give',
    async () => {
      for (const c of [new HttpReplicaClient(replica.url, TOKEN, { ca: otherCa }), new HttpReplicaClient(replica.url, TOKEN)]) {
        await expect(c.status()).rejects.toMatchObject({ message: expect.stringMatching(/certificate is not trusted.*--tls-ca FILE/) });
        c.close();
      }
      const v = await cityopsAsync('verify', '--from', replica.url, '--token-file', tokenFile, '--tls-ca', pem('other-ca.crt'));
      expect(v.status).toBe(1);
      expect(v.stderr).toMatch(/certificate is not trusted/);
    },
    SPAWNS,
  );
});

describe('the TLS options of the command line', () => {
  let db: string;
  let before: string;
  beforeAll(() => {
    db = smallDbCopy();
    before = fingerprint(db);
  });
  const serve = (...a: string[]) => cityops('serve', '--db', db, '--port', '0', ...a);

  it(
    'refuses --tls-cert without --tls-key, and the other way round, as a usage error',
    () => {
      const alone = serve('--tls-cert', pem('hall.crt'));
      expect([alone.status, alone.stderr]).toEqual([2, expect.stringMatching(/--tls-cert and --tls-key go together/)]);
      const tokenFile = path.join(tmp(), 'replica.token');
      writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      const replicaAlone = cityops('replica', '--dir', tmp(), '--token-file', tokenFile, '--port', '0', '--tls-key', pem('hall.key'));
      expect([replicaAlone.status, replicaAlone.stderr]).toEqual([2, expect.stringMatching(/--tls-cert and --tls-key go together/)]);
      expect(fingerprint(db)).toBe(before);
    },
    SPAWNS,
  );

  it(
    'refuses an unreadable file, a file that is not PEM, and a key of another certificate, naming the file',
    () => {
      const notPem = path.join(certs, 'not.pem');
      writeFileSync(notPem, 'not a certificate\n');
      const missing = serve('--tls-cert', pem('none.crt'), '--tls-key', pem('hall.key'));
      expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/cannot read --tls-cert .*none\.crt/)]);
      const garbage = serve('--tls-cert', notPem, '--tls-key', pem('hall.key'));
      expect([garbage.status, garbage.stderr]).toEqual([1, expect.stringMatching(/not\.pem is not a PEM file/)]);
      const mismatch = serve('--tls-cert', pem('hall.crt'), '--tls-key', pem('other-ca.key'));
      expect([mismatch.status, mismatch.stderr]).toEqual([1, expect.stringMatching(/--tls-key .*other-ca\.key does not go with --tls-cert/)]);
      expect(fingerprint(db)).toBe(before);
    },
    SPAWNS,
  );

  it(
    'refuses --tls-ca for a replica reached over plain http://',
    () => {
      const caOnHttp = cityops('verify', '--from', 'http://127.0.0.1:1', '--token', TOKEN, '--tls-ca', pem('centre-ca.crt'));
      expect([caOnHttp.status, caOnHttp.stderr]).toEqual([2, expect.stringMatching(/--tls-ca applies to an https:\/\/ replica/)]);
    },
    SPAWNS,
  );

  it(
    'cityops serve --tls-cert --tls-key listens on https:// and answers a client that trusts the CA',
    async () => {
      const proc = spawn(process.execPath, [bin, 'serve', '--db', smallDbCopy(), '--port', '0', '--tls-cert', pem('hall.crt'), '--tls-key', pem('hall.key')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          proc.stdout.on('data', (d) => {
            out += d;
            const m = /listening on (\S+)/.exec(out);
            if (m) resolve(m[1]);
          });
          proc.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
        });
        expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect((await https(`${url}/health`, ca)).json).toMatchObject({ ok: true });
      } finally {
        proc.kill('SIGTERM');
      }
    },
    SPAWNS,
  );
});
