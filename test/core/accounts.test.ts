// The account lifecycle, administrators' side: list, disable and enable (a disabled user cannot log in, their sessions
// end and their sockets close), revoke sessions, change role and placement, and the desktop's first administrator.
// Every refusal names its reason and leaves the database as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreClient, fingerprint, passwordOf, smallDbCopy, testCore } from '../helpers.ts';
import { startCentre, type Centre } from './accounts-fixture.ts';

let c: Centre;
let boss: string;
beforeAll(async () => {
  c = await startCentre();
  boss = (await c.login('boss')).token;
});
afterAll(() => c?.close());

describe('listing accounts', () => {
  it('shows administrators every account with its state and live sessions', async () => {
    const op = await c.login('op');
    const list = await c.with(boss).ok('users.accounts', {});
    expect(list.find((a) => a.name === 'op')).toMatchObject({ role: 'operator', disabled: false, mustChangePassword: false, sessions: expect.any(Number) });
    expect(list.find((a) => a.name === 'op')!.sessions).toBeGreaterThanOrEqual(1);
    expect((await c.with(op.token).refused('users.accounts', {})).code).toBe('FORBIDDEN');
  });
});

describe('disable and enable', () => {
  it('a disabled user cannot log in, their session ends and their socket closes with 4401', async () => {
    const op = await c.login('op');
    const sock = await c.listen(op.token);
    const a = await c.with(boss).ok('users.disable', { id: c.idOf('op'), reason: '离岗' });
    expect(a).toMatchObject({ name: 'op', disabled: true, sessions: 0 });
    expect(await sock.closed).toBe(4401);
    expect((await c.with(op.token).refused('auth.me', {})).code).toBe('UNAUTHENTICATED');
    expect((await c.with(boss).refused('auth.login', { name: 'op', password: passwordOf('op') })).code).toBe('UNAUTHENTICATED');
    expect(c.audits('user.disable').at(-1)).toMatchObject({ actor: 'boss@http', target: 'op', reason: '离岗' });
    expect((await c.with(boss).ok('users.accounts', {})).find((u) => u.name === 'op')).toMatchObject({ disabled: true });
  });

  it('an enabled account logs in again', async () => {
    await c.with(boss).ok('users.enable', { id: c.idOf('op') });
    expect((await c.login('op')).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.audits('user.enable').at(-1)).toMatchObject({ actor: 'boss@http', target: 'op' });
  });

  it('refuses other roles, oneself, the last administrator, a repeat and an unknown account, changing nothing', async () => {
    const lead = await c.login('lead');
    const before = fingerprint(c.file);
    expect((await c.with(lead.token).refused('users.disable', { id: c.idOf('op') })).code).toBe('FORBIDDEN');
    expect((await c.with(lead.token).refused('users.revokeSessions', { id: c.idOf('op') })).code).toBe('FORBIDDEN');
    expect((await c.with(lead.token).refused('users.resetPassword', { id: c.idOf('op') })).code).toBe('FORBIDDEN');
    expect((await c.with(lead.token).refused('users.update', { id: c.idOf('op'), role: 'admin' })).code).toBe('FORBIDDEN');
    expect(await c.with(boss).refused('users.disable', { id: c.idOf('boss') })).toMatchObject({ code: 'CONFLICT', message: /your own account/ });
    expect(await c.with(boss).refused('users.enable', { id: c.idOf('op') })).toMatchObject({ code: 'CONFLICT', message: /op is not disabled/ });
    expect((await c.with(boss).refused('users.disable', { id: 9999 })).code).toBe('NOT_FOUND');
    expect(await c.with(boss).rawRefused('users.disable', { id: -1 })).toMatchObject({ code: 'BAD_INPUT', details: { field: 'id' } });
    expect((await c.with(boss).rawRefused('users.disable', { id: c.idOf('op'), extra: 1 })).code).toBe('BAD_INPUT');
    expect(fingerprint(c.file)).toBe(before);
  });

  it('never leaves the centre without an enabled administrator', async () => {
    await c.system.ok('users.disable', { id: c.idOf('boss2') });
    const before = fingerprint(c.file);
    expect(await c.system.refused('users.disable', { id: c.idOf('boss') })).toMatchObject({ code: 'CONFLICT', message: /last enabled administrator/ });
    expect(await c.system.refused('users.update', { id: c.idOf('boss'), role: 'operator' })).toMatchObject({ code: 'CONFLICT' });
    expect(fingerprint(c.file)).toBe(before);
    await c.system.ok('users.enable', { id: c.idOf('boss2') });
    expect(c.audits('user.enable').at(-1)).toMatchObject({ actor: 'system(test)@test', target: 'boss2' });
  });
});

describe('revoking sessions', () => {
  it('ends every session of the account and closes their sockets', async () => {
    const [a, b] = [await c.login('env'), await c.login('env')];
    const [sa, sb] = [await c.listen(a.token), await c.listen(b.token)];
    const r = await c.with(boss).ok('users.revokeSessions', { id: c.idOf('env'), reason: '设备丢失' });
    expect(r.revoked).toBe(2);
    expect([await sa.closed, await sb.closed]).toEqual([4401, 4401]);
    expect((await c.with(a.token).refused('auth.me', {})).code).toBe('UNAUTHENTICATED');
    expect(c.audits('user.revokeSessions').at(-1)).toMatchObject({ target: 'env', reason: '设备丢失', detail: '{"sessionsEnded":2}' });
  });
});

describe('changing role and placement', () => {
  it('a new role applies to the open session at once, and the audit records before and after', async () => {
    const op = await c.login('op');
    await c.with(boss).ok('users.update', { id: c.idOf('op'), role: 'dispatcher' });
    expect(await c.with(op.token).ok('auth.me', {})).toMatchObject({ role: 'dispatcher' });
    expect(JSON.parse(c.audits('user.update').at(-1)!.detail!)).toEqual({ before: { role: 'operator' }, after: { role: 'dispatcher' } });
  });

  it('moves a department user to another department, and unbinds it when the role changes', async () => {
    expect(await c.with(boss).ok('users.update', { id: c.idOf('env'), department: 'D07' })).toMatchObject({ department: 'D07' });
    expect(await c.with(boss).ok('users.update', { id: c.idOf('env'), role: 'operator' })).toMatchObject({ role: 'operator', department: null });
    expect(await c.with(boss).ok('users.update', { id: c.idOf('env'), role: 'department', department: 'D03' })).toMatchObject({ department: 'D03' });
  });

  it("changes and clears a supervisor's street", async () => {
    expect(await c.with(boss).ok('users.update', { id: c.idOf('sup'), streetCode: '002' })).toMatchObject({ streetCode: '002' });
    expect(await c.with(boss).ok('users.update', { id: c.idOf('sup'), streetCode: null })).toMatchObject({ streetCode: null });
  });

  it('refuses a placement that does not exist or does not fit the role, and a change to nothing, changing nothing', async () => {
    const before = fingerprint(c.file);
    const env = c.idOf('env');
    const refusal = (input: Record<string, unknown>) => c.with(boss).rawRefused('users.update', input);
    expect(await refusal({ id: env, department: 'D99' })).toMatchObject({ code: 'BAD_INPUT', message: 'unknown department D99' });
    expect(await refusal({ id: c.idOf('sup'), streetCode: '999' })).toMatchObject({ code: 'BAD_INPUT', details: { field: 'streetCode' } });
    expect(await refusal({ id: c.idOf('lead'), role: 'department' })).toMatchObject({ code: 'BAD_INPUT', message: 'a department user needs a department' });
    expect(await refusal({ id: c.idOf('lead'), department: 'D03' })).toMatchObject({ code: 'BAD_INPUT', message: /only department users/ });
    expect(await refusal({ id: env, department: null })).toMatchObject({ code: 'BAD_INPUT', details: { field: 'department' } });
    expect(await refusal({ id: env, department: 'D03' })).toMatchObject({ code: 'BAD_INPUT', message: /nothing to change/ });
    expect(await refusal({ id: env })).toMatchObject({ code: 'BAD_INPUT', message: /say what to change/ });
    expect(await refusal({ id: env, role: 'mayor' })).toMatchObject({ code: 'BAD_INPUT', details: { field: 'role' } });
    expect(await refusal({ id: c.idOf('boss'), role: 'operator' })).toMatchObject({ code: 'CONFLICT', message: /from yourself/ });
    expect(fingerprint(c.file)).toBe(before);
  });
});

describe("the desktop's first administrator", () => {
  it('gets a generated password that must be changed at the first login', async () => {
    const core = testCore({ dbPath: smallDbCopy() });
    try {
      const first = await core.app.auth.ensureFirstAdmin({ actor: 'first-start', via: 'ipc' });
      expect(first!.password.length).toBeGreaterThanOrEqual(16);
      const desk = (token?: string) => coreClient(core, { actor: 'anonymous', via: 'ipc', token });
      const session = await desk().ok('auth.login', { name: 'admin', password: first!.password });
      expect(session.mustChangePassword).toBe(true);
      expect(await desk(session.token).ok('auth.me', {})).toMatchObject({ name: 'admin', role: 'admin', mustChangePassword: true });
    } finally {
      core.close();
    }
  });
});
