// Malformed-input corpus, Open311: form posts with bad fields, odd bodies and content types, and reads with bad
// paths and parameters, as public clients send them. Open311's exact codes are the conformance tests' business (the
// spec lets some of these be ignored rather than refused); here every answer is below 500, every refusal carries a
// clear description, a refused post commits nothing, and the server keeps answering /health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../electron/core/context.ts';
import { coreClient } from '../helpers.ts';
import { expectHealthy, guardGroup, openCentre, Tally, type Centre } from './harness.ts';

let c: Centre;
let key = '';
const tally = new Tally();
beforeAll(async () => {
  c = await openCentre();
  key = (await coreClient(c.core, systemContext('test', 'test')).ok('apikeys.create', { name: 'corpus' })).key;
});
afterAll(async () => {
  tally.print('open311');
  await c?.close();
});

const base = () => `${c.server.url}/open311/v2`;
const INTERNAL = /internal error|\n\s+at |TypeError|SqliteError|is not a function|Cannot read prop|open311\.[a-z]+:/;

/** An Open311 answer: below 500, and a refusal is the spec's error list with a readable description. */
async function expectSane(res: Response, label: string): Promise<boolean> {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return false;
  expect(text, label).not.toMatch(INTERNAL);
  if (text.trimStart().startsWith('<')) {
    expect(text, label).toMatch(/<description>[^<]{3,}<\/description>/);
  } else {
    const body = JSON.parse(text) as { code?: number; description?: string }[] | { error?: { message?: string } };
    const description = Array.isArray(body) ? body[0]?.description : body.error?.message;
    expect(description, `${label}: ${text.slice(0, 200)}`).toEqual(expect.any(String));
    expect(description!.length, label).toBeGreaterThan(2);
    expect(description!.length, label).toBeLessThanOrEqual(1000);
  }
  return true;
}

/** Posts a body; when it is refused, nothing was committed. */
async function postChecked(label: string, body: BodyInit, headers: Record<string, string>, fmt = 'json'): Promise<void> {
  const seq = c.core.app.changelog.head().seq;
  const refused = await expectSane(await fetch(`${base()}/requests.${fmt}`, { method: 'POST', headers, body }), label);
  if (refused) expect(c.core.app.changelog.head().seq, `${label}: refused, yet something was committed`).toBe(seq);
  tally.add('Open311 posts');
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const good = () => ({ api_key: key, service_code: '0102', lat: '32.46', long: '119.92', description: '桥下有垃圾' });

/** Form fields that break one thing each (on top of an otherwise good request, or without a field). */
const BAD_FIELDS: [string, Record<string, string | undefined>][] = [
  ['no api_key', { api_key: undefined }],
  ['an empty api_key', { api_key: '' }],
  ['a 5000-character api_key', { api_key: 'k'.repeat(5000) }],
  ['a wrong api_key', { api_key: 'not-a-key-at-all' }],
  ['no service_code', { service_code: undefined }],
  ['service_code abc', { service_code: 'abc' }],
  ['service_code 99999', { service_code: '99999' }],
  ['service_code ../0102', { service_code: '../0102' }],
  ['service_code 9999', { service_code: '9999' }],
  ['service_code of 5000 characters', { service_code: '1'.repeat(5000) }],
  ['lat north', { lat: 'north' }],
  ['lat NaN', { lat: 'NaN' }],
  ['lat Infinity', { lat: 'Infinity' }],
  ['lat 1e309', { lat: '1e309' }],
  ['lat 999', { lat: '999' }],
  ['long -999', { long: '-999' }],
  ['lat as hex', { lat: '0x20' }],
  ['lat twice in one value', { lat: '32.46,32.47' }],
  ['lat without long', { long: undefined }],
  ['no location at all', { lat: undefined, long: undefined }],
  ['a place outside the city', { lat: '31.2', long: '121.5' }],
  ['email not an address', { email: 'not-an-email' }],
  ['email of 5000 characters', { email: `${'a'.repeat(5000)}@x.cn` }],
  ['phone of letters', { phone: 'call me maybe' }],
  ['media_url javascript:', { media_url: 'javascript:alert(1)' }],
  ['media_url file:', { media_url: 'file:///etc/passwd' }],
  ['a description of 5000 characters', { description: '垃'.repeat(5000) }],
  ['a description with NUL and ESC', { description: 'bad\u0000\u001b[31m text' }],
  ['a description with an XML break-out', { description: ']]></description><evil/><description>' }],
  ['attribute[__proto__]', { 'attribute[__proto__]': 'x' }],
  ['attribute[constructor]', { 'attribute[constructor]': 'x' }],
  ['attribute[] with no name', { 'attribute[]': 'x' }],
  ['attribute[a][b] nested', { 'attribute[a][b]': 'x' }],
  ['attribute with a 100-character name', { [`attribute[${'n'.repeat(100)}]`]: 'x' }],
  ['an attribute value of 5000 characters', { 'attribute[volume]': 'v'.repeat(5000) }],
  ['a __proto__ parameter', { __proto__: 'x' }],
  ['a constructor parameter', { constructor: 'x' }],
  ['jurisdiction_id of 5000 characters', { jurisdiction_id: 'j'.repeat(5000) }],
  ['start_date on a post', { start_date: 'yesterday' }],
];

describe('Open311 form posts with bad fields', () => {
  it('never fail inside; a refusal is clear and commits nothing', async () => {
    for (const [label, change] of BAD_FIELDS) {
      const fields = { ...good(), ...change };
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
      await postChecked(label, form.toString(), FORM);
    }
    await expectHealthy(c.server.url);
  });

  it('odd bodies and content types are refused clearly, committing nothing', async () => {
    const form = new URLSearchParams(good()).toString();
    const bodies: [string, BodyInit, Record<string, string>][] = [
      ['an empty form', '', FORM],
      ['a form over 64 kB', `${form}&description=${'x'.repeat(70_000)}`, FORM],
      ['broken percent-encoding', `${form}&description=%E0%A4%A`, FORM],
      ['invalid UTF-8 bytes', new Uint8Array([...Buffer.from(`${form}&description=`), 0xff, 0xfe, 0xc3]), FORM],
      ['the same key 2000 times', Array.from({ length: 2000 }, () => `api_key=${key}`).join('&'), FORM],
      ['JSON instead of a form', JSON.stringify(good()), { 'content-type': 'application/json' }],
      ['malformed JSON', '{"api_key":', { 'content-type': 'application/json' }],
      ['text/plain', form, { 'content-type': 'text/plain' }],
      ['XML', '<request><service_code>0102</service_code></request>', { 'content-type': 'application/xml' }],
      [
        'multipart with a junk file as media',
        multipart(
          [
            ['api_key', key],
            ['service_code', '0102'],
            ['lat', '32.46'],
            ['long', '119.92'],
          ],
          Buffer.from('MZ\x90\x00 not an image'),
        ),
        { 'content-type': 'multipart/form-data; boundary=corpus' },
      ],
      ['octet-stream', new Uint8Array([0, 1, 2, 3]), { 'content-type': 'application/octet-stream' }],
    ];
    for (const [label, body, headers] of bodies) await postChecked(label, body, headers);
    await postChecked('a bad post asking for XML', new URLSearchParams({ ...good(), lat: 'north' }).toString(), FORM, 'xml');
    await expectHealthy(c.server.url);
  });
});

/** A multipart body with text fields and one file part named media. */
function multipart(fields: [string, string][], file: Buffer): Uint8Array<ArrayBuffer> {
  const parts = fields.map(([k, v]) => `--corpus\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const head = `${parts}--corpus\r\nContent-Disposition: form-data; name="media"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return Uint8Array.from(Buffer.concat([Buffer.from(head), file, Buffer.from('\r\n--corpus--\r\n')]));
}

describe('Open311 reads with bad paths and parameters', () => {
  guardGroup(() => c);
  it('never fail inside and change nothing', async () => {
    const paths = [
      '/requests/..%2F..%2Fhealth.json',
      '/requests/%00.json',
      '/requests/abc.json',
      '/requests/1234567890123.html',
      '/requests/1234567890123',
      '/tokens/..%2F..%2Fx.json',
      '/tokens/%3Cscript%3E.xml',
      '/services/..%2F0102.json',
      '/services/0102.exe',
      '/services.html',
      '/discovery.yaml',
      '/requests.json?start_date=yesterday',
      '/requests.json?end_date=2026-13-45T99:99:99Z',
      '/requests.json?status=maybe',
      `/requests.json?service_request_id=${'1,'.repeat(3000)}`,
      '/requests.json?service_code=../0102',
      '/requests.json?service_code=0102&service_code[]=0103',
      '/requests.json?jurisdiction_id[__proto__]=x',
      '/requests.json?__proto__[admin]=1',
      '/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2020-01-01T00:00:00Z',
      '/requests.xml?status=%00',
      '/servicerequestupdates.json?start_date=never',
      '/servicerequestupdates.json?end_date=1e309',
      '/nope.json',
    ];
    for (const p of paths) {
      await expectSane(await fetch(`${base()}${p}`), `GET ${p.slice(0, 80)}`);
      tally.add('Open311 reads');
    }
  });
});
