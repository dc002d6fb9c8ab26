// A centre for the account-lifecycle tests: a core on a fixed clock behind a hall server, accounts of several roles,
// a client per session, sockets that record how they closed, and the audit rows to check.
import WebSocket from 'ws';
import { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { systemContext } from '../../electron/core/context.ts';
import { addUsers, coreClient, httpClient, passwordOf, smallDbCopy, testCore, type TestClient, type TestUser } from '../helpers.ts';
import type { PushEvent } from '../../shared/contract/index.ts';

/** The accounts every lifecycle test starts with. */
export const USERS: TestUser[] = [
  { name: 'boss', role: 'admin' },
  { name: 'boss2', role: 'admin' },
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
  { name: 'env', role: 'department', department: 'D03' },
  { name: 'sup', role: 'supervisor', street: '001' },
];

/** One running centre. */
export interface Centre {
  file: string;
  core: Core;
  server: HttpServer;
  /** The command line's principal. */
  system: TestClient;
  /** A client over HTTP with a token. */
  with(token: string): TestClient;
  /** Logs a user in; returns the session's token and whether it must change its password. */
  login(name: string, password?: string): Promise<{ token: string; mustChangePassword: boolean }>;
  /** A socket of a session, with what it heard and how it closed. */
  listen(token: string): Promise<{ events: PushEvent[]; closed: Promise<number>; ws: WebSocket }>;
  /** The id of an account. */
  idOf(name: string): number;
  /** Audit rows of an action, oldest first. */
  audits(action: string): { actor: string; target: string | null; reason: string | null; detail: string | null }[];
  close(): Promise<void>;
}

/** Starts a centre on a private copy of the small template with the lifecycle accounts. */
export async function startCentre(): Promise<Centre> {
  const file = smallDbCopy();
  await addUsers(file, USERS);
  const now = Date.parse('2026-11-24T09:00:00+08:00');
  const core = testCore({ dbPath: file, clock: () => now });
  const server = await startHttpServer({ core, port: 0 });
  const anon = httpClient(server.url);
  return {
    file,
    core,
    server,
    system: coreClient(core, systemContext('test', 'test')),
    with: (token) => httpClient(server.url, () => token),
    async login(name, password = passwordOf(name)) {
      const s = await anon.ok('auth.login', { name, password });
      return { token: s.token, mustChangePassword: s.mustChangePassword };
    },
    async listen(token) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${token}`);
      const events: PushEvent[] = [];
      ws.on('message', (d) => events.push(JSON.parse(String(d)) as PushEvent));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((r) => ws.once('open', r));
      return { events, closed, ws };
    },
    idOf: (name) => (core.app.db.prepare('SELECT id FROM users WHERE name = ?').get(name) as { id: number }).id,
    audits: (action) =>
      core.app.db.prepare('SELECT actor, target, reason, detail FROM audit WHERE action = ? ORDER BY id').all(action) as ReturnType<Centre['audits']>,
    async close() {
      await server.close();
      core.close();
    },
  };
}
