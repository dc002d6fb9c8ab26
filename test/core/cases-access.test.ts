// The case service's permissions (every method, every workflow action, a department's own cases) and its queues,
// search and counts, through the core's invoke. The suite's centre holds cases in most states, taken there through
// the API after the queue counts were cached (so the counts test checks that every write kept them up to date).
import { describe, expect, it } from 'vitest';
import { coreClient, fingerprint, testCore } from '../helpers.ts';
import { RULES, CASE_ACTIONS, type CaseAction } from '../../shared/workflow.ts';
import { ROLES, type Role } from '../../shared/roles.ts';
import { contract, type InputOf } from '../../shared/contract/index.ts';
import { caseCentre, PNG, type CaseCentre } from './cases-centre.ts';

/** Cases in most states, taken there by most actions: 待受理 (one urged), 待核实, 待派遣 (after 返工 and 回退), 处置中 (D03
 * and a street office), 挂账 (after 延期), 已结案 (normal and 自行处置), 作废 (voided and merged). */
async function someCases({ as, place, newCase, dispatchedCase, step }: CaseCentre): Promise<void> {
  const p = await place();
  await as('op').ok('cases.intake', {
    channel: 'hotline',
    classCode: '0102',
    lon: p.lon,
    lat: p.lat,
    description: '路边暴露垃圾',
    photos: [{ mime: 'image/png', data: PNG }],
  });
  const comp = (await as('op').ok('components.inExtent', { bbox: [119.91, 32.45, 119.93, 32.47], classes: ['0101'], limit: 1 }))[0];
  await as('op').ok('cases.intake', { channel: 'supervisor', componentCode: comp.code, description: '井盖破损' });
  await step('op', await newCase('0103'), 'sendVerify');
  const video = await as('op').ok('cases.intake', { channel: 'video', classCode: '0504', lon: p.lon, lat: p.lat, description: '店外经营' });
  await step('disp', await step('lead', await step('op', video, 'accept'), 'register'), 'dispatch');
  for (let i = 0; i < 4; i++) {
    // 0: 返工 then 回退 (back to 待派遣); 1: 延期 then 挂账; 2: closed; 3: stays 处置中 at D03.
    let c = await dispatchedCase('0102');
    if (i === 0) {
      c = await step('env', c, 'handle', { result: '处理了' });
      c = await step('sup', c, 'check', { passed: false });
      c = await step('env', c, 'requestReturn', { reason: '不属于本单位' });
      await step('disp', c, 'approveReturn');
    }
    if (i === 1) {
      c = await step('env', c, 'requestExtension', { reason: '需要协调', extension: { value: 1, unit: 'work_day' } });
      c = await step('disp', c, 'approveExtension');
      await step('disp', c, 'suspend', { reason: '资金未落实' });
    }
    if (i === 2) {
      c = await step('env', c, 'handle', { result: '已清运完毕' });
      c = await step('sup', c, 'check', { passed: true });
      await step('lead', c, 'close');
    }
  }
  await step('lead', await newCase('0104'), 'void', { reason: '重复上报' });
  const first = await step('boss', await newCase('0105'), 'urge', { reason: '尽快处理' });
  await step('op', await newCase('0105'), 'merge', { mergeInto: first.id });
  await as('sup').ok('cases.intake', {
    channel: 'supervisor',
    classCode: '0104',
    lon: p.lon,
    lat: p.lat,
    description: '路面有垃圾，已自行清理',
    selfHandled: true,
    fixPhotos: { before: [{ mime: 'image/png', data: PNG }], after: [{ mime: 'image/png', data: PNG }] },
  });
}

const centre = caseCentre(someCases);
const { as, newCase } = centre;

/** An account of each role but admin. */
const byRole: Record<Exclude<Role, 'admin'>, string> = {
  operator: 'op',
  shift_leader: 'lead',
  dispatcher: 'disp',
  supervisor: 'sup',
  leader: 'boss',
  gis_editor: 'gis',
  dr_operator: 'dr',
  department: 'water',
};

describe('permissions are checked in the core for every method', () => {
  it('refuses every call without a session, except the public ones', async () => {
    const nobody = coreClient(centre.core, { actor: 'x', via: 'test' });
    for (const m of Object.keys(contract) as (keyof typeof contract)[]) {
      const r = await nobody.raw(m, {}); // {} is not every method's input: the session is checked first
      if (contract[m].access === 'public') expect(r.ok === false ? r.error.code : 'OK').not.toBe('UNAUTHENTICATED');
      else expect(r, m).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    const forged = await coreClient(centre.core, { actor: 'x', via: 'test', token: 'A'.repeat(43) }).call('cases.list', {});
    expect(forged.ok === false && forged.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses each role-restricted method for each role that lacks it, changing nothing', async () => {
    const before = fingerprint(centre.file);
    let refused = 0;
    for (const [m, def] of Object.entries(contract)) {
      if (!Array.isArray(def.access)) continue;
      for (const role of ROLES) {
        if (role === 'admin' || def.access.includes(role)) continue;
        const r = await as(byRole[role]).raw(m, {}); // the role is refused before the input is read
        expect(r.ok === false && r.error.code, `${m} as ${role}`).toBe('FORBIDDEN');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect(fingerprint(centre.file)).toBe(before);
  });

  it('refuses each workflow action for each role that lacks it (forged roles included)', async () => {
    const c = await newCase();
    const before = fingerprint(centre.file);
    // What each action must carry, so that the role (not a missing field) is what is refused.
    const carries: Partial<Record<CaseAction, object>> = {
      merge: { mergeInto: c.id },
      subDispatch: { dept: 'D07' },
      subReport: { result: '已处理' },
      handle: { result: '已处理' },
      requestExtension: { extension: { value: 1, unit: 'work_day' } },
      check: { passed: true },
      selfHandle: { before: [{ mime: 'image/png', data: PNG }], after: [{ mime: 'image/png', data: PNG }] },
    };
    for (const action of CASE_ACTIONS) {
      for (const role of ROLES as readonly Role[]) {
        if (role === 'admin' || RULES[action].roles.includes(role)) continue;
        // The table builds a well-formed input of each action (which the compiler cannot follow through it).
        const input = { id: c.id, version: c.version, action, reason: 'r', ...carries[action] } as InputOf<'cases.act'>;
        // the extra "role" field is refused by the schema, and without it the role is refused
        await as(byRole[role]).rawRefused('cases.act', { ...input, role: 'admin' });
        const e = await as(byRole[role]).refused('cases.act', input);
        expect(['FORBIDDEN', 'CONFLICT']).toContain(e.code);
      }
    }
    expect(fingerprint(centre.file)).toBe(before);
  });

  it('a department user sees only its own cases', async () => {
    const mine = await as('water').ok('cases.list', { queue: 'all' });
    expect(mine.items.every((x) => x.deptCode === 'D07')).toBe(true);
    const city: [number, number, number, number] = [119.872, 32.424, 119.968, 32.496];
    expect((await as('water').ok('cases.map', { bbox: city })).length).toBe(0);
    expect((await as('env').ok('cases.map', { bbox: city })).length).toBeGreaterThan(0);
    expect((await as('op').ok('cases.map', { bbox: city })).length).toBeGreaterThan((await as('env').ok('cases.map', { bbox: city })).length);
    const env = (await as('env').ok('cases.list', { queue: 'all' })).items[0];
    const e = await as('water').refused('cases.get', { id: env.id });
    expect(e.code).toBe('FORBIDDEN');
  });
});

describe('queues, search and counts', () => {
  it('counts per queue match the lists, for the centre and for a department (kept up to date by every write)', async () => {
    const { core, file, now, tokens } = centre;
    for (const who of ['adm', 'env', 'sup']) {
      const counts = await as(who).ok('cases.counts', {});
      for (const q of ['pending_accept', 'pending_verify', 'pending_check', 'pending_dispatch', 'handling', 'closed', 'suspended', 'overdue', 'all'] as const) {
        expect((await as(who).ok('cases.list', { queue: q, limit: 200 })).total, `${who} ${q}`).toBe(counts[q]);
      }
    }
    // A fresh core computes the same counts from scratch.
    const fresh = testCore({ dbPath: file, clock: () => now });
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
    const hit = await as('op').ok('cases.list', { q: '暴露垃圾' });
    expect(hit.items.length).toBeGreaterThan(0);
    expect(hit.items.every((x) => `${x.description}${x.address ?? ''}${x.caseNo}`.includes('暴露垃圾') || x.className === '暴露垃圾')).toBe(true);
    const two = await as('op').ok('cases.list', { q: '井盖' });
    expect(two.items.every((x) => x.description.includes('井盖'))).toBe(true);
    expect(two.items.length).toBeGreaterThan(0);
    expect((await as('op').ok('cases.list', { q: '不存在的描述文字' })).total).toBe(0);
    // Case numbers: the whole number, or its leading digits (the date part).
    const one = hit.items[0];
    expect((await as('op').ok('cases.list', { q: one.caseNo })).items.map((x) => x.id)).toEqual([one.id]);
    const day = await as('op').ok('cases.list', { q: one.caseNo.slice(0, 8), limit: 200 });
    expect(day.items.length).toBeGreaterThan(1);
    expect(day.items.every((x) => x.caseNo.startsWith(one.caseNo.slice(0, 8)))).toBe(true);
  });

  it('filters by class, channel, street and overdue', async () => {
    const byClass = await as('op').ok('cases.list', { classCode: '0103' });
    expect(byClass.items.every((x) => x.classCode === '0103')).toBe(true);
    const byChannel = await as('op').ok('cases.list', { channel: 'video' });
    expect(byChannel.items.length).toBeGreaterThan(0);
    expect(byChannel.items.every((x) => x.channel === 'video')).toBe(true);
  });
});
