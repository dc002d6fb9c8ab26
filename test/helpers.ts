// Test helpers: private copies of the template databases, a content fingerprint to prove "nothing changed", real
// processes, and the one typed client of the contract every suite calls through (over the core or HTTP).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { ROOT, SMALL_DB } from './paths.ts';
import { tableDigests } from '../electron/core/replication/dr.ts';
import { Core, type CoreOptions } from '../electron/core/core.ts';
import type { Role } from '../shared/roles.ts';
import type { InputOf, MethodName, ResultOf } from '../shared/contract/index.ts';
import type { ApiErrorData, ApiResult } from '../shared/errors.ts';
import type { CallContext } from '../electron/core/context.ts';

/** A fresh copy of the small template in its own temp folder. */
export function smallDbCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-'));
  const file = path.join(dir, 'centre.db');
  copyFileSync(SMALL_DB, file);
  return file;
}

/** Hash of every row of every table: equal before and after means the database did not change. */
export function fingerprint(file: string): string {
  const db = new Database(file, { readonly: true });
  const h = createHash('sha256');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    h.update(`#${name}`);
    for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().iterate()) h.update(JSON.stringify(row));
  }
  db.close();
  return h.digest('hex');
}

/** Spawns `cityops ARGS…`; resolves with its URL once it printed its listening line. */
export async function spawnListening(args: string[]): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '',
    err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`cityops ${args[0]} exited ${code}: ${err}`)));
  });
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Starts `cityops serve` on a free port; resolves with its URL once it printed the listening line. */
export function startServe(db: string, extra: string[] = []): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  return spawnListening(['serve', '--db', db, '--port', '0', ...extra]);
}

/** Count and content hash of every replicated table of a database file. */
export function fileDigests(file: string): Record<string, { n: number; hash: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(tableDigests(db));
  } finally {
    db.close();
  }
}

/** A cheap password hashing cost for tests (the production cost takes about a second per hash on purpose). */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

/** A core for a test: the given options, with the cheap password cost (every account a test makes uses it). */
export function testCore(opts: CoreOptions): Core {
  return new Core({ passwordCost: TEST_PASSWORD_COST, ...opts });
}

/** An account a test adds. */
export interface TestUser {
  name: string;
  role: Role;
  department?: string;
  street?: string;
  phone?: string;
}

/** Adds accounts to a database file through the contract (password = name + "-pass-1"). */
export async function addUsers(file: string, users: TestUser[]): Promise<void> {
  const { systemContext } = await import('../electron/core/context.ts');
  const core = testCore({ dbPath: file });
  try {
    for (const u of users) {
      const input = { name: u.name, role: u.role, department: u.department, streetCode: u.street, phone: u.phone, password: passwordOf(u.name) };
      const r = await core.invoke('users.add', input, systemContext('test', 'test'));
      if (!r.ok) throw new Error(`users.add ${u.name}: ${r.error.message}`);
    }
  } finally {
    core.close();
  }
}

/** The password addUsers gives an account. */
export const passwordOf = (name: string) => `${name}-pass-1`;

// ---- the test client ---------------------------------------------------------------------------------------------

/** Sends one call, however the transport does it. */
export type Send = (method: string, input: unknown) => Promise<ApiResult<unknown>>;

/** A typed client. */
export interface TestClient {
  /** The result of a call, as data. */
  call<M extends MethodName>(method: M, input: InputOf<M>): Promise<ApiResult<ResultOf<M>>>;
  /** The value of a call; throws with the method and the error when it is refused. */
  ok<M extends MethodName>(method: M, input: InputOf<M>): Promise<ResultOf<M>>;
  /** The error of a call that must be refused; throws when it succeeds. */
  refused<M extends MethodName>(method: M, input: InputOf<M>): Promise<ApiErrorData>;
  /** Any method, any input (malformed on purpose): the raw result. */
  raw(method: string, input: unknown): Promise<ApiResult<unknown>>;
  /** Any method, any input: the error it must be refused with. */
  rawRefused(method: string, input: unknown): Promise<ApiErrorData>;
}

/** A client over a send function. */
export function client(send: Send): TestClient {
  const refusal = async (method: string, input: unknown) => {
    const r = await send(method, input);
    if (r.ok) throw new Error(`${method} should have been refused; it answered ${JSON.stringify(r.result)?.slice(0, 300)}`);
    return r.error;
  };
  return {
    call: (method, input) => send(method, input) as Promise<ApiResult<ResultOf<typeof method>>>,
    async ok(method, input) {
      const r = await send(method, input);
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error).slice(0, 1500)}`);
      return r.result as ResultOf<typeof method>;
    },
    refused: refusal,
    raw: send,
    rawRefused: refusal,
  };
}

/** A client of an in-process (or worker) core, calling as the given context. */
export function coreClient(core: Pick<Core, 'invoke'>, ctx: CallContext | (() => CallContext)): TestClient {
  return client((method, input) => core.invoke(method, input, typeof ctx === 'function' ? ctx() : ctx));
}

/** A client of a hall server's HTTP API; binary results come back as bytes. */
export function httpClient(baseUrl: string, token: () => string | null | undefined = () => null): TestClient {
  return client(async (method, input) => {
    const t = token();
    const res = await fetch(`${baseUrl}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
      body: JSON.stringify(input ?? {}),
    });
    if (res.ok && res.headers.get('content-type')?.startsWith('application/octet-stream')) return { ok: true, result: new Uint8Array(await res.arrayBuffer()) };
    return (await res.json()) as ApiResult<unknown>;
  });
}
