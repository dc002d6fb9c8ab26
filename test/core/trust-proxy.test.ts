// Behind a reverse proxy every request comes from the proxy's address: unless the proxy is trusted (serve
// --trust-proxy), twenty failed logins by anyone make every user of the hall wait. With it, the client's own address
// (X-Forwarded-For) is what the throttle sees; nobody else's header is believed.
import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { addUsers, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';

const USERS: TestUser[] = [{ name: 'op', role: 'operator' }];
const open: { core: Core; server: HttpServer }[] = [];
afterAll(async () => {
  for (const o of open) {
    await o.server.close();
    o.core.close();
  }
});

async function hall(trustProxy?: string[]): Promise<string> {
  const file = smallDbCopy();
  await addUsers(file, USERS);
  const core = testCore({ dbPath: file });
  const server = await startHttpServer({ core, port: 0, trustProxy });
  open.push({ core, server });
  return server.url;
}

const login = (url: string, name: string, password: string, forwardedFor: string) =>
  fetch(`${url}/api/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ name, password }),
  }).then((r) => r.status);

/** Twenty-one failed logins under different names from one client behind the proxy. */
async function attack(url: string) {
  for (let i = 0; i < 21; i++) await login(url, `nobody${i}`, 'wrong-password', '203.0.113.5');
}

describe('serve --trust-proxy', () => {
  it('with the proxy trusted, one client’s failures make only that client wait', async () => {
    const url = await hall(['127.0.0.1']);
    await attack(url);
    expect(await login(url, 'op', passwordOf('op'), '203.0.113.5')).toBe(429);
    expect(await login(url, 'op', passwordOf('op'), '198.51.100.7')).toBe(200);
  });

  it('without it, X-Forwarded-For is not believed: a client cannot pick its own address to escape the throttle', async () => {
    const url = await hall();
    await attack(url);
    expect(await login(url, 'op', passwordOf('op'), '198.51.100.7')).toBe(429);
  });
});
