// Push events per session over the hall server's WebSocket: a department hears of its own cases only, the hall of
// every case, and a socket closes (4401) when its session ends at logout or expiry; a session also has an absolute
// end however busy it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { SESSION_MAX_MS } from '../../electron/core/auth/service.ts';
import { addUsers, httpClient, passwordOf, smallDbCopy, type TestUser, testCore } from '../helpers.ts';
import type { PushEvent } from '../../shared/contract/index.ts';

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
  { name: 'disp', role: 'dispatcher' },
  { name: 'gis', role: 'gis_editor' },
  { name: 'env', role: 'department', department: 'D03' },
  { name: 'water', role: 'department', department: 'D07' },
];
let now = Date.parse('2026-11-24T09:00:00+08:00');
let core: Core;
let server: HttpServer;
const tokens: Record<string, string> = {};
const as = (name: string) => httpClient(server.url, () => tokens[name]);

/** A socket of a user's session, collecting what it hears and how it closed. */
async function listen(name: string): Promise<{ events: PushEvent[]; closed: Promise<number>; ws: WebSocket }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${tokens[name]}`);
  const events: PushEvent[] = [];
  ws.on('message', (d) => events.push(JSON.parse(String(d)) as PushEvent));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((r) => ws.once('open', r));
  return { events, closed, ws };
}
const settle = () => new Promise((r) => setTimeout(r, 150));

beforeAll(async () => {
  const file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file, clock: () => now });
  server = await startHttpServer({ core, port: 0 });
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
});
afterAll(async () => {
  await server?.close();
  core?.close();
});

describe('per-session push', () => {
  it('a department hears of its own cases only; the hall of every case', async () => {
    const [env, water, gis] = await Promise.all([listen('env'), listen('water'), listen('gis')]);
    let c = await as('op').ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '垃圾' });
    c = await as('op').ok('cases.act', { id: c.id, version: c.version, action: 'accept' });
    c = await as('lead').ok('cases.act', { id: c.id, version: c.version, action: 'register' });
    c = await as('disp').ok('cases.act', { id: c.id, version: c.version, action: 'dispatch', dept: 'D03' });
    await settle();
    const ofCase = (l: { events: PushEvent[] }) =>
      l.events.filter((e) => e.type === 'cases.changed' && e.payload.id === c.id).map((e) => e.type === 'cases.changed' && e.payload.action);
    expect(ofCase(gis)).toEqual(['intake', 'accept', 'register', 'dispatch']);
    expect(ofCase(env)).toEqual(['dispatch']);
    expect(ofCase(water)).toEqual([]);
    for (const l of [env, water, gis]) l.ws.close();
  });

  it('a socket closes with 4401 when its session logs out', async () => {
    const l = await listen('water');
    await as('water').ok('auth.logout', {});
    expect(await l.closed).toBe(4401);
    tokens.water = (await as('water').ok('auth.login', { name: 'water', password: passwordOf('water') })).token;
  });

  it('a socket closes when its session expires, even with nothing to say', async () => {
    const l = await listen('env');
    now += 13 * 3600_000; // past the 12-hour idle limit
    core.app.feeds.sweep();
    expect(await l.closed).toBe(4401);
  });

  it('a session ends at its absolute lifetime however busy it is', async () => {
    const { token } = await as('op').ok('auth.login', { name: 'op', password: passwordOf('op') });
    tokens.op = token;
    const start = now;
    for (let t = start; t < start + SESSION_MAX_MS - 3600_000; t += 3 * 3600_000) {
      now = t;
      await as('op').ok('auth.me', {});
    }
    now = start + SESSION_MAX_MS + 1;
    expect((await as('op').refused('auth.me', {})).code).toBe('UNAUTHENTICATED');
  });
});
