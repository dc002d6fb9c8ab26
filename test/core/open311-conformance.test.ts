// Open311 GeoReport v2 as real clients use it (issue 11, item 8): what FixMyStreet, CitySDK-style apps and the
// spec's own examples send — repeated and comma-delimited lists, empty optional parameters, parameters and attributes
// a service does not know, keys in the query string, multipart photos — and the spec's error list on every route.
// XML answers are checked with a real XML parser (expat, through Perl's XML::Parser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { systemContext } from '../../electron/core/context.ts';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';
import type { Open311Request } from '../../shared/open311.ts';

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
];
let file: string;
let core: Core;
let server: HttpServer;
let key = '';
const tokens: Record<string, string> = {};
const as = (name: string) => coreClient(core, () => ({ actor: name, via: 'test', token: tokens[name] }));
const base = () => `${server.url}/open311/v2`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** A form POST from pairs (names may repeat), as clients build them. */
const post = (fmt: string, pairs: [string, string][], query = '') =>
  fetch(`${base()}/requests.${fmt}${query}`, { method: 'POST', headers: FORM, body: new URLSearchParams(pairs).toString() });
const place: [string, string][] = [
  ['lat', '32.46'],
  ['long', '119.92'],
];
const created = async (r: Response) => {
  expect(r.status, await r.clone().text()).toBe(200);
  return ((await r.json()) as { service_request_id: string }[])[0].service_request_id;
};
const photoCount = () => (core.app.db.prepare('SELECT count(*) AS n FROM case_photos').get() as { n: number }).n;
/** A tiny JPEG: the magic bytes and a little more. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);

/** Parses XML with expat; returns '' when it is well-formed, else the parser's complaint. */
function xmlProblem(xml: string): string {
  try {
    execFileSync('perl', ['-MXML::Parser', '-e', 'local $/; XML::Parser->new->parse(<STDIN>)'], { input: xml, stdio: ['pipe', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e) || 'ill-formed';
  }
}

/** A request with a chosen Host header; status and body. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    http
      .get({ host: u.hostname, port: u.port, path: u.pathname, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file });
  server = await startHttpServer({ core, port: 0 });
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
  key = (await coreClient(core, systemContext('test', 'test')).ok('apikeys.create', { name: 'fixmystreet' })).key;
  // A multivaluelist attribute (the sample city defines none): what a client sends as attribute[kind][].
  const values = [
    { key: 'paper', name: '纸' },
    { key: 'plastic', name: '塑料' },
    { key: 'glass', name: '玻璃' },
  ];
  const insert = core.app.db.prepare(
    'INSERT INTO event_class_attributes (class_code, code, datatype, required, description, ord, vals) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  core.app.db.transaction(() => insert.run('0104', 'kind', 'multivaluelist', 0, '种类', 1, JSON.stringify(values)))();
});
afterAll(async () => {
  await server?.close();
  core?.close();
});

describe('text that XML cannot carry', () => {
  it('drops control characters from a request, so requests.xml and the request’s XML stay well-formed', async () => {
    const id = await created(
      await post('json', [
        ['api_key', key],
        ['service_code', '0102'],
        ...place,
        ['description', 'bin\u0001 over\u000bflowing\u001f\r\nnext line'],
        ['address_string', '城中\u0000街道\u0008'],
      ]),
    );
    const [r] = (await (await fetch(`${base()}/requests/${id}.json`)).json()) as Open311Request[];
    expect([r.description, r.address]).toEqual(['bin overflowing\r\nnext line', '城中街道']);
    for (const url of [`${base()}/requests.xml`, `${base()}/requests/${id}.xml`]) expect(xmlProblem(await (await fetch(url)).text())).toBe('');
  });

  it('keeps the XML well-formed for a request stored with control characters before they were dropped', async () => {
    // Taken in by the hall on the Open311 channel, as an old import or an earlier version could have stored it.
    const c = await as('op').ok('cases.intake', { channel: 'open311', classCode: '0102', lon: 119.92, lat: 32.46, description: 'old\u0002 text\u001b[0m' });
    const xml = await (await fetch(`${base()}/requests/${c.caseNo}.xml`)).text();
    expect(xmlProblem(xml)).toBe('');
    expect(xml).toContain('<description>old text[0m</description>');
  });
});

describe('parameters as clients send them', () => {
  let garbage = '';
  let litter = '';
  it('reads service_code and service_request_id given several times or comma-delimited', async () => {
    garbage = await created(await post('json', [['api_key', key], ['service_code', '0102'], ...place]));
    litter = await created(await post('json', [['api_key', key], ['service_code', '0104'], ...place]));
    const ids = async (q: string) => ((await (await fetch(`${base()}/requests.json?${q}`)).json()) as Open311Request[]).map((r) => r.service_request_id);
    for (const q of [`service_request_id=${garbage}&service_request_id=${litter}`, `service_request_id=${garbage},${litter}`]) {
      expect((await ids(q)).sort()).toEqual([garbage, litter].sort());
    }
    for (const q of ['service_code=0102&service_code=0104', 'service_code=0102,0104']) expect(await ids(q)).toEqual(expect.arrayContaining([garbage, litter]));
    expect(await ids('service_code=0104')).not.toContain(garbage);
  });

  it('takes empty optional parameters as absent, on POST and GET', async () => {
    await created(
      await post('json', [
        ['api_key', key],
        ['service_code', '0104'],
        ['lat', ''],
        ['long', ''],
        ['address_string', '海陵区城中街道'],
        ['email', ''],
        ['phone', ''],
        ['media_url', ''],
        ['first_name', ''],
      ]),
    );
    const all = await (await fetch(`${base()}/requests.json`)).json();
    expect(await (await fetch(`${base()}/requests.json?start_date=&end_date=&status=&service_code=&service_request_id=`)).json()).toEqual(all);
  });

  it('ignores parameters and attributes it does not know, reads attribute[x][] as a list, and takes address_id alone', async () => {
    const before = fingerprint(file);
    const fms = await created(
      await post('json', [
        ['api_key', key],
        ['service_code', '0104'],
        ...place,
        ['deviceid', 'fms-cobrand'],
        ['address', 'somewhere'],
        ['attribute[uprn]', '100012345678'],
        ['attribute[kind][]', 'paper'],
        ['attribute[kind][]', 'glass'],
      ]),
    );
    expect(fms).toMatch(/^\d{13}$/);
    const row = core.app.db.prepare('SELECT attributes FROM cases WHERE case_no = ?').get(fms) as { attributes: string };
    expect(JSON.parse(row.attributes)).toEqual({ kind: 'paper,glass' });
    const cell = '321202001001001';
    const atCell = await created(
      await post('json', [
        ['api_key', key],
        ['service_code', '0104'],
        ['address_id', cell],
      ]),
    );
    expect((core.app.db.prepare('SELECT grid_code FROM cases WHERE case_no = ?').get(atCell) as { grid_code: string }).grid_code).toBe(cell);
    expect(fingerprint(file)).not.toBe(before);
  });

  it('refuses a location nobody can find and a media_url that is not http(s), changing nothing', async () => {
    const before = fingerprint(file);
    for (const extra of [
      [['address_id', '#NOTPINPOINTED#']],
      [...place, ['media_url', 'javascript:alert(1)']],
      [...place, ['media_url', 'ftp://x.cn/a.jpg']],
    ] as [string, string][][]) {
      const r = await post('json', [['api_key', key], ['service_code', '0104'], ...extra]);
      expect(r.status, JSON.stringify(extra)).toBe(400);
    }
    expect(fingerprint(file)).toBe(before);
  });
});

describe('keys, unknown things and the answer to a POST', () => {
  it('reads api_key from the query string as well as the body', async () => {
    await created(await post('json', [['service_code', '0104'], ...place], `?api_key=${encodeURIComponent(key)}`));
  });

  it('refuses a missing or invalid key with 403 in the requested format, changing nothing', async () => {
    const before = fingerprint(file);
    for (const k of [[], [['api_key', '']], [['api_key', 'not-a-key']]] as [string, string][][]) {
      const j = await post('json', [...k, ['service_code', '0104'], ...place]);
      expect([j.status, ((await j.json()) as { code: number }[])[0].code]).toEqual([403, 403]);
      const x = await post('xml', [...k, ['service_code', '0104'], ...place]);
      expect(x.status).toBe(403);
      expect(await x.text()).toMatch(/^<\?xml[^>]*\?><errors><error><code>403<\/code><description>[^<]+<\/description><\/error><\/errors>$/);
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('answers 404 for an unknown service_code or service_request_id, whatever it looks like', async () => {
    const before = fingerprint(file);
    for (const code of ['0999', 'abc', '01020', 'x'.repeat(60)]) {
      for (const fmt of ['json', 'xml']) expect((await fetch(`${base()}/services/${code}.${fmt}`)).status, code).toBe(404);
      expect((await post('json', [['api_key', key], ['service_code', code], ...place])).status, code).toBe(404);
    }
    for (const id of ['123', 'abc', '2000010100001', 'REQ-1']) {
      for (const fmt of ['json', 'xml']) expect((await fetch(`${base()}/requests/${id}.${fmt}`)).status, id).toBe(404);
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('answers a POST with service_request_id and no token (the service is realtime), in JSON and XML', async () => {
    const [j] = await (await post('json', [['api_key', key], ['service_code', '0104'], ...place])).json();
    expect(Object.keys(j).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    const x = await (await post('xml', [['api_key', key], ['service_code', '0104'], ...place])).text();
    expect(x).toMatch(/<request><service_request_id>\d{13}<\/service_request_id>/);
    expect(x).not.toContain('<token>');
  });
});

describe('multipart POSTs with photos', () => {
  const multipart = (fields: [string, string][], files: [string, Buffer, string][]) => {
    const fd = new FormData();
    for (const [k, v] of fields) fd.append(k, v);
    for (const [k, bytes, type] of files) fd.append(k, new Blob([new Uint8Array(bytes)], { type }), 'photo.jpg');
    return fetch(`${base()}/requests.json`, { method: 'POST', body: fd });
  };

  it('accepts a photo as media (or photo1, as FixMyStreet names it) and stores it with the case', async () => {
    const before = photoCount();
    await created(await multipart([['api_key', key], ['service_code', '0104'], ...place], [['media', JPEG, 'image/jpeg']]));
    await created(await multipart([['api_key', key], ['service_code', '0104'], ...place], [['photo1', JPEG, 'image/jpg']]));
    expect(photoCount()).toBe(before + 2);
  });

  it('refuses a media part that is no image, or too large, with the error list; nothing changes', async () => {
    const before = fingerprint(file);
    const notImage = await multipart([['api_key', key], ['service_code', '0104'], ...place], [['media', Buffer.from('<html>'), 'image/jpeg']]);
    expect([notImage.status, ((await notImage.json()) as { code: number }[])[0].code]).toEqual([400, 400]);
    const big = await multipart(
      [['api_key', key], ['service_code', '0104'], ...place],
      [['media', Buffer.concat([JPEG, Buffer.alloc(2_100_000)]), 'image/jpeg']],
    );
    expect([big.status, ((await big.json()) as { code: number }[])[0].code]).toEqual([413, 413]);
    expect(fingerprint(file)).toBe(before);
  });
});

describe('errors on every route', () => {
  const errorsOf = async (r: Response) => ({ status: r.status, body: (await r.json()) as { code: number; description: string }[] });

  it('answers an unsupported content type with 415 as the error list, in JSON and XML', async () => {
    const j = await fetch(`${base()}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"api_key":"x"}' });
    expect(await errorsOf(j)).toMatchObject({ status: 415, body: [{ code: 415 }] });
    const x = await fetch(`${base()}/requests.xml`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'api_key=x' });
    expect(x.status).toBe(415);
    expect(await x.text()).toMatch(/<errors><error><code>415<\/code>/);
  });

  it('answers unknown routes under /open311/ with 404 as the error list', async () => {
    expect(await errorsOf(await fetch(`${base()}/nothing.json`))).toMatchObject({ status: 404, body: [{ code: 404 }] });
    expect(await errorsOf(await fetch(`${server.url}/open311/v3/services.json`))).toMatchObject({ status: 404, body: [{ code: 404 }] });
    const x = await fetch(`${base()}/nothing.xml`);
    expect(xmlProblem(await x.clone().text())).toBe('');
    expect(await x.text()).toMatch(/<errors><error><code>404<\/code>/);
    expect(await errorsOf(await fetch(`${base()}/requests.html`))).toMatchObject({ status: 404, body: [{ code: 404 }] });
  });

  it('answers a wrong Host as the error list too', async () => {
    const r = await getWithHost(`${base()}/services.xml`, 'attacker.example');
    expect(r.status).toBe(421);
    expect(r.body).toMatch(/^<\?xml[^>]*\?><errors><error><code>421<\/code>/);
  });

  it('words its errors without internal method names', async () => {
    const r = await post('json', [
      ['api_key', key],
      ['service_code', '0104'],
      ['lat', 'north'],
      ['long', '119.92'],
    ]);
    const { body } = await errorsOf(r);
    expect(body[0].description).toMatch(/lat/);
    expect(body[0].description).not.toMatch(/open311\.|cases\./);
    const bad = await errorsOf(await fetch(`${base()}/requests.json?status=maybe`));
    expect(bad.status).toBe(400);
    expect(bad.body[0].description).not.toMatch(/open311\.|cases\./);
  });
});
