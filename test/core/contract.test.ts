// One contract suite, run over both transports: HTTP (+ WebSocket push) and IPC (transport + core in a worker thread).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, registerIpcTransport, type IpcEventLike, type IpcMainLike } from '../../electron/core/transport/ipc.ts';
import { WorkerCore } from '../../electron/core/host/workerCore.ts';
import { contract, type PushEvent } from '../../shared/contract/index.ts';
import type { ApiResult } from '../../shared/errors.ts';
import type { Settings } from '../../shared/model.ts';
import { decodePacked } from '../../shared/packed.ts';
import { addUsers, client, fingerprint, passwordOf, smallDbCopy, type Send, type TestClient, testCore } from '../helpers.ts';

/** One transport under test: the typed client over its send function, and the events it pushed. */
interface Client {
  api: TestClient;
  events: PushEvent[];
  stop(): Promise<void>;
}

/** Logs in as the suite's administrator through a transport's send function. */
async function login(send: Send): Promise<string> {
  return (await client(send).ok('auth.login', { name: 'boss', password: passwordOf('boss') })).token;
}

async function httpTransport(file: string): Promise<Client & { server: HttpServer; token: string }> {
  await addUsers(file, [{ name: 'boss', role: 'admin' }]);
  const core = testCore({ dbPath: file });
  const server = await startHttpServer({ core, port: 0 });
  const events: PushEvent[] = [];
  let token = '';
  const send: Send = async (method, input) => {
    const res = await fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
    });
    if (res.headers.get('content-type')?.startsWith('application/octet-stream')) return { ok: true, result: new Uint8Array(await res.arrayBuffer()) };
    return (await res.json()) as ApiResult<unknown>;
  };
  token = await login(send);
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws?token=' + token);
  ws.on('message', (d) => events.push(JSON.parse(String(d)) as PushEvent));
  await new Promise((r) => ws.once('open', r));
  return {
    server,
    events,
    token,
    api: client(send),
    async stop() {
      ws.close();
      await server.close();
      core.close();
    },
  };
}

/** A stand-in for Electron's ipcMain: same handle()/invoke shape, no Electron. */
class FakeIpcMain implements IpcMainLike {
  private handlers = new Map<string, (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>>();
  /** The window every call comes from (its events are pushed to it). */
  constructor(private readonly sender: IpcEventLike['sender']) {}
  handle(ch: string, fn: (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>) {
    this.handlers.set(ch, fn);
  }
  removeHandler(ch: string) {
    this.handlers.delete(ch);
  }
  invoke(url: string, ...args: unknown[]) {
    return this.handlers.get(CALL_CHANNEL)!({ senderFrame: { url }, sender: this.sender }, ...args) as Promise<ApiResult<unknown>>;
  }
}

async function ipcTransport(file: string): Promise<Client & { ipc: FakeIpcMain }> {
  await addUsers(file, [{ name: 'boss', role: 'admin' }]);
  const core = new WorkerCore({ dbPath: file });
  await core.ready;
  const events: PushEvent[] = [];
  const wc = Object.assign(new EventEmitter(), { send: (ch: string, ev: PushEvent) => ch === EVENT_CHANNEL && events.push(ev), isDestroyed: () => false });
  const ipc = new FakeIpcMain(wc);
  const off = registerIpcTransport({ ipcMain: ipc, core, isTrustedUrl: (u) => u.startsWith('file:///app/') });
  const token = await login((m, i) => ipc.invoke('file:///app/index.html', m, i));
  return {
    ipc,
    events,
    api: client((m, i) => ipc.invoke('file:///app/index.html', m, i, token)),
    async stop() {
      off();
      await core.close();
    },
  };
}

const transports: [string, (f: string) => Promise<Client>][] = [
  ['http', httpTransport],
  ['ipc', ipcTransport],
];

for (const [name, make] of transports) {
  describe(`contract over ${name}`, () => {
    let file: string;
    let c: Client;
    beforeAll(async () => {
      file = smallDbCopy();
      c = await make(file);
    });
    afterAll(async () => c?.stop());

    it('answers app.info with the centre counts', async () => {
      const info = await c.api.ok('app.info', {});
      expect(info.gridCells).toBeGreaterThanOrEqual(6000);
      expect(info.departments).toBe(67);
      expect(info.adminCode).toBe('321202');
    });

    it('lists the class tables with default departments and time limits', async () => {
      const k = await c.api.ok('catalog.componentClasses', {});
      expect(k.length).toBe(85);
      expect(k.find((x) => x.code === '0101')).toMatchObject({ name: '上水井盖', majorName: '公用设施', defaultDept: 'D07' });
      const e = await c.api.ok('catalog.eventClasses', {});
      expect(e.find((x) => x.code === '0102')).toMatchObject({ name: '暴露垃圾', limitValue: 4, limitUnit: 'work_hour' });
    });

    it('locates a point in its grid cell and refuses one outside the city', async () => {
      const r = await c.api.ok('grid.locate', { lon: 119.92, lat: 32.46 });
      expect(r.code).toMatch(/^321202\d{9}$/);
      const out = await c.api.call('grid.locate', { lon: 118.5, lat: 32.46 });
      expect(out).toMatchObject({ ok: false, error: { code: 'OUTSIDE_CITY' } });
    });

    it('returns components in view as packed bytes, filtered by class', async () => {
      const bbox: [number, number, number, number] = [119.9, 32.44, 119.94, 32.48];
      const all = await c.api.ok('components.view', { bbox, resolution: 2 });
      const only = await c.api.ok('components.view', { bbox, resolution: 2, classes: ['0402'] });
      const a = decodePacked(all),
        o = decodePacked(only);
      expect(a.count).toBeGreaterThan(o.count);
      const classes = await c.api.ok('catalog.componentClasses', {});
      const treeIdx = classes.find((x) => x.code === '0402')?.idx;
      expect(o.count).toBeGreaterThan(0);
      expect([...o.cls].every((i) => i === treeIdx)).toBe(true);
    });

    it('finds a component by code, by id and by a click near it', async () => {
      const list = await c.api.ok('components.inExtent', { bbox: [119.91, 32.45, 119.93, 32.47], limit: 3 });
      const first = list[0];
      expect(await c.api.ok('components.get', { code: first.code })).toEqual(first);
      expect((await c.api.ok('components.byId', { id: first.id })).code).toBe(first.code);
      const near = await c.api.ok('components.at', { lon: first.lon + 0.00001, lat: first.lat, radiusM: 5 });
      expect(near?.id).toBe(first.id);
    });

    it('returns the shapes of line and polygon components, filtered by class', async () => {
      const city: [number, number, number, number] = [119.872, 32.424, 119.968, 32.496];
      const all = await c.api.ok('components.shapes', { bbox: city });
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all.map((s) => s.geometry.type))).toEqual(new Set(['LineString', 'Polygon']));
      const green = await c.api.ok('components.shapes', { bbox: city, classes: ['0405'] });
      expect(green.length).toBeGreaterThan(0);
      expect(green.every((s) => s.classCode === '0405' && s.geometry.type === 'Polygon')).toBe(true);
    });

    it('searches codes and place names', async () => {
      const r = await c.api.ok('search.query', { q: '城东' });
      expect(r.some((h) => h.kind === 'street' && h.label === '城东街道')).toBe(true);
      const cell = (await c.api.ok('grid.locate', { lon: 119.92, lat: 32.46 })).code;
      expect((await c.api.ok('search.query', { q: cell }))[0]).toMatchObject({ kind: 'cell', code: cell });
    });

    it('saves settings, audits the change and pushes it to subscribers', async () => {
      const baseLayer = { kind: 'xyz', url: 'https://tiles.example/{z}/{x}/{y}.png', opacity: 0.7 } as const;
      const r = await c.api.ok('settings.set', { baseLayer });
      expect(r.baseLayer).toEqual(baseLayer);
      const pushed = () => c.events.find((e): e is { type: 'settings.changed'; payload: Settings } => e.type === 'settings.changed')?.payload.baseLayer;
      await expect.poll(pushed).toEqual(baseLayer);
      expect((await c.api.ok('settings.get', {})).baseLayer).toEqual(baseLayer);
    });

    describe('bad input gets a clear error naming the field and changes nothing', () => {
      const cases: [string, string, unknown, string, string?][] = [
        ['wrong type', 'grid.locate', { lon: 'east', lat: 32.4 }, 'BAD_INPUT', 'lon'],
        ['missing field', 'grid.locate', { lon: 119.9 }, 'BAD_INPUT', 'lat'],
        ['extra field', 'settings.get', { drop: true }, 'BAD_INPUT'],
        ['huge string', 'search.query', { q: 'x'.repeat(100_000) }, 'BAD_INPUT', 'q'],
        ['invalid component code', 'components.get', { code: '32120201010000' }, 'BAD_INPUT', 'code'],
        ['invalid grid code', 'grid.cell', { code: 'abc' }, 'BAD_INPUT', 'code'],
        ['unknown grid code', 'grid.cell', { code: '321202099099099' }, 'NOT_FOUND', 'code'],
        ['unknown class', 'components.view', { bbox: [119.9, 32.4, 120, 32.5], resolution: 1, classes: ['9999'] }, 'BAD_INPUT', 'classes'],
        ['click outside the city', 'components.at', { lon: 121, lat: 31, radiusM: 5 }, 'OUTSIDE_CITY', 'lon'],
        ['bad base-layer url', 'settings.set', { baseLayer: { kind: 'xyz', url: 'javascript:alert(1)', opacity: 1 } }, 'BAD_INPUT', 'baseLayer.url'],
        ['unknown method', 'components.delete', {}, 'UNKNOWN_METHOD'],
        ['not an object', 'grid.locate', [1, 2], 'BAD_INPUT'],
      ];
      it.each(cases)('%s', async (_label, method, input, code, field) => {
        const before = fingerprint(file);
        const e = await c.api.rawRefused(method, input); // a table of bad inputs, most not of the contract's types: sent raw
        expect(e.code).toBe(code);
        expect(e.message.length).toBeGreaterThan(5);
        if (field) expect(e.details?.field).toBe(field);
        expect(fingerprint(file)).toBe(before);
      });
    });
  });
}

describe('HTTP-only behaviour', () => {
  let c: Awaited<ReturnType<typeof httpTransport>>;
  let file: string;
  beforeAll(async () => {
    file = smallDbCopy();
    c = await httpTransport(file);
  });
  afterAll(async () => c?.stop());
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(c.server.url + path, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${c.token}` }, body });

  it('answers GET /health with 200 JSON', async () => {
    const r = await fetch(c.server.url + '/health');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, status: 'ready' });
  });
  it('maps errors to 4xx statuses', async () => {
    expect((await post('/api/grid.locate', '{"lon":"x","lat":1}')).status).toBe(400);
    expect((await post('/api/nope', '{}')).status).toBe(404);
    expect((await post('/api/grid.locate', '{"lon":118,"lat":32.4}')).status).toBe(422);
  });
  it('refuses malformed JSON, a wrong content type and an oversized body, and survives', async () => {
    const before = fingerprint(file);
    const bad = await post('/api/settings.set', '{"baseLayer": ');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('BAD_INPUT');
    expect((await post('/api/settings.set', 'kind=xyz', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('/api/search.query', JSON.stringify({ q: 'x'.repeat(13_000_000) }))).status).toBe(413);
    expect(fingerprint(file)).toBe(before);
    expect((await fetch(c.server.url + '/health')).status).toBe(200);
  });
  it('refuses a WebSocket from another site’s page and accepts its own', async () => {
    const wsUrl = c.server.url.replace('http', 'ws') + '/ws?token=' + c.token;
    const closed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { origin: 'http://evil.example' });
      ws.on('close', (code) => resolve(code));
    });
    expect(closed).toBe(1008);
    const own = new WebSocket(wsUrl, { origin: c.server.url });
    await new Promise((r) => own.once('open', r));
    own.close();
  });

  it('sends a strict Content-Security-Policy', async () => {
    const r = await fetch(c.server.url + '/health');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
  it('has one route per contract method and no others', async () => {
    for (const m of Object.keys(contract)) expect((await post(`/api/${m}`, '{"__probe":1}')).status).toBe(400);
  });
});

describe('IPC-only behaviour', () => {
  it('refuses calls from a frame that is not the app', async () => {
    const file = smallDbCopy();
    const c = await ipcTransport(file);
    try {
      const r = await c.ipc.invoke('https://evil.example/', 'app.info', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      await c.stop();
    }
  });
});
