// Trust: what each user may read and do is scoped — duplicates to a department's own cases, reporters' personal data
// to the hall, alerts to the hall, a supervisor's field work to their street, 自行处置 proven by photos; unexpected
// failures reach the caller without internal detail; secrets are write-only and never replicated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../electron/core/core.ts';
import { invokeSync } from '../../electron/core/invoke.ts';
import type { Handlers } from '../../electron/core/handlers.ts';
import { systemContext } from '../../electron/core/context.ts';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, type TestClient, type TestUser, testCore } from '../helpers.ts';
import type { CaseDetail, LonLat } from '../../shared/model.ts';

const T0 = Date.parse('2026-11-24T09:00:00+08:00');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d9b2a10000000049454e44ae426082',
  'hex',
).toString('base64');
const photo = { mime: 'image/png' as const, data: PNG };

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
  { name: 'disp', role: 'dispatcher' },
  { name: 'sup2', role: 'supervisor', street: '002' },
  { name: 'sup1', role: 'supervisor', street: '001' },
  { name: 'boss', role: 'leader' },
  { name: 'gis', role: 'gis_editor' },
  { name: 'dr', role: 'dr_operator' },
  { name: 'adm', role: 'admin' },
  { name: 'water', role: 'department', department: 'D07' },
  { name: 'env', role: 'department', department: 'D03' },
];

let file: string;
let core: Core;
const tokens: Record<string, string> = {};
const as = (name: string): TestClient => coreClient(core, () => ({ actor: name, via: 'test', token: tokens[name] }));

/** The middle of a cell of a street. */
function inStreet(street: string): { lon: number; lat: number } {
  const ring = JSON.parse(
    (core.app.db.prepare(`SELECT ring FROM grid_cells WHERE substr(community_code, 1, 3) = ? ORDER BY code LIMIT 1`).get(street) as { ring: string }).ring,
  ) as LonLat[];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return { lon: (Math.min(...xs) + Math.max(...xs)) / 2, lat: (Math.min(...ys) + Math.max(...ys)) / 2 };
}
const hotline = (street: string, classCode = '0102', extra: object = {}) =>
  as('op').ok('cases.intake', { channel: 'hotline', classCode, ...inStreet(street), description: `测试 ${street}`, ...extra });
const act = (name: string, c: CaseDetail, input: object) => as(name).ok('cases.act', { id: c.id, version: c.version, ...input } as never);

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file, clock: () => T0, replicaAllow: [`${file}.replica-folder`] });
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
});
afterAll(() => core?.close());

describe('department scope', () => {
  it("a department's duplicate suggestions hold only its own cases", async () => {
    const mine = await hotline('001', '0102');
    const theirs = await hotline('001', '0102');
    for (const [name, a] of [
      ['op', 'accept'],
      ['lead', 'register'],
    ] as const) {
      await act(name, mine, { action: a }).then((c) => Object.assign(mine, c));
      await act(name, theirs, { action: a }).then((c) => Object.assign(theirs, c));
    }
    await act('disp', mine, { action: 'dispatch', dept: 'D03' });
    await act('disp', theirs, { action: 'dispatch', dept: 'D07' });
    const query = { kind: 'event', classCode: '0102', ...inStreet('001') } as const;
    expect((await as('op').ok('cases.duplicates', query)).map((d) => d.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const env = (await as('env').ok('cases.duplicates', query)).map((d) => d.id);
    expect(env).toContain(mine.id);
    expect(env).not.toContain(theirs.id);
  });

  it("reporters' names and phones are the hall's and the verifying supervisor's, nobody else's", async () => {
    const c = await hotline('001', '0103', { reporterName: '王先生', reporterPhone: '13900000000', reporterEmail: 'wang@example.cn' });
    for (const name of ['op', 'lead', 'disp', 'sup1', 'adm']) {
      expect(await as(name).ok('cases.get', { id: c.id }), name).toMatchObject({ reporterName: '王先生', reporterPhone: '13900000000' });
    }
    for (const name of ['gis', 'dr', 'boss']) {
      expect(await as(name).ok('cases.get', { id: c.id }), name).toMatchObject({ reporterName: null, reporterPhone: null, reporterEmail: null });
    }
  });
});

describe('alerts are the hall’s', () => {
  it('GIS, DR and department users neither read nor acknowledge them; a call-taker does', async () => {
    for (const name of ['gis', 'dr', 'env']) {
      expect((await as(name).refused('alerts.list', {})).code, name).toBe('FORBIDDEN');
      expect((await as(name).refused('alerts.ack', { ids: [1] })).code, name).toBe('FORBIDDEN');
    }
    expect((await as('boss').refused('alerts.ack', { ids: [1] })).code).toBe('FORBIDDEN');
    expect(await as('boss').ok('alerts.list', {})).toEqual(expect.any(Array));
    expect(await as('op').ok('alerts.ack', { ids: [1] })).toEqual({ acked: expect.any(Number) });
  });
});

describe('a supervisor works in their own street', () => {
  it('自行处置 outside their street is refused, changing nothing; inside it closes the case with the photos labelled', async () => {
    const report = (street: string) => ({
      channel: 'supervisor',
      classCode: '0104',
      ...inStreet(street),
      description: '路面有垃圾，已自行清理',
      selfHandled: true,
      fixPhotos: { before: [photo], after: [photo] },
    });
    const before = fingerprint(file);
    expect(await as('sup2').refused('cases.intake', report('001'))).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('outside your area') });
    expect(fingerprint(file)).toBe(before);
    const c = await as('sup2').ok('cases.intake', report('002'));
    expect(c).toMatchObject({ status: 'closed', closeType: 'self' });
    expect(Object.values(c.photoRoles).sort()).toEqual(['after', 'before']);
    expect(c.history.at(-1)).toMatchObject({ action: 'selfHandle', reason: '路面有垃圾，已自行清理' });
  });

  it('自行处置 needs photos before and after', async () => {
    const e = await as('sup1').rawRefused('cases.intake', {
      channel: 'supervisor',
      classCode: '0104',
      ...inStreet('001'),
      description: '已清理',
      selfHandled: true,
    });
    expect(e).toMatchObject({ code: 'BAD_INPUT', details: { field: 'fixPhotos' } });
  });

  it('a public request is 自行处置-ed only in the supervisor’s street, with what was done and photos before and after', async () => {
    const c = await hotline('001', '0104');
    const before = fingerprint(file);
    const outside = await as('sup2').refused('cases.act', {
      id: c.id,
      version: c.version,
      action: 'selfHandle',
      reason: '已处理',
      before: [photo],
      after: [photo],
    });
    expect(outside).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('outside your area') });
    const noReason = await as('sup1').refused('cases.act', { id: c.id, version: c.version, action: 'selfHandle', before: [photo], after: [photo] });
    expect(noReason).toMatchObject({ code: 'BAD_INPUT', details: { field: 'reason' } });
    const noPhotos = await as('sup1').rawRefused('cases.act', { id: c.id, version: c.version, action: 'selfHandle', reason: '已处理' });
    expect(noPhotos.code).toBe('BAD_INPUT');
    expect(fingerprint(file)).toBe(before);
    const done = await as('sup1').ok('cases.act', { id: c.id, version: c.version, action: 'selfHandle', reason: '已清扫', before: [photo], after: [photo] });
    expect(done).toMatchObject({ status: 'closed', closeType: 'self' });
  });

  it('a 核实 task in another street is not theirs', async () => {
    const c = await hotline('003', '0105');
    const sent = await act('op', c, { action: 'sendVerify' });
    const before = fingerprint(file);
    expect(await as('sup2').refused('cases.act', { id: sent.id, version: sent.version, action: 'verify', passed: true })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(fingerprint(file)).toBe(before);
    expect(sent.actions).toEqual(expect.any(Array));
    expect((await as('sup2').ok('cases.get', { id: sent.id })).actions).not.toContain('verify');
  });
});

describe('failures and secrets', () => {
  it('an unexpected failure reaches the caller as a reference, not its internal message', () => {
    const broken = {
      'app.info': () => {
        throw new TypeError('geom.type.startsWith is not a function');
      },
    } as unknown as Handlers;
    const r = invokeSync(core.app, broken, 'app.info', {}, systemContext('test', 'test'));
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^internal error \(ref [0-9a-f]{8}\)/) } });
    expect(JSON.stringify(r)).not.toContain('startsWith');
  });

  it('the SMS gateway’s URL and template are write-only: not shown, not in the replicated settings, not in the audit', async () => {
    const secret = 'https://sms.example.cn/send?key=S3CR3T-KEY';
    const shown = await as('adm').ok('settings.set', { sms: { kind: 'http', url: secret, template: '{"key":"S3CR3T-TPL","to":"{phone}"}' } });
    expect(shown.sms).toEqual({ kind: 'http', url: 'https://sms.example.cn/…' });
    for (const name of ['adm', 'op', 'gis']) expect(JSON.stringify(await as(name).ok('settings.get', {}))).not.toMatch(/S3CR3T/);
    const db = new Database(file, { readonly: true });
    const dump = (sql: string) => JSON.stringify(db.prepare(sql).all());
    try {
      expect(dump('SELECT * FROM settings')).not.toMatch(/S3CR3T/);
      expect(dump('SELECT * FROM audit')).not.toMatch(/S3CR3T/);
      expect(dump('SELECT * FROM changelog')).not.toMatch(/S3CR3T/);
      expect(dump('SELECT * FROM local_secrets')).toMatch(/S3CR3T-KEY/);
    } finally {
      db.close();
    }
    // The core still delivers through the real gateway settings.
    expect(core.app.settings.get().sms.url).toBe(secret);
  });

  it('points the centre only at a replica the server allows, typed twice; the token is kept out of the replicated settings', async () => {
    const dir = `${file}.replica-folder`;
    const before = fingerprint(file);
    const elsewhere = `${file}.somewhere-else`;
    expect(await as('adm').refused('replication.configure', { target: elsewhere, confirm: elsewhere, mode: 'async' })).toMatchObject({
      code: 'FORBIDDEN',
      details: { field: 'target' },
    });
    expect(await as('adm').refused('replication.configure', { target: dir, mode: 'async' })).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'confirm' },
    });
    expect(fingerprint(file)).toBe(before);
    await as('adm').ok('replication.configure', { target: dir, confirm: dir, mode: 'async', token: 'T0KEN-0123456789abcdef' });
    await as('adm').ok('replication.snapshot', {});
    await core.stopReplication();
    // Nothing the replica holds carries a secret, not even in a snapshot's free pages.
    const stored = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(stored.some((d) => d.name.endsWith('.db'))).toBe(true);
    for (const d of stored) expect(readFileSync(path.join(d.parentPath, d.name)).toString('latin1'), d.name).not.toMatch(/T0KEN|S3CR3T/);
    const db = new Database(file, { readonly: true });
    try {
      expect(JSON.stringify(db.prepare('SELECT * FROM settings').all())).not.toContain('T0KEN');
      expect(JSON.stringify(db.prepare('SELECT * FROM changelog').all())).not.toContain('T0KEN');
      expect(JSON.stringify(db.prepare('SELECT * FROM audit').all())).not.toContain('T0KEN');
    } finally {
      db.close();
    }
  });
});
