// The case service through the core's invoke (the same path every transport takes): intake, the whole workflow,
// two-level dispatch, exceptions, clocks, alerts and SMS, permissions, duplicates, search and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import Database from 'better-sqlite3';
import { Core } from '../../electron/core/core.ts';
import type { CallContext } from '../../electron/core/context.ts';
import { addUsers, fingerprint, passwordOf, smallDbCopy, type TestUser } from '../helpers.ts';
import { RULES, CASE_ACTIONS, type CaseAction } from '../../shared/workflow.ts';
import { ROLES, type Role } from '../../shared/roles.ts';
import { contract, type PushEvent } from '../../shared/contract/index.ts';

// Tuesday 2026-11-24 09:00 CST.
const T0 = Date.parse('2026-11-24T09:00:00+08:00');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d9b2a10000000049454e44ae426082',
  'hex',
).toString('base64');

let file: string;
let core: Core;
let now = T0;
const tokens: Record<string, string> = {};
const events: PushEvent[] = [];
const as = (name: string): CallContext => ({ actor: name, via: 'test', token: tokens[name] });
async function call(name: string, method: string, input: unknown): Promise<any> {
  return core.invoke(method, input, as(name));
}
async function ok(name: string, method: string, input: unknown): Promise<any> {
  const r = await call(name, method, input);
  if (!r.ok) throw new Error(`${method} as ${name}: ${JSON.stringify(r.error)}`);
  return r.result;
}

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader', phone: '13800000001' },
  { name: 'disp', role: 'dispatcher' },
  { name: 'sup', role: 'supervisor' },
  { name: 'boss', role: 'leader' },
  { name: 'gis', role: 'gis_editor' },
  { name: 'dr', role: 'dr_operator' },
  { name: 'adm', role: 'admin' },
  { name: 'water', role: 'department', department: 'D07' },
  { name: 'street1', role: 'department', department: 'D27' },
  { name: 'env', role: 'department', department: 'D03' },
];

/** Logs everyone in at the current clock (sessions expire after 12 idle hours of the core's clock). */
async function relogin() {
  for (const name of Object.keys(tokens).length ? Object.keys(tokens) : USERS.map((u) => u.name)) {
    tokens[name] = (await ok(name, 'auth.login', { name, password: passwordOf(name) })).token;
  }
}
/** Runs fn with the clock moved to t, then puts the clock back. */
async function at(t: number, fn: () => Promise<void>) {
  now = t;
  await relogin();
  try {
    await fn();
  } finally {
    now = T0;
  }
}

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = new Core({ dbPath: file, clock: () => now });
  core.subscribe((e) => events.push(e));
  await relogin();
  // Counts cached now are kept up to date by every later write (checked against a fresh core at the end).
  await ok('env', 'cases.counts', {});
  await ok('adm', 'cases.counts', {});
});
afterAll(() => core?.close());

/** A point inside the city and the cell it is in. */
async function place(): Promise<{ lon: number; lat: number; street: string }> {
  const cell = await ok('op', 'grid.locate', { lon: 119.92, lat: 32.46 });
  return { lon: 119.92, lat: 32.46, street: cell.streetCode };
}

describe('intake', () => {
  it('takes a hotline case: resolves cell, community and street; records channel, photo and history', async () => {
    const p = await place();
    const c = await ok('op', 'cases.intake', {
      channel: 'hotline',
      classCode: '0102',
      lon: p.lon,
      lat: p.lat,
      description: '路边暴露垃圾',
      reporterName: '王先生',
      reporterPhone: '13900000000',
      callback: true,
      photos: [{ mime: 'image/png', data: PNG }],
    });
    expect(c).toMatchObject({
      status: 'pending_accept',
      channel: 'hotline',
      kind: 'event',
      classCode: '0102',
      className: '暴露垃圾',
      streetCode: p.street,
      callback: true,
    });
    expect(c.caseNo).toMatch(/^2026112400\d{3}$/);
    expect(c.gridCode).toMatch(/^321202/);
    expect(c.communityCode).toBe(c.gridCode.slice(6, 12));
    expect(c.photoIds).toHaveLength(1);
    expect(c.history).toMatchObject([{ action: 'intake', toStatus: 'pending_accept', actorName: 'op', role: 'operator' }]);
    expect(c.clock).toMatchObject({ stage: 'accept', overdue: false });
    expect(events.at(-1)).toMatchObject({ type: 'cases.changed', payload: { id: c.id, status: 'pending_accept', action: 'intake' } });
  });

  it('a component code sets the class, the place and the responsible department', async () => {
    const comp = (await ok('op', 'components.inExtent', { bbox: [119.91, 32.45, 119.93, 32.47], classes: ['0101'], limit: 1 }))[0];
    const c = await ok('op', 'cases.intake', { channel: 'supervisor', componentCode: comp.code, description: '井盖破损' });
    expect(c).toMatchObject({ kind: 'component', classCode: '0101', lon: comp.lon, lat: comp.lat, gridCode: comp.gridCode, componentCode: comp.code });
  });

  it('an address naming a community is placed at that community (approximate)', async () => {
    const comm = (await ok('op', 'grid.communities', {}))[5];
    const c = await ok('op', 'cases.intake', { channel: 'web', classCode: '0104', address: `${comm.name}东门`, description: '道路不洁' });
    expect(c.communityCode).toBeDefined();
    expect(c.history[0].data.approximate).toBe(true);
  });

  it('the channel list is data the centre extends (administrators only)', async () => {
    expect((await call('op', 'cases.addChannel', { code: 'app12345', name: '12345政务热线', needsVerify: true })).error.code).toBe('FORBIDDEN');
    const list = await ok('adm', 'cases.addChannel', { code: 'app12345', name: '12345政务热线', needsVerify: true });
    expect(list.at(-1)).toEqual({ code: 'app12345', name: '12345政务热线', needsVerify: true });
    expect((await call('adm', 'cases.addChannel', { code: 'app12345', name: 'x', needsVerify: false })).error.code).toBe('CONFLICT');
    const p = await place();
    const c = await ok('op', 'cases.intake', { channel: 'app12345', classCode: '0104', lon: p.lon, lat: p.lat, description: '转办' });
    expect(c.channel).toBe('app12345');
  });

  it('refuses an unknown channel, an unknown class, a point outside the city and a fake photo — changing nothing', async () => {
    const before = fingerprint(file);
    const bad: [unknown, string][] = [
      [{ channel: 'fax', classCode: '0102', lon: 119.92, lat: 32.46, description: 'x' }, 'BAD_INPUT'],
      [{ channel: 'hotline', classCode: '0999', lon: 119.92, lat: 32.46, description: 'x' }, 'BAD_INPUT'],
      [{ channel: 'hotline', classCode: '0102', lon: 121.5, lat: 31.2, description: 'x' }, 'OUTSIDE_CITY'],
      [{ channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: 'x', photos: [{ mime: 'image/jpeg', data: PNG }] }, 'BAD_INPUT'],
      [{ channel: 'hotline', classCode: '0102', lon: 119.92, description: 'x' }, 'BAD_INPUT'],
      [{ channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '' }, 'BAD_INPUT'],
      [{ channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: 'x', role: 'admin' }, 'BAD_INPUT'],
    ];
    for (const [input, code] of bad) {
      const r = await call('op', 'cases.intake', input);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      expect(r.error.code).toBe(code);
    }
    expect(fingerprint(file)).toBe(before);
  });
});

/** Takes a fresh hotline case to a given point. */
async function newCase(classCode = '0102') {
  const p = await place();
  return ok('op', 'cases.intake', { channel: 'hotline', classCode, lon: p.lon, lat: p.lat, description: `测试案件 ${classCode}` });
}
async function step(name: string, c: { id: number; version: number }, action: string, extra: Record<string, unknown> = {}) {
  return ok(name, 'cases.act', { id: c.id, version: c.version, action, ...extra });
}

describe('the seven-step workflow', () => {
  it('goes accept → verify → register → dispatch → sub-dispatch → report back → handle → check → close, all in history', async () => {
    await addUsers(file, []); // no-op; users exist
    let c = await newCase('0102');
    c = await step('op', c, 'sendVerify');
    expect(c.status).toBe('pending_verify');
    c = await step('sup', c, 'verify', { passed: true });
    expect(c.status).toBe('pending_register');
    c = await step('lead', c, 'register');
    expect(c.status).toBe('pending_dispatch');
    expect(c.suggestedDept).toBe('D03'); // 暴露垃圾 → 环境卫生管理处 (class default)
    c = await step('disp', c, 'dispatch');
    expect(c).toMatchObject({ status: 'handling', deptCode: 'D03', assigneeDept: 'D03' });
    expect(c.clock.stage).toBe('handle');
    const subUnits = (await ok('env', 'catalog.departments', {})).filter((d: any) => d.parent === 'D03');
    expect(subUnits.length).toBeGreaterThan(0);
    c = await step('env', c, 'subDispatch', { dept: subUnits[0].code });
    expect(c.assigneeDept).toBe(subUnits[0].code);
    // The level-2 department cannot file the result while its unit holds the case.
    const early = await call('env', 'cases.act', { id: c.id, version: c.version, action: 'handle', result: 'x' });
    expect(early.error.message).toContain('lower-level unit');
    await addUsers(file, [{ name: 'unit', role: 'department', department: subUnits[0].code }]);
    tokens.unit = (await ok('unit', 'auth.login', { name: 'unit', password: passwordOf('unit') })).token;
    c = await step('unit', c, 'subReport', { result: '已清运', photos: [{ mime: 'image/png', data: PNG }] });
    expect(c.assigneeDept).toBe('D03');
    c = await step('env', c, 'handle', { result: '已清运完毕' });
    expect(c.status).toBe('pending_check');
    c = await step('sup', c, 'check', { passed: true });
    expect(c.status).toBe('pending_close');
    c = await step('lead', c, 'close');
    expect(c).toMatchObject({ status: 'closed', closeType: 'normal' });
    expect(c.history.map((h: any) => h.action)).toEqual([
      'intake',
      'sendVerify',
      'verify',
      'register',
      'dispatch',
      'subDispatch',
      'subReport',
      'handle',
      'check',
      'close',
    ]);
    expect(c.history.find((h: any) => h.action === 'subReport').photoIds).toHaveLength(1);
    expect(c.actions).toEqual([]);
  });

  it('routes by component ownership and by street (街面秩序 → the street office)', async () => {
    const p = await place();
    const office = (await ok('op', 'catalog.departments', {})).find((d: any) => d.level === 2 && d.name.includes('街道') && true);
    expect(office).toBeDefined();
    let c = await ok('op', 'cases.intake', { channel: 'video', classCode: '0504', lon: p.lon, lat: p.lat, description: '店外经营' });
    c = await step('op', c, 'accept');
    c = await step('lead', c, 'register');
    const dept = (await ok('op', 'cases.list', { queue: 'pending_dispatch' })).items.find((x: any) => x.id === c.id);
    expect(dept).toBeDefined();
    const detail = await ok('disp', 'cases.get', { id: c.id });
    const streetOffice = core.app.db.prepare('SELECT code FROM departments WHERE street_code = ?').get(p.street) as { code: string };
    expect(detail.suggestedDept).toBe(streetOffice.code);
    // The dispatcher can override the suggestion.
    const d = await step('disp', detail, 'dispatch', { dept: 'D13' });
    expect(d.deptCode).toBe('D13');
  });

  it('check failed sends it back to the department (返工) and counts it', async () => {
    let c = await newCase();
    for (const [who, a] of [
      ['op', 'accept'],
      ['lead', 'register'],
      ['disp', 'dispatch'],
    ] as const)
      c = await step(who, c, a);
    c = await step('env', c, 'handle', { result: '处理了' });
    c = await step('sup', c, 'check', { passed: false });
    expect(c).toMatchObject({ status: 'handling', reworkCount: 1 });
  });

  it('回退: the department asks, the dispatcher approves and re-dispatches; or refuses', async () => {
    let c = await newCase();
    for (const [who, a] of [
      ['op', 'accept'],
      ['lead', 'register'],
      ['disp', 'dispatch'],
    ] as const)
      c = await step(who, c, a);
    const noReason = await call('env', 'cases.act', { id: c.id, version: c.version, action: 'requestReturn' });
    expect(noReason.error).toMatchObject({ code: 'BAD_INPUT', details: { field: 'reason' } });
    c = await step('env', c, 'requestReturn', { reason: '不属于本单位' });
    expect(c.status).toBe('return_requested');
    c = await step('disp', c, 'refuseReturn', { reason: '属于你单位职责' });
    expect(c.status).toBe('handling');
    c = await step('env', c, 'requestReturn', { reason: '确实不属于' });
    c = await step('disp', c, 'approveReturn', { dept: 'D01' });
    expect(c).toMatchObject({ status: 'handling', deptCode: 'D01', returnCount: 1 });
  });

  it('延期 moves the deadline; 挂账 stops the clock and 恢复 resumes it with the time that was left', async () => {
    let c = await newCase();
    for (const [who, a] of [
      ['op', 'accept'],
      ['lead', 'register'],
      ['disp', 'dispatch'],
    ] as const)
      c = await step(who, c, a);
    const due0 = c.clock.due;
    c = await step('env', c, 'requestExtension', { reason: '需要协调', extension: { value: 1, unit: 'work_day' } });
    expect(c.extensionRequest).toMatchObject({ value: 1, unit: 'work_day' });
    const twice = await call('env', 'cases.act', {
      id: c.id,
      version: c.version,
      action: 'requestExtension',
      reason: 'again',
      extension: { value: 1, unit: 'work_day' },
    });
    expect(twice.error.code).toBe('CONFLICT');
    c = await step('disp', c, 'approveExtension');
    expect(c.clock.due).toBeGreaterThan(due0);
    expect(c.extensionCount).toBe(1);
    const left = c.clock.remainingMs;
    c = await step('disp', c, 'suspend', { reason: '资金未落实' });
    expect(c.status).toBe('suspended');
    expect(c.clock.due).toBeNull();
    await at(T0 + 5 * 86_400_000, async () => {
      // five days pass while suspended: no clock runs
      c = await step('disp', c, 'resume');
      expect(c.status).toBe('handling');
      expect(Math.abs(c.clock.remainingMs - left)).toBeLessThan(60_000);
    });
  });

  it('督办 is recorded without changing the state; 作废 needs a reason; 自行处置 closes at once', async () => {
    let c = await newCase();
    c = await step('boss', c, 'urge', { reason: '尽快处理' });
    expect(c).toMatchObject({ status: 'pending_accept', urgeCount: 1 });
    c = await step('lead', c, 'void', { reason: '重复上报' });
    expect(c.status).toBe('voided');
    const p = await place();
    const s = await ok('sup', 'cases.intake', {
      channel: 'supervisor',
      classCode: '0104',
      lon: p.lon,
      lat: p.lat,
      description: '路面有垃圾，已自行清理',
      selfHandled: true,
    });
    expect(s).toMatchObject({ status: 'closed', closeType: 'self' });
    expect(s.history.map((h: any) => h.action)).toEqual(['intake', 'selfHandle']);
    const notSup = await call('op', 'cases.intake', { channel: 'supervisor', classCode: '0104', lon: p.lon, lat: p.lat, description: 'x', selfHandled: true });
    expect(notSup.error.code).toBe('FORBIDDEN');
  });

  it('refuses an illegal step with a message naming the states that allow it, changing nothing', async () => {
    const c = await newCase();
    const before = fingerprint(file);
    const r = await call('disp', 'cases.act', { id: c.id, version: c.version, action: 'dispatch' });
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toContain('待派遣');
    expect(r.error.message).toContain('pending_accept');
    expect(fingerprint(file)).toBe(before);
  });

  it('of two concurrent transitions of the same case exactly one wins; the other gets a conflict', async () => {
    const c = await newCase();
    const [a, b] = await Promise.all([
      call('op', 'cases.act', { id: c.id, version: c.version, action: 'accept' }),
      call('lead', 'cases.act', { id: c.id, version: c.version, action: 'void', reason: '无效' }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(loser.error.code).toBe('CONFLICT');
    expect(loser.error.message).toContain('changed by someone else');
  });

  it('merges a duplicate into the case it repeats', async () => {
    const a = await newCase('0103');
    const b = await newCase('0103');
    const dups = await ok('op', 'cases.duplicates', { kind: 'event', classCode: '0103', lon: b.lon, lat: b.lat, excludeId: b.id });
    expect(dups.map((d: any) => d.id)).toContain(a.id);
    expect(dups[0].distanceM).toBeLessThanOrEqual(50);
    const m = await step('op', b, 'merge', { mergeInto: a.id });
    expect(m).toMatchObject({ status: 'voided', mergedInto: a.id });
    // Far away or another class is no duplicate.
    expect(await ok('op', 'cases.duplicates', { kind: 'event', classCode: '0103', lon: 119.95, lat: 32.43 })).toEqual([]);
    expect((await ok('op', 'cases.duplicates', { kind: 'event', classCode: '0105', lon: b.lon, lat: b.lat })).map((d: any) => d.id)).not.toContain(a.id);
    // Older than the window (24 h) is no duplicate either.
    await at(T0 + 25 * 3600_000, async () => {
      expect((await ok('op', 'cases.duplicates', { kind: 'event', classCode: '0103', lon: b.lon, lat: b.lat })).map((d: any) => d.id)).not.toContain(a.id);
    });
  });
});

describe('permissions are checked in the core for every method', () => {
  it('refuses every call without a session, except the public ones', async () => {
    for (const m of Object.keys(contract) as (keyof typeof contract)[]) {
      const r = await core.invoke(m, {}, { actor: 'x', via: 'test' });
      if (contract[m].access === 'public') expect(r.ok === false ? r.error.code : 'OK').not.toBe('UNAUTHENTICATED');
      else expect(r, m).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    const forged = await core.invoke('cases.list', {}, { actor: 'x', via: 'test', token: 'A'.repeat(43) });
    expect(forged.ok === false && forged.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses each role-restricted method for each role that lacks it, changing nothing', async () => {
    const before = fingerprint(file);
    const byRole: Record<string, string> = {
      operator: 'op',
      shift_leader: 'lead',
      dispatcher: 'disp',
      supervisor: 'sup',
      leader: 'boss',
      gis_editor: 'gis',
      dr_operator: 'dr',
      department: 'water',
    };
    let refused = 0;
    for (const [m, def] of Object.entries(contract)) {
      if (!Array.isArray(def.access)) continue;
      for (const role of ROLES) {
        if (role === 'admin' || def.access.includes(role)) continue;
        const r = await call(byRole[role], m, {});
        expect(r.ok === false && r.error.code, `${m} as ${role}`).toBe('FORBIDDEN');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect(fingerprint(file)).toBe(before);
  });

  it('refuses each workflow action for each role that lacks it (forged roles included)', async () => {
    const byRole: Record<string, string> = {
      operator: 'op',
      shift_leader: 'lead',
      dispatcher: 'disp',
      supervisor: 'sup',
      leader: 'boss',
      gis_editor: 'gis',
      dr_operator: 'dr',
      department: 'water',
    };
    const c = await newCase();
    const before = fingerprint(file);
    // What each action must carry, so that the role (not a missing field) is what is refused.
    const carries: Partial<Record<CaseAction, object>> = {
      merge: { mergeInto: c.id },
      subDispatch: { dept: 'D07' },
      subReport: { result: '已处理' },
      handle: { result: '已处理' },
      requestExtension: { extension: { value: 1, unit: 'work_day' } },
      check: { passed: true },
    };
    for (const action of CASE_ACTIONS) {
      for (const role of ROLES as readonly Role[]) {
        if (role === 'admin' || RULES[action].roles.includes(role)) continue;
        const input = { id: c.id, version: c.version, action, reason: 'r', ...carries[action] };
        const r = await call(byRole[role], 'cases.act', { ...input, role: 'admin' });
        expect(r.ok).toBe(false); // the extra "role" field is refused by the schema, and without it the role is refused
        const r2 = await call(byRole[role], 'cases.act', input);
        expect(r2.ok).toBe(false);
        expect(['FORBIDDEN', 'CONFLICT']).toContain(r2.error.code);
      }
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('a department user sees only its own cases', async () => {
    const mine = await ok('water', 'cases.list', { queue: 'all' });
    expect(mine.items.every((x: any) => x.deptCode === 'D07')).toBe(true);
    const city = [119.872, 32.424, 119.968, 32.496];
    expect((await ok('water', 'cases.map', { bbox: city })).length).toBe(0);
    expect((await ok('env', 'cases.map', { bbox: city })).length).toBeGreaterThan(0);
    expect((await ok('op', 'cases.map', { bbox: city })).length).toBeGreaterThan((await ok('env', 'cases.map', { bbox: city })).length);
    const env = (await ok('env', 'cases.list', { queue: 'all' })).items[0];
    const r = await call('water', 'cases.get', { id: env.id });
    expect(r.error.code).toBe('FORBIDDEN');
  });
});

describe('queues, search and counts', () => {
  it('counts per queue match the lists, for the centre and for a department (kept up to date by every write)', async () => {
    for (const who of ['adm', 'env', 'sup']) {
      const counts = await ok(who, 'cases.counts', {});
      for (const q of ['pending_accept', 'pending_verify', 'pending_check', 'pending_dispatch', 'handling', 'closed', 'suspended', 'overdue', 'all']) {
        expect((await ok(who, 'cases.list', { queue: q, limit: 200 })).total, `${who} ${q}`).toBe(counts[q]);
      }
    }
    // A fresh core computes the same counts from scratch.
    const fresh = new Core({ dbPath: file, clock: () => now });
    try {
      for (const who of ['adm', 'env']) {
        const u = core.app.auth.resolve(tokens[who], now)!;
        expect(fresh.app.cases.queues.counts(u, now)).toEqual(core.app.cases.queues.counts(u, now));
      }
    } finally {
      fresh.close();
    }
  });

  it('finds cases by Chinese text (trigram FTS, and shorter words)', async () => {
    const hit = await ok('op', 'cases.list', { q: '暴露垃圾' });
    expect(hit.items.length).toBeGreaterThan(0);
    expect(hit.items.every((x: any) => `${x.description}${x.address ?? ''}${x.caseNo}`.includes('暴露垃圾') || x.className === '暴露垃圾')).toBe(true);
    const two = await ok('op', 'cases.list', { q: '井盖' });
    expect(two.items.every((x: any) => x.description.includes('井盖'))).toBe(true);
    expect(two.items.length).toBeGreaterThan(0);
    expect((await ok('op', 'cases.list', { q: '不存在的描述文字' })).total).toBe(0);
    // Case numbers: the whole number, or its leading digits (the date part).
    const one = hit.items[0];
    expect((await ok('op', 'cases.list', { q: one.caseNo })).items.map((x: any) => x.id)).toEqual([one.id]);
    const day = await ok('op', 'cases.list', { q: one.caseNo.slice(0, 8), limit: 200 });
    expect(day.items.length).toBeGreaterThan(1);
    expect(day.items.every((x: any) => x.caseNo.startsWith(one.caseNo.slice(0, 8)))).toBe(true);
  });

  it('filters by class, channel, street and overdue', async () => {
    const byClass = await ok('op', 'cases.list', { classCode: '0103' });
    expect(byClass.items.every((x: any) => x.classCode === '0103')).toBe(true);
    const byChannel = await ok('op', 'cases.list', { channel: 'video' });
    expect(byChannel.items.length).toBeGreaterThan(0);
    expect(byChannel.items.every((x: any) => x.channel === 'video')).toBe(true);
  });
});

describe('time limits, alerts and SMS', () => {
  it('marks a case overdue after its limit and 3× overdue after three times; alerts once; queues an SMS for 立案超时', async () => {
    const c = await newCase(); // accept limit 0.5 working hour from Tuesday 09:00 → due 09:30
    expect(new Date(c.clock.due).toISOString()).toBe('2026-11-24T01:30:00.000Z');
    await at(T0 + 40 * 60_000, async () => {
      const late = await ok('op', 'cases.get', { id: c.id });
      expect(late.clock).toMatchObject({ overdue: true, overdue3x: false });
      expect((await ok('op', 'cases.list', { queue: 'overdue' })).items.map((x: any) => x.id)).toContain(c.id);
      const raised = core.app.alerts.sweep(now);
      expect(raised.some((a) => a.caseId === c.id && a.kind === 'overdue')).toBe(true);
      expect(core.app.alerts.sweep(now).filter((a) => a.caseId === c.id)).toEqual([]); // once only
      const sms = await ok('lead', 'sms.outbox', {});
      expect(sms.some((m: any) => m.caseId === c.id && m.toPhone === '13800000001' && m.body.includes('立案超时') && m.status === 'queued')).toBe(true);
    });
    await at(T0 + 100 * 60_000, async () => {
      // 3 × 30 min = 10:30
      expect((await ok('op', 'cases.get', { id: c.id })).clock.overdue3x).toBe(true);
      expect(core.app.alerts.sweep(now).some((a) => a.caseId === c.id && a.kind === 'overdue3x')).toBe(true);
      const open = await ok('op', 'alerts.list', {});
      expect(open.length).toBeGreaterThan(0);
      expect((await ok('op', 'alerts.ack', { ids: open.map((a: any) => a.id) })).acked).toBe(open.length);
      expect(await ok('op', 'alerts.list', {})).toEqual([]);
    });
  });

  it('the default gateway logs; the HTTP gateway retries until the gateway accepts', async () => {
    expect(await core.app.alerts.deliver({ kind: 'log' }, now + 86_400_000)).toBeGreaterThan(0);
    expect((await ok('lead', 'sms.outbox', {})).every((m: any) => m.status === 'logged')).toBe(true);
    // A local gateway that fails once, then accepts.
    const got: string[] = [];
    let calls = 0;
    const gw = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.statusCode = 503;
          res.end();
          return;
        }
        got.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => gw.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(gw.address() as any).port}/send`;
    core.app.db.transaction(() =>
      core.app.db.prepare("INSERT INTO sms_outbox (created_at, to_phone, body, next_attempt) VALUES (?, '13800000001', '测试短信', ?)").run(now, now),
    )();
    const settings = { kind: 'http' as const, url, template: '{"to":"{phone}","msg":"{text}"}' };
    await core.app.alerts.deliver(settings, now);
    let last = (await ok('lead', 'sms.outbox', {}))[0];
    expect(last).toMatchObject({ status: 'queued', attempts: 1, lastError: 'gateway answered 503' });
    await core.app.alerts.deliver(settings, now + 60_000);
    last = (await ok('lead', 'sms.outbox', {}))[0];
    expect(last).toMatchObject({ status: 'sent', attempts: 2 });
    expect(JSON.parse(got[0])).toEqual({ to: '13800000001', msg: '测试短信' });
    gw.close();
  });
});

describe('group commit', () => {
  it('writes arriving together share one commit; each gets its own answer and a refused one leaves no trace', async () => {
    const p = await place();
    const before = (core.app.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
    const seen: number[] = [];
    const other = new Database(file, { readonly: true }); // a second connection sees committed data only
    const off = core.subscribe((e) => {
      // An event is published only once its data is committed: the second connection already sees the row.
      if (e.type === 'cases.changed') seen.push((other.prepare('SELECT count(*) AS n FROM cases WHERE id = ?').get(e.payload.id) as { n: number }).n);
    });
    const calls = Array.from({ length: 30 }, (_, i) =>
      call(
        'op',
        'cases.intake',
        i === 7
          ? { channel: 'hotline', classCode: '0102', lon: 121, lat: 31, description: 'outside' }
          : { channel: 'hotline', classCode: '0102', lon: p.lon, lat: p.lat, description: `批量 ${i}` },
      ),
    );
    const results = await Promise.all(calls);
    off();
    other.close();
    expect(results.filter((r) => r.ok)).toHaveLength(29);
    expect(results[7]).toMatchObject({ ok: false, error: { code: 'OUTSIDE_CITY' } });
    expect((core.app.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(before + 29);
    expect(new Set(results.filter((r) => r.ok).map((r) => r.result.caseNo)).size).toBe(29);
    expect(seen).toHaveLength(29);
    expect(seen.every((n) => n === 1)).toBe(true);
  });
});
