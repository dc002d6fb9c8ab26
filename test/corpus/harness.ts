// The corpus's centre: a private copy of the small template, a core and its HTTP server on 127.0.0.1, an
// administrator logged in (so access never masks validation), and the checks every bad input ends with — a clear
// refusal (4xx, the contract's error shape, a short message naming no internals), the server still answering
// /health, and the database fingerprint unchanged.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import type { ApiErrorData } from '../../shared/errors.ts';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, testCore } from '../helpers.ts';

/** A running centre for the corpus. */
export interface Centre {
  db: string;
  core: Core;
  server: HttpServer;
  /** The administrator's session token. */
  token: string;
  close(): Promise<void>;
}

/** Opens a centre with an administrator (adm) and a GIS editor (gis) logged in. */
export async function openCentre(): Promise<Centre & { gisToken: string }> {
  const db = smallDbCopy();
  await addUsers(db, [
    { name: 'adm', role: 'admin' },
    { name: 'gis', role: 'gis_editor' },
  ]);
  const core = testCore({ dbPath: db });
  const server = await startHttpServer({ core, port: 0 });
  const login = (name: string) => coreClient(core, { actor: name, via: 'test' }).ok('auth.login', { name, password: passwordOf(name) });
  const token = (await login('adm')).token;
  const gisToken = (await login('gis')).token;
  return {
    db,
    core,
    server,
    token,
    gisToken,
    close: async () => {
      await server.close();
      core.close();
    },
  };
}

/** Words that must never reach a caller: internal failures, stack frames, code and SQL names. */
const INTERNAL = /internal error|\n\s+at |TypeError|ReferenceError|RangeError|SqliteError|SQLITE_|is not a function|Cannot read prop|undefined is not/;

/** Checks an error is a clear refusal: a known code other than INTERNAL, a short message without internals. */
export function expectClearError(error: ApiErrorData | undefined, label: string): void {
  expect(error, label).toBeDefined();
  expect(error!.code, `${label}: ${error!.message}`).not.toBe('INTERNAL');
  expect(typeof error!.message, label).toBe('string');
  expect(error!.message.length, label).toBeGreaterThan(0);
  expect(error!.message.length, `${label}: the message echoes the input (${error!.message.slice(0, 120)}…)`).toBeLessThanOrEqual(1000);
  expect(error!.message, label).not.toMatch(INTERNAL);
}

/** An HTTP answer that must be a clear refusal: a 4xx status and the contract's error shape. */
export async function expectHttpRefusal(res: Response, label: string): Promise<ApiErrorData> {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  let body: { ok?: boolean; error?: ApiErrorData };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${label}: the refusal is not JSON: ${text.slice(0, 200)}`);
  }
  expect(body.ok, label).toBe(false);
  expectClearError(body.error, label);
  return body.error!;
}

/** The server still answers GET /health with 200. */
export async function expectHealthy(url: string): Promise<void> {
  const res = await fetch(`${url}/health`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
}

/** Runs `fn` and checks nothing was committed meanwhile (every committed change lands in the change log): cheap
 * enough for each method; the full fingerprint is taken per group (see fingerprinted). */
export async function unchanged(core: Core, fn: () => Promise<void>): Promise<void> {
  const before = core.app.changelog.head().seq;
  await fn();
  expect(core.app.changelog.head().seq, 'something was committed').toBe(before);
}

/** The database fingerprint taken now, to compare with at the end of a group. Groups stay well under a minute: a
 * session's sliding expiry is written at most once a minute and would show as a change. */
export function fingerprinted(db: string): { check(): void } {
  const before = fingerprint(db);
  return { check: () => expect(fingerprint(db), 'the database changed').toBe(before) };
}

/** Inside a describe: the database fingerprint is the same after the group as before it, and the server answers. */
export function guardGroup(centre: () => Centre): void {
  let fp: { check(): void };
  beforeAll(() => {
    fp = fingerprinted(centre().db);
  });
  afterAll(async () => {
    fp.check();
    await expectHealthy(centre().server.url);
  });
}

/** Counts cases per group so the report can give them (printed once at the end of each file). */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(group: string, n = 1): void {
    this.counts.set(group, (this.counts.get(group) ?? 0) + n);
  }
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  print(file: string): void {
    const lines = [...this.counts].map(([g, n]) => `  ${g}: ${n}`);
    process.stdout.write(`corpus ${file}: ${this.total()} inputs\n${lines.join('\n')}\n`);
  }
}
