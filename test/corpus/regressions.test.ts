// Bugs the corpus's fuzzing pass found, each kept as the input that found it. components.view looped forever (the
// hall server's event loop with it) on a box reaching a pole — Web Mercator puts the pole at infinity, so decimation
// bins never fit — and on a maxFeatures smaller than the number of classes in view, where one bin per class is
// already more than allowed however large the bins grow. And the inputs it found that other parts answered badly:
// routing errors in Fastify's own shape, broken multipart posts as 500, a deeply nested replica batch as 500, a JSON
// null body read as no input, a CSV header of thousands of columns echoed whole in the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePacked } from '../../shared/packed.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { runImport } from '../../electron/core/gis/importer.ts';
import os from 'node:os';
import path from 'node:path';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import { expectClearError, expectHealthy, expectHttpRefusal, openCentre, type Centre } from './harness.ts';

let c: Centre;
beforeAll(async () => {
  c = await openCentre();
});
afterAll(async () => c?.close());

const view = async (input: unknown) => {
  const r = await c.core.invoke('components.view', input, { actor: 'adm', via: 'ipc', token: c.token });
  if (!r.ok) throw new Error(r.error.message);
  return decodePacked(r.result as Uint8Array);
};

describe('components.view on the inputs the fuzzer found', () => {
  it('a box reaching the south pole answers, decimated to maxFeatures', async () => {
    const p = await view({ bbox: [9e-323, -89.99999999999987, 120.02353086734496, 32.456864884597394], resolution: 2735.8287699275575, maxFeatures: 2 });
    expect(p.count).toBeLessThanOrEqual(2);
    expect(p.totalInView).toBeGreaterThan(2);
    const whole = await view({ bbox: [-180, -90, 180, 90], resolution: 0.5, maxFeatures: 1000 });
    expect(whole.count).toBeGreaterThan(0);
    expect(whole.count).toBeLessThanOrEqual(1000);
  });

  it('fewer features allowed than classes in view answers with exactly maxFeatures', async () => {
    const bbox = [119.872, 32.424, 119.968, 32.496];
    const all = await view({ bbox, resolution: 1e-6, maxFeatures: 400_000 });
    expect(all.count).toBeGreaterThan(100);
    for (const maxFeatures of [1, 2, 5]) {
      const p = await view({ bbox, resolution: 1e-6, maxFeatures });
      expect(p.count).toBe(maxFeatures);
      expect(p.totalInView).toBe(all.count);
    }
    await expectHealthy(c.server.url);
  });
});

describe('answers the fuzzer found in the transports', () => {
  it('routing errors (a path segment too long, a malformed escape) answer in the contract’s shape, or Open311’s under /open311/', async () => {
    const url = c.server.url;
    await expectHttpRefusal(
      await fetch(`${url}/api/${'a'.repeat(5000)}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      'long method',
    );
    for (const [p, fmt] of [
      [`/open311/v2/requests/${'1'.repeat(3000)}.json`, 'json'],
      ['/open311/v2/services/%FF%FE.json', 'json'],
      ['/open311/v2/services/%FF%FE.xml', 'xml'],
    ] as const) {
      const res = await fetch(`${url}${p}`);
      const text = await res.text();
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.status, p).toBeLessThan(500);
      if (fmt === 'json') expect(JSON.parse(text), p).toEqual([{ code: res.status, description: expect.stringMatching(/^bad request/) }]);
      else expect(text, p).toMatch(/<errors><error><code>\d{3}<\/code><description>bad request/);
      expect(text).not.toMatch(/FST_ERR/);
    }
    await expectHealthy(url);
  });

  it('a multipart post without a boundary or cut off is a 400 in the Open311 error list, nothing written', async () => {
    const before = c.core.app.changelog.head().seq;
    const posts: [string, string][] = [
      ['multipart/form-data', 'x'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\nabc'],
    ];
    for (const [type, body] of posts) {
      const res = await fetch(`${c.server.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(400);
      const [e] = (await res.json()) as { code: number; description: string }[];
      expect(e.description).toMatch(/multipart/);
    }
    expect(c.core.app.changelog.head().seq).toBe(before);
    await expectHealthy(c.server.url);
  });

  it('a JSON null body is refused like any value that is not the input, and does not log the caller out', async () => {
    const res = await fetch(`${c.server.url}/api/auth.logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: 'null',
    });
    expect((await expectHttpRefusal(res, 'null body')).code).toBe('BAD_INPUT');
    const me = await c.core.invoke('auth.me', {}, { actor: 'adm', via: 'http', token: c.token });
    expect(me.ok).toBe(true);
  });

  it('a CSV with thousands of columns and none of them coordinates: the message names the first few, not all', async () => {
    const header = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',');
    const csv = `${header}\n${Array.from({ length: 5000 }, () => '1').join(',')}\n`;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-cols-')), 'bad.csv');
    writeFileSync(file, csv);
    let message = '';
    try {
      runImport(c.core.app, file, 'bad.csv', { layer: 'components', actor: 'test', dryRun: true });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/no coordinate columns.*c0, c1.*and 4980 more/);
    expectClearError({ code: 'BAD_INPUT', message }, 'csv columns');
  });
});

describe('the replica server on a deeply nested batch', () => {
  it('answers 400, not 500, and keeps answering', async () => {
    const token = 'corpus-regression-token-0123456789';
    const srv = await startReplicaServer({ dir: path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-nest-')), 'r'), token, port: 0 });
    try {
      const res = await fetch(`${srv.url}/v1/segments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '['.repeat(50_000) + ']'.repeat(50_000),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/nested too deeply/);
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});
