// The public Open311 reads show only what the public may see — requests that came in through Open311 (their own
// words, personal data masked), and, when the centre chooses, public-class cases of other channels as a summary —
// and the hall server answers only to its own host names (DNS rebinding).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { systemContext } from '../../electron/core/context.ts';
import { addUsers, coreClient, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';
import type { Open311Request } from '../../shared/open311.ts';

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'boss', role: 'leader' },
  { name: 'adm', role: 'admin' },
];
let core: Core;
let server: HttpServer;
let apiKey = '';
const tokens: Record<string, string> = {};
const as = (name: string) => coreClient(core, () => ({ actor: name, via: 'test', token: tokens[name] }));
const base = () => `${server.url}/open311/v2`;
const list = async (query = '') => (await (await fetch(`${base()}/requests.json${query}`)).json()) as Open311Request[];

/** A GET with a chosen Host header (fetch does not let a page — or a test — set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    http.get({ host: u.hostname, port: u.port, path: u.pathname, headers: { host } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
  });
}

beforeAll(async () => {
  const file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file });
  server = await startHttpServer({ core, port: 0, allowedHosts: ['hall.example.cn'] });
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
  apiKey = (await coreClient(core, systemContext('test', 'test')).ok('apikeys.create', { name: 'public app' })).key;
});
afterAll(async () => {
  await server?.close();
  core?.close();
});

describe('public Open311 reads', () => {
  it('list requests that came in through Open311 only, with the reporter’s personal data masked', async () => {
    const leader = await as('boss').ok('cases.intake', {
      channel: 'leader',
      classCode: '0409',
      lon: 119.92,
      lat: 32.46,
      description: '内部批示：请城管局长亲自督办',
    });
    const hotline = await as('op').ok('cases.intake', {
      channel: 'hotline',
      classCode: '0102',
      lon: 119.92,
      lat: 32.46,
      description: '市民王某（身份证 32120219800101123X，电话 13912345678）反映垃圾',
      reporterPhone: '13912345678',
    });
    const body = new URLSearchParams({
      api_key: apiKey,
      service_code: '0102',
      lat: '32.46',
      long: '119.92',
      description: '桥下垃圾很多，联系我 13800138000 或 me@example.cn',
      phone: '13800138000',
    });
    const posted = (await (await fetch(`${base()}/requests.json`, { method: 'POST', body })).json()) as { service_request_id: string }[];
    const ids = (await list()).map((r) => r.service_request_id);
    expect(ids).toEqual([posted[0].service_request_id]);
    const [mine] = await list();
    expect(mine.description).toBe('桥下垃圾很多，联系我 [电话] 或 [邮箱]');
    for (const id of [leader.caseNo, hotline.caseNo]) expect((await fetch(`${base()}/requests/${id}.json`)).status).toBe(404);
    expect(JSON.stringify(await list())).not.toMatch(/13912345678|32120219800101123X|内部批示|13800138000/);
  });

  it('list public-class cases of channels the centre opens, as a summary without their text', async () => {
    await as('adm').ok('settings.set', { open311: { publicChannels: ['hotline', 'leader'] } });
    const all = await list();
    const hotline = all.filter((r) => r.service_code === '0102' && r.description === '暴露垃圾');
    expect(hotline).toHaveLength(1);
    expect(hotline[0].address).toMatch(/街道|镇/);
    expect(all.some((r) => r.service_code === '0409')).toBe(false); // a non-public class never
    expect(JSON.stringify(all)).not.toMatch(/13912345678|32120219800101123X|内部批示/);
    await as('adm').ok('settings.set', { open311: { publicChannels: [] } });
  });
});

describe('host names', () => {
  it('answers to its own address and the configured names; refuses any other Host (421), the API and the UI alike', async () => {
    const port = new URL(server.url).port;
    expect(await getWithHost(`${server.url}/health`, `127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(`${server.url}/health`, `localhost:${port}`)).toBe(200);
    expect(await getWithHost(`${server.url}/health`, `hall.example.cn:${port}`)).toBe(200);
    expect(await getWithHost(`${server.url}/open311/v2/services.json`, `attacker.example:${port}`)).toBe(421);
    expect(await getWithHost(`${server.url}/health`, 'attacker.example')).toBe(421);
  });
});
