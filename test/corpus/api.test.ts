// Malformed-input corpus, the API: every method of the combined contract gets payloads of the wrong shape and fields
// of the wrong type, over HTTP (POST /api/<method>) and straight through the core's invoke (the IPC path), as an
// administrator. Each is refused with a 4xx and a clear message naming the bad field; the server keeps answering
// /health and the database does not change. Then the bodies HTTP itself can get wrong: not JSON, another content
// type, too large, nested too deep, polluted keys, unknown methods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../shared/contract/index.ts';
import { MAX_BODY_BYTES } from '../../shared/contract/index.ts';
import { expectClearError, expectHealthy, guardGroup, expectHttpRefusal, openCentre, Tally, unchanged, type Centre } from './harness.ts';
import { METHODS, payloadsOf, type BadPayload } from './payloads.ts';

let c: Centre;
const tally = new Tally();
beforeAll(async () => {
  c = await openCentre();
});
afterAll(async () => {
  tally.print('api');
  await c?.close();
});

const post = (path: string, body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${c.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${c.token}`, ...headers }, body });

/** The refusal names the bad field (the first issue or any of them). */
function expectNamesField(error: { details?: { field?: string; issues?: { path: string }[] } }, p: BadPayload, label: string) {
  if (!p.field) return;
  const paths = [error.details?.field, ...(error.details?.issues ?? []).map((i) => i.path)].filter(Boolean) as string[];
  expect(
    paths.some((x) => x === p.field || x.startsWith(`${p.field}.`)),
    `${label}: the refusal names ${paths.join(', ')}`,
  ).toBe(true);
}

describe('every contract method over HTTP refuses bad payloads clearly', () => {
  guardGroup(() => c);
  it.each(METHODS)('%s', async (method: MethodName) => {
    const payloads = payloadsOf(method);
    await unchanged(c.core, async () => {
      for (const p of payloads) {
        const label = `HTTP ${method} with ${p.label}`;
        const error = await expectHttpRefusal(await post(`/api/${method}`, JSON.stringify(p.input)), label);
        expect(error.code, label).toBe('BAD_INPUT');
        expectNamesField(error, p, label);
      }
    });
    await expectHealthy(c.server.url);
    tally.add('HTTP /api payloads', payloads.length);
  });
});

describe('every contract method through the core (the IPC path) refuses the same payloads', () => {
  guardGroup(() => c);
  it.each(METHODS)('%s', async (method: MethodName) => {
    const payloads = payloadsOf(method);
    await unchanged(c.core, async () => {
      for (const p of payloads) {
        const label = `invoke ${method} with ${p.label}`;
        const r = await c.core.invoke(method, p.input, { actor: 'adm', via: 'ipc', token: c.token });
        expect(r.ok, label).toBe(false);
        if (r.ok) continue;
        expectClearError(r.error, label);
        expect(r.error.code, label).toBe('BAD_INPUT');
        expectNamesField(r.error, p, label);
      }
      // A method name that is not the contract's, whatever it looks like.
      for (const name of ['__proto__', 'constructor', 'toString', `${method}.x`, `${method}\u0000`, '../cases.get']) {
        const r = await c.core.invoke(name, {}, { actor: 'adm', via: 'ipc', token: c.token });
        expect(r.ok, name).toBe(false);
        if (!r.ok) expect(r.error.code, name).toBe('UNKNOWN_METHOD');
      }
    });
    tally.add('core invoke payloads', payloads.length + 6);
  });
});

/** Bodies HTTP itself can get wrong, sent to a method that writes (so a body read wrongly would show as a change). */
const BODIES: { label: string; body: BodyInit | null; headers?: Record<string, string> }[] = [
  { label: 'not JSON', body: 'hello world' },
  { label: 'truncated JSON', body: '{"channel":"hotline","description":"x' },
  { label: 'JSON with a trailing comma', body: '{"channel":"hotline",}' },
  { label: 'a lone comma', body: ',' },
  { label: 'an empty body with a JSON type', body: '' },
  { label: 'NaN as a JSON number', body: '{"lon":NaN,"lat":Infinity}' },
  { label: 'a BOM before JSON', body: '\ufeff{"channel":"hotline"}' },
  { label: 'single quotes', body: "{'channel':'hotline'}" },
  { label: 'own __proto__ key', body: '{"__proto__":{"role":"admin"},"channel":"hotline","description":"x"}' },
  { label: 'nested __proto__ key', body: '{"attributes":{"__proto__":{"x":1}},"channel":"hotline","description":"x"}' },
  { label: 'constructor.prototype', body: '{"constructor":{"prototype":{"x":1}},"channel":"hotline","description":"x"}' },
  { label: 'JSON nested 100,000 deep', body: '['.repeat(100_000) + ']'.repeat(100_000) },
  { label: 'objects nested 50,000 deep', body: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000) },
  { label: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  { label: 'a UTF-16 body', body: new Uint8Array(Buffer.from('{"channel":"hotline"}', 'utf16le')) },
  { label: 'text/plain', body: '{"channel":"hotline","description":"x"}', headers: { 'content-type': 'text/plain' } },
  { label: 'form-urlencoded', body: 'channel=hotline&description=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  {
    label: 'multipart',
    body: '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n',
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
  },
  { label: 'octet-stream', body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'application/octet-stream' } },
  { label: 'XML', body: '<case><channel>hotline</channel></case>', headers: { 'content-type': 'application/xml' } },
  { label: 'a content type with a junk charset', body: '{}', headers: { 'content-type': 'application/json; charset=klingon' } },
  { label: 'no content type', body: '{"channel":"hotline"}', headers: {} },
  { label: 'a body over the limit', body: `{"description":"${'x'.repeat(MAX_BODY_BYTES + 10)}"}` },
];

describe('HTTP bodies that are not a well-formed JSON object', () => {
  guardGroup(() => c);
  it('are refused with a 4xx in the contract shape, for a write and a read', async () => {
    await unchanged(c.core, async () => {
      for (const method of ['cases.intake', 'search.query']) {
        for (const b of BODIES) {
          await expectHttpRefusal(await post(`/api/${method}`, b.body, b.headers ?? { 'content-type': 'application/json' }), `${method}: ${b.label}`);
          tally.add('HTTP bodies');
        }
      }
    });
    await expectHealthy(c.server.url);
  });

  it('unknown methods, odd routes and wrong verbs are refused with a 4xx', async () => {
    const routes = [
      '/api/cases.nope',
      '/api/__proto__',
      '/api/constructor',
      '/api/hasOwnProperty',
      '/api/..%2Fhealth',
      '/api/cases.get%00',
      '/api/',
      '/api',
      '/api/cases.get/extra',
    ];
    await unchanged(c.core, async () => {
      for (const r of routes) {
        await expectHttpRefusal(await post(r, '{}'), `POST ${r.slice(0, 60)}`);
        tally.add('HTTP routes');
      }
      for (const verb of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const res = await fetch(`${c.server.url}/api/cases.get`, { method: verb, headers: { authorization: `Bearer ${c.token}` } });
        await expectHttpRefusal(res, `${verb} /api/cases.get`);
        tally.add('HTTP routes');
      }
    });
    await expectHealthy(c.server.url);
  });

  it('malformed credentials are refused as unauthenticated, never as an error of ours', async () => {
    const headers = ['Bearer', 'Bearer ', `Bearer ${'x'.repeat(10_000)}`, 'Basic YWRtOmFkbQ==', `Bearer ${c.token}\u0000`, 'Bearer ../../etc/passwd', 'bearer'];
    await unchanged(c.core, async () => {
      for (const h of headers) {
        let res: Response;
        try {
          res = await fetch(`${c.server.url}/api/auth.me`, { method: 'POST', headers: { authorization: h, 'content-type': 'application/json' }, body: '{}' });
        } catch {
          continue; // fetch itself refuses a header with a NUL: nothing reached the server
        }
        const error = await expectHttpRefusal(res, `authorization: ${h.slice(0, 40)}`);
        expect(error.code).toBe('UNAUTHENTICATED');
        tally.add('HTTP credentials');
      }
    });
    await expectHealthy(c.server.url);
  });
});
