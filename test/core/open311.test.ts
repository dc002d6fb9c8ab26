// Open311 GeoReport v2 conformance, written from the spec (wiki.open311.org/GeoReport_v2), against `cityops serve`
// on loopback: discovery, services, definitions, POST/GET requests, tokens, JSON and XML, errors, API keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { addUsers, fingerprint, httpClient, passwordOf, smallDbCopy, startServe } from '../helpers.ts';
import { ROOT } from '../paths.ts';
import type { Open311Request, Open311Service } from '../../shared/open311.ts';

let file: string;
let srv: Awaited<ReturnType<typeof startServe>>;
let key: string;
let keyId: number;
const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
const base = () => `${srv.url}/open311/v2`;
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const post = (fmt: string, body: Record<string, string>) =>
  fetch(`${base()}/requests.${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(body) });

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, [
    { name: 'op', role: 'operator' },
    { name: 'lead', role: 'shift_leader' },
    { name: 'disp', role: 'dispatcher' },
  ]);
  const out = cli('apikey', 'create', '--db', file, '--name', 'wechat-miniapp').trim().split('\n');
  key = out.at(-1)!;
  keyId = Number(/API key (\d+)/.exec(out[0])![1]);
  srv = await startServe(file);
});
afterAll(async () => srv?.stop());

describe('discovery and services', () => {
  it('discovery lists the v2 endpoint in JSON and XML', async () => {
    const j = await (await fetch(`${base()}/discovery.json`)).json();
    expect(j.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['application/json', 'text/xml'] });
    const x = await fetch(`${base()}/discovery.xml`);
    expect(x.headers.get('content-type')).toContain('text/xml');
    expect(await x.text()).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><discovery>.*<endpoints><endpoint>.*<\/discovery>$/);
  });

  it('services: one per publicly reportable event class, Chinese names, group = major class, metadata where attributes exist', async () => {
    const s = (await (await fetch(`${base()}/services.json`)).json()) as Open311Service[];
    expect(s.length).toBe(53); // 54 event classes, 群发性事件 not open to public reports
    expect(s.find((x) => x.service_code === '0409')).toBeUndefined();
    expect(s.find((x) => x.service_code === '0102')).toMatchObject({ service_name: '暴露垃圾', group: '市容环境', metadata: true, type: 'realtime' });
    expect(s.find((x) => x.service_code === '0104')).toMatchObject({ metadata: false });
    const xml = await (await fetch(`${base()}/services.xml`)).text();
    expect(xml).toContain('<services><service><service_code>0101</service_code>');
  });

  it('a service definition lists its attributes with datatype, order and values', async () => {
    const d = await (await fetch(`${base()}/services/0102.json`)).json();
    expect(d.service_code).toBe('0102');
    expect(d.attributes[0]).toMatchObject({
      variable: true,
      code: 'volume',
      datatype: 'singlevaluelist',
      required: false,
      order: 1,
      values: [
        { key: 'small', name: '少量' },
        { key: 'medium', name: '一车以内' },
        { key: 'large', name: '一车以上' },
      ],
    });
    const x = await (await fetch(`${base()}/services/0102.xml`)).text();
    expect(x).toContain('<service_definition><service_code>0102</service_code><attributes><attribute><variable>true</variable>');
    expect(x).toContain('<values><value><key>small</key><name>少量</name></value>');
    const missing = await fetch(`${base()}/services/0999.json`);
    expect(missing.status).toBe(404);
    expect((await missing.json())[0]).toMatchObject({ code: 404 });
  });
});

describe('requests', () => {
  let id: string;
  it('POST creates a case in 待受理 on the Open311 channel and returns its id (a realtime service: no token)', async () => {
    const r = await post('json', {
      api_key: key,
      service_code: '0102',
      lat: '32.46',
      long: '119.92',
      description: '河边暴露垃圾',
      first_name: '三',
      last_name: '张',
      phone: '13900001111',
      email: 'zhang@example.com',
      'attribute[volume]': 'medium',
    });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body[0].service_request_id).toMatch(/^\d{13}$/);
    id = body[0].service_request_id;
    expect(body[0].token).toBeUndefined();
    const x = await post('xml', { api_key: key, service_code: '0104', address_string: '海陵区城中街道', description: 'XML 提交' });
    expect(x.status).toBe(200);
    expect(await x.text()).toMatch(/<service_requests><request><service_request_id>\d{13}<\/service_request_id>/);
  });

  it('GET requests/{id} maps the workflow to open, names no person, and gives ISO 8601 dates with a timezone', async () => {
    const [r] = await (await fetch(`${base()}/requests/${id}.json`)).json();
    expect(r).toMatchObject({
      service_request_id: id,
      status: 'open',
      status_notes: '待受理',
      service_code: '0102',
      service_name: '暴露垃圾',
      description: '河边暴露垃圾',
      lat: 32.46,
      long: 119.92,
    });
    expect(r.requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const text = JSON.stringify(r);
    for (const secret of ['张', '13900001111', 'zhang@example.com']) expect(text).not.toContain(secret);
    const xml = await (await fetch(`${base()}/requests/${id}.xml`)).text();
    expect(xml).not.toContain('13900001111');
    expect((await fetch(`${base()}/tokens/AAAAAAAAAAAA.json`)).status).toBe(404);
  });

  it('follows the case: agency_responsible and expected_datetime once dispatched, closed when closed', async () => {
    /** The hall's API over HTTP as a user, logged in. */
    const login = async (n: string) => {
      const { token } = await httpClient(srv.url).ok('auth.login', { name: n, password: passwordOf(n) });
      return httpClient(srv.url, () => token);
    };
    const op = await login('op'),
      lead = await login('lead'),
      disp = await login('disp');
    const c = (await op.ok('cases.list', { q: '河边暴露垃圾' })).items[0];
    expect(c.channel).toBe('open311');
    let v = c.version;
    for (const [as, action] of [
      [op, 'accept'],
      [lead, 'register'],
      [disp, 'dispatch'],
    ] as const) {
      v = (await as.ok('cases.act', { id: c.id, version: v, action })).version;
    }
    const [r] = await (await fetch(`${base()}/requests/${id}.json`)).json();
    expect(r.agency_responsible).toBe('环境卫生管理处');
    expect(r.expected_datetime).toMatch(/\+08:00$/);
    await lead.ok('cases.act', { id: c.id, version: v, action: 'suspend', reason: 'x' });
    const list = await (await fetch(`${base()}/requests.json?service_request_id=${id}`)).json();
    expect(list[0].status_notes).toBe('挂账');
  });

  it('GET requests filters by service_code, status and dates', async () => {
    const all = await (await fetch(`${base()}/requests.json`)).json();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const garbage = (await (await fetch(`${base()}/requests.json?service_code=0102`)).json()) as Open311Request[];
    expect(garbage.every((r) => r.service_code === '0102')).toBe(true);
    expect(await (await fetch(`${base()}/requests.json?status=closed`)).json()).toEqual([]);
    const future = await (await fetch(`${base()}/requests.json?start_date=2099-01-01T00:00:00%2B08:00&end_date=2099-02-01T00:00:00%2B08:00`)).json();
    expect(future).toEqual([]);
  });
});

describe('errors and API keys', () => {
  it('refuses bad requests with the spec’s error list, changing nothing', async () => {
    const before = fingerprint(file);
    const cases: [Record<string, string>, number][] = [
      [{ service_code: '0102', lat: '32.46', long: '119.92' }, 403], // no api_key
      [{ api_key: 'nope', service_code: '0102', lat: '32.46', long: '119.92' }, 403],
      [{ api_key: key, service_code: '0409', lat: '32.46', long: '119.92' }, 404], // not public
      [{ api_key: key, service_code: '0102' }, 400], // no location
      [{ api_key: key, service_code: '0102', lat: '31.2', long: '121.5' }, 400], // outside the city
      [{ api_key: key, service_code: '0401', lat: '32.46', long: '119.92' }, 400], // required attribute missing
      [{ api_key: key, service_code: '0102', lat: '32.46', long: '119.92', 'attribute[volume]': 'huge' }, 400],
      [{ api_key: key, service_code: '0102', lat: 'north', long: '119.92' }, 400],
      [{ api_key: key, service_code: '0102', lat: '32.46', long: '119.92', media_url: 'javascript:alert(1)' }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await post('json', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      const e = await r.json();
      expect(e[0]).toMatchObject({ code: status });
      expect(e[0].description.length).toBeGreaterThan(5);
    }
    const x = await post('xml', { api_key: 'nope', service_code: '0102', lat: '32.46', long: '119.92' });
    expect(await x.text()).toMatch(/<errors><error><code>403<\/code><description>/);
    expect((await fetch(`${base()}/requests/123.json`)).status).toBe(404);
    expect((await fetch(`${base()}/requests/2000010100001.json`)).status).toBe(404);
    expect(fingerprint(file)).toBe(before);
  });

  it('a revoked key is refused', async () => {
    cli('apikey', 'revoke', '--db', file, '--id', String(keyId));
    const r = await post('json', { api_key: key, service_code: '0102', lat: '32.46', long: '119.92' });
    expect(r.status).toBe(403);
  });

  it('the rest of the hall server needs a login; /health and Open311 GETs do not', async () => {
    expect((await fetch(`${srv.url}/api/cases.list`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${srv.url}/api/app.info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    expect((await fetch(`${base()}/services.json`)).status).toBe(200);
    const wrong = await fetch(`${srv.url}/api/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'op', password: 'wrong-password' }),
    });
    expect(wrong.status).toBe(401);
  });
});
