// The case service through the core's invoke (the same path every transport takes): intake, the whole workflow,
// two-level dispatch, exceptions, duplicates and the group commit. Permissions and queues are in
// cases-access.test.ts, time limits, alerts and SMS in cases-alerts.test.ts.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { addUsers, fingerprint, passwordOf } from '../helpers.ts';
import { caseCentre, PNG, T0 } from './cases-centre.ts';

const centre = caseCentre();
const { as, at, place, newCase, dispatchedCase, step } = centre;

describe('intake', () => {
  it('takes a hotline case: resolves cell, community and street; records channel, photo and history', async () => {
    const p = await place();
    const c = await as('op').ok('cases.intake', {
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
    expect(centre.events.at(-1)).toMatchObject({ type: 'cases.changed', payload: { id: c.id, status: 'pending_accept', action: 'intake' } });
  });

  it('a component code sets the class, the place and the responsible department', async () => {
    const comp = (await as('op').ok('components.inExtent', { bbox: [119.91, 32.45, 119.93, 32.47], classes: ['0101'], limit: 1 }))[0];
    const c = await as('op').ok('cases.intake', { channel: 'supervisor', componentCode: comp.code, description: '井盖破损' });
    expect(c).toMatchObject({ kind: 'component', classCode: '0101', lon: comp.lon, lat: comp.lat, gridCode: comp.gridCode, componentCode: comp.code });
  });

  it('an address naming a community is placed at that community (approximate)', async () => {
    const comm = (await as('op').ok('grid.communities', {}))[5];
    const c = await as('op').ok('cases.intake', { channel: 'web', classCode: '0104', address: `${comm.name}东门`, description: '道路不洁' });
    expect(c.communityCode).toBeDefined();
    expect(c.history[0].data?.approximate).toBe(true);
  });

  it('the channel list is data the centre extends (administrators only)', async () => {
    expect((await as('op').refused('cases.addChannel', { code: 'app12345', name: '12345政务热线', needsVerify: true })).code).toBe('FORBIDDEN');
    const list = await as('adm').ok('cases.addChannel', { code: 'app12345', name: '12345政务热线', needsVerify: true });
    expect(list.at(-1)).toEqual({ code: 'app12345', name: '12345政务热线', needsVerify: true });
    expect((await as('adm').refused('cases.addChannel', { code: 'app12345', name: 'x', needsVerify: false })).code).toBe('CONFLICT');
    const p = await place();
    const c = await as('op').ok('cases.intake', { channel: 'app12345', classCode: '0104', lon: p.lon, lat: p.lat, description: '转办' });
    expect(c.channel).toBe('app12345');
  });

  it('refuses an unknown channel, an unknown class, a point outside the city and a fake photo — changing nothing', async () => {
    const before = fingerprint(centre.file);
    // Some of these are not even of the contract's input type (no lat, an extra field): sent raw.
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
      const r = await as('op').raw('cases.intake', input);
      expect(r, JSON.stringify(input)).toMatchObject({ ok: false, error: { code } });
    }
    expect(fingerprint(centre.file)).toBe(before);
  });
});

describe('the seven-step workflow', () => {
  it('goes accept → verify → register → dispatch → sub-dispatch → report back → handle → check → close, all in history', async () => {
    await addUsers(centre.file, []); // no-op; users exist
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
    const subUnits = (await as('env').ok('catalog.departments', {})).filter((d) => d.parent === 'D03');
    expect(subUnits.length).toBeGreaterThan(0);
    c = await step('env', c, 'subDispatch', { dept: subUnits[0].code });
    expect(c.assigneeDept).toBe(subUnits[0].code);
    // The level-2 department cannot file the result while its unit holds the case.
    const early = await as('env').refused('cases.act', { id: c.id, version: c.version, action: 'handle', result: 'x' });
    expect(early.message).toContain('lower-level unit');
    await addUsers(centre.file, [{ name: 'unit', role: 'department', department: subUnits[0].code }]);
    centre.tokens.unit = (await as('unit').ok('auth.login', { name: 'unit', password: passwordOf('unit') })).token;
    c = await step('unit', c, 'subReport', { result: '已清运', photos: [{ mime: 'image/png', data: PNG }] });
    expect(c.assigneeDept).toBe('D03');
    c = await step('env', c, 'handle', { result: '已清运完毕' });
    expect(c.status).toBe('pending_check');
    c = await step('sup', c, 'check', { passed: true });
    expect(c.status).toBe('pending_close');
    c = await step('lead', c, 'close');
    expect(c).toMatchObject({ status: 'closed', closeType: 'normal' });
    expect(c.history.map((h) => h.action)).toEqual([
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
    expect(c.history.find((h) => h.action === 'subReport')?.photoIds).toHaveLength(1);
    expect(c.actions).toEqual([]);
  });

  it('routes by component ownership and by street (街面秩序 → the street office)', async () => {
    const p = await place();
    const office = (await as('op').ok('catalog.departments', {})).find((d) => d.level === 2 && d.name.includes('街道') && true);
    expect(office).toBeDefined();
    let c = await as('op').ok('cases.intake', { channel: 'video', classCode: '0504', lon: p.lon, lat: p.lat, description: '店外经营' });
    c = await step('op', c, 'accept');
    c = await step('lead', c, 'register');
    const dept = (await as('op').ok('cases.list', { queue: 'pending_dispatch' })).items.find((x) => x.id === c.id);
    expect(dept).toBeDefined();
    const detail = await as('disp').ok('cases.get', { id: c.id });
    const streetOffice = centre.core.app.db.prepare('SELECT code FROM departments WHERE street_code = ?').get(p.street) as { code: string };
    expect(detail.suggestedDept).toBe(streetOffice.code);
    // The dispatcher can override the suggestion.
    const d = await step('disp', detail, 'dispatch', { dept: 'D13' });
    expect(d.deptCode).toBe('D13');
  });

  it('check failed sends it back to the department (返工) and counts it', async () => {
    let c = await dispatchedCase();
    c = await step('env', c, 'handle', { result: '处理了' });
    c = await step('sup', c, 'check', { passed: false });
    expect(c).toMatchObject({ status: 'handling', reworkCount: 1 });
  });

  it('回退: the department asks, the dispatcher approves and re-dispatches; or refuses', async () => {
    let c = await dispatchedCase();
    const noReason = await as('env').refused('cases.act', { id: c.id, version: c.version, action: 'requestReturn' });
    expect(noReason).toMatchObject({ code: 'BAD_INPUT', details: { field: 'reason' } });
    c = await step('env', c, 'requestReturn', { reason: '不属于本单位' });
    expect(c.status).toBe('return_requested');
    c = await step('disp', c, 'refuseReturn', { reason: '属于你单位职责' });
    expect(c.status).toBe('handling');
    c = await step('env', c, 'requestReturn', { reason: '确实不属于' });
    c = await step('disp', c, 'approveReturn', { dept: 'D01' });
    expect(c).toMatchObject({ status: 'handling', deptCode: 'D01', returnCount: 1 });
  });

  it('延期 moves the deadline; 挂账 stops the clock and 恢复 resumes it with the time that was left', async () => {
    let c = await dispatchedCase();
    const due0 = c.clock.due;
    c = await step('env', c, 'requestExtension', { reason: '需要协调', extension: { value: 1, unit: 'work_day' } });
    expect(c.extensionRequest).toMatchObject({ value: 1, unit: 'work_day' });
    const twice = await as('env').refused('cases.act', {
      id: c.id,
      version: c.version,
      action: 'requestExtension',
      reason: 'again',
      extension: { value: 1, unit: 'work_day' },
    });
    expect(twice.code).toBe('CONFLICT');
    c = await step('disp', c, 'approveExtension');
    expect(due0).not.toBeNull();
    expect(c.clock.due).toBeGreaterThan(due0!);
    expect(c.extensionCount).toBe(1);
    const left = c.clock.remainingMs;
    expect(left).not.toBeNull();
    c = await step('disp', c, 'suspend', { reason: '资金未落实' });
    expect(c.status).toBe('suspended');
    expect(c.clock.due).toBeNull();
    await at(T0 + 5 * 86_400_000, async () => {
      // five days pass while suspended: no clock runs
      c = await step('disp', c, 'resume');
      expect(c.status).toBe('handling');
      expect(Math.abs((c.clock.remainingMs ?? NaN) - left!)).toBeLessThan(60_000);
    });
  });

  it('督办 is recorded without changing the state; 作废 needs a reason; 自行处置 closes at once', async () => {
    let c = await newCase();
    c = await step('boss', c, 'urge', { reason: '尽快处理' });
    expect(c).toMatchObject({ status: 'pending_accept', urgeCount: 1 });
    c = await step('lead', c, 'void', { reason: '重复上报' });
    expect(c.status).toBe('voided');
    const p = await place();
    const s = await as('sup').ok('cases.intake', {
      channel: 'supervisor',
      classCode: '0104',
      lon: p.lon,
      lat: p.lat,
      description: '路面有垃圾，已自行清理',
      selfHandled: true,
      fixPhotos: { before: [{ mime: 'image/png', data: PNG }], after: [{ mime: 'image/png', data: PNG }] },
    });
    expect(s).toMatchObject({ status: 'closed', closeType: 'self' });
    expect(s.history.map((h) => h.action)).toEqual(['intake', 'selfHandle']);
    const notSup = await as('op').refused('cases.intake', {
      channel: 'supervisor',
      classCode: '0104',
      lon: p.lon,
      lat: p.lat,
      description: 'x',
      selfHandled: true,
      fixPhotos: { before: [{ mime: 'image/png', data: PNG }], after: [{ mime: 'image/png', data: PNG }] },
    });
    expect(notSup.code).toBe('FORBIDDEN');
  });

  it('refuses an illegal step with a message naming the states that allow it, changing nothing', async () => {
    const c = await newCase();
    const before = fingerprint(centre.file);
    const e = await as('disp').refused('cases.act', { id: c.id, version: c.version, action: 'dispatch' });
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('待派遣');
    expect(e.message).toContain('pending_accept');
    expect(fingerprint(centre.file)).toBe(before);
  });

  it('of two concurrent transitions of the same case exactly one wins; the other gets a conflict', async () => {
    const c = await newCase();
    const [a, b] = await Promise.all([
      as('op').call('cases.act', { id: c.id, version: c.version, action: 'accept' }),
      as('lead').call('cases.act', { id: c.id, version: c.version, action: 'void', reason: '无效' }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(loser).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('changed by someone else') } });
  });

  it('merges a duplicate into the case it repeats', async () => {
    const a = await newCase('0103');
    const b = await newCase('0103');
    const dups = await as('op').ok('cases.duplicates', { kind: 'event', classCode: '0103', lon: b.lon, lat: b.lat, excludeId: b.id });
    expect(dups.map((d) => d.id)).toContain(a.id);
    expect(dups[0].distanceM).toBeLessThanOrEqual(50);
    const m = await step('op', b, 'merge', { mergeInto: a.id });
    expect(m).toMatchObject({ status: 'voided', mergedInto: a.id });
    // Far away or another class is no duplicate.
    expect(await as('op').ok('cases.duplicates', { kind: 'event', classCode: '0103', lon: 119.95, lat: 32.43 })).toEqual([]);
    expect((await as('op').ok('cases.duplicates', { kind: 'event', classCode: '0105', lon: b.lon, lat: b.lat })).map((d) => d.id)).not.toContain(a.id);
    // Older than the window (24 h) is no duplicate either.
    await at(T0 + 25 * 3600_000, async () => {
      expect((await as('op').ok('cases.duplicates', { kind: 'event', classCode: '0103', lon: b.lon, lat: b.lat })).map((d) => d.id)).not.toContain(a.id);
    });
  });
});

describe('group commit', () => {
  it('writes arriving together share one commit; each gets its own answer and a refused one leaves no trace', async () => {
    const { core, file } = centre;
    const p = await place();
    const before = (core.app.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
    const seen: number[] = [];
    const other = new Database(file, { readonly: true }); // a second connection sees committed data only
    const off = core.subscribe((e) => {
      // An event is published only once its data is committed: the second connection already sees the row.
      if (e.type === 'cases.changed') seen.push((other.prepare('SELECT count(*) AS n FROM cases WHERE id = ?').get(e.payload.id) as { n: number }).n);
    });
    const calls = Array.from({ length: 30 }, (_, i) =>
      as('op').call(
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
    expect(new Set(results.flatMap((r) => (r.ok ? [r.result.caseNo] : []))).size).toBe(29);
    expect(seen).toHaveLength(29);
    expect(seen.every((n) => n === 1)).toBe(true);
  });
});
