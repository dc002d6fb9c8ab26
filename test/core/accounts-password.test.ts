// Passwords over the account lifecycle: a user changes their own (the current one checked and throttled, the policy
// applied, their other sessions ended), an administrator resets one (a generated password shown once, never stored
// or audited in clear, that works for one login and must be changed then), and every step is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, passwordOf } from '../helpers.ts';
import { startCentre, type Centre } from './accounts-fixture.ts';

let c: Centre;
let boss: string;
beforeAll(async () => {
  c = await startCentre();
  boss = (await c.login('boss')).token;
});
afterAll(() => c?.close());

describe('changing one’s own password', () => {
  it('refuses a short password and the current one again, naming the rule and changing nothing', async () => {
    const me = c.with((await c.login('lead')).token);
    const current = passwordOf('lead');
    const before = fingerprint(c.file);
    expect(await me.refused('auth.changePassword', { current, password: 'short-9ch' })).toMatchObject({
      code: 'BAD_INPUT',
      message: 'a password needs 10 to 200 characters',
      details: { field: 'password', rule: 'length' },
    });
    expect(await me.refused('auth.changePassword', { current, password: current })).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'password', rule: 'same' },
    });
    expect(fingerprint(c.file)).toBe(before);
  });

  it('refuses a password equal to the user name, whatever its case', async () => {
    await c.system.ok('users.add', { name: 'supervisor1', role: 'supervisor', password: 'supervisor1-pass' });
    const me = c.with((await c.login('supervisor1', 'supervisor1-pass')).token);
    const before = fingerprint(c.file);
    expect(await me.refused('auth.changePassword', { current: 'supervisor1-pass', password: 'SUPERVISOR1' })).toMatchObject({
      code: 'BAD_INPUT',
      message: 'a password must not be the user name',
      details: { field: 'password', rule: 'name' },
    });
    expect(fingerprint(c.file)).toBe(before);
  });

  it('refuses a wrong current password, audits it, and throttles the guesses', async () => {
    const { token } = await c.login('env');
    const me = c.with(token);
    expect(await me.refused('auth.changePassword', { current: 'not-my-password', password: 'a-new-long-password' })).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'current' },
    });
    expect(c.audits('auth.passwordChange.fail').at(-1)).toMatchObject({ actor: 'env@http', target: 'env' });
    for (let i = 0; i < 5; i++) await me.refused('auth.changePassword', { current: `guess-${i}`, password: 'a-new-long-password' });
    expect((await me.refused('auth.changePassword', { current: passwordOf('env'), password: 'a-new-long-password' })).code).toBe('RATE_LIMITED');
  });

  it('changes the password, keeps this session and ends the others', async () => {
    const here = await c.login('op');
    const there = await c.login('op');
    const sock = await c.listen(there.token);
    expect(await c.with(here.token).ok('auth.changePassword', { current: passwordOf('op'), password: '新的密码-op-2026' })).toBeNull();
    expect(await sock.closed).toBe(4401);
    expect((await c.with(there.token).refused('auth.me', {})).code).toBe('UNAUTHENTICATED');
    expect(await c.with(here.token).ok('auth.me', {})).toMatchObject({ name: 'op', mustChangePassword: false });
    expect((await c.with(boss).refused('auth.login', { name: 'op', password: passwordOf('op') })).code).toBe('UNAUTHENTICATED');
    expect((await c.login('op', '新的密码-op-2026')).token).toBeTruthy();
    expect(c.audits('auth.passwordChange').at(-1)).toMatchObject({ actor: 'op@http', target: 'op', detail: '{"sessionsEnded":1}' });
  });

  it('refuses the command line’s principal, which has no password', async () => {
    expect(await c.system.refused('auth.changePassword', { current: 'x', password: 'a-new-long-password' })).toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('an administrator resets a password', () => {
  it('returns a generated password once, ends the sessions, and stores and audits it only as a hash', async () => {
    const old = await c.login('boss2');
    const sock = await c.listen(old.token);
    const r = await c.with(boss).ok('users.resetPassword', { id: c.idOf('boss2'), reason: '忘记密码' });
    expect(r.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(r.account).toMatchObject({ name: 'boss2', mustChangePassword: true, sessions: 0 });
    expect(await sock.closed).toBe(4401);
    expect(c.audits('user.resetPassword').at(-1)).toMatchObject({ actor: 'boss@http', target: 'boss2', reason: '忘记密码' });
    const db = c.core.app.db;
    const anywhere = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const t of anywhere) expect(JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all()), t).not.toContain(r.password);
    expect((await c.with(boss).ok('users.accounts', {})).find((a) => a.name === 'boss2')).not.toHaveProperty('password');
  });

  it('the generated password logs in once with a forced change; after the change only the new one works', async () => {
    const { password } = await c.with(boss).ok('users.resetPassword', { id: c.idOf('sup') });
    expect((await c.with(boss).refused('auth.login', { name: 'sup', password: passwordOf('sup') })).code).toBe('UNAUTHENTICATED');
    const s = await c.login('sup', password);
    expect(s.mustChangePassword).toBe(true);
    expect(await c.with(s.token).ok('auth.me', {})).toMatchObject({ name: 'sup', mustChangePassword: true });
    await c.with(s.token).ok('auth.changePassword', { current: password, password: 'sup-chosen-2026' });
    expect(await c.with(s.token).ok('auth.me', {})).toMatchObject({ mustChangePassword: false });
    expect((await c.with(boss).refused('auth.login', { name: 'sup', password })).code).toBe('UNAUTHENTICATED');
    expect((await c.login('sup', 'sup-chosen-2026')).mustChangePassword).toBe(false);
  });

  it('a session that must change its password hears no push events', async () => {
    const { password } = await c.with(boss).ok('users.resetPassword', { id: c.idOf('lead') });
    const pending = await c.listen((await c.login('lead', password)).token);
    const admin = await c.listen(boss);
    const settings = await c.with(boss).ok('settings.get', {});
    await c.with(boss).ok('settings.set', { baseLayer: settings.baseLayer });
    await new Promise((r) => setTimeout(r, 150));
    expect(admin.events.map((e) => e.type)).toContain('settings.changed');
    expect(pending.events).toEqual([]);
    pending.ws.close();
    admin.ws.close();
  });

  it('refuses to reset one’s own password or an unknown account, changing nothing', async () => {
    const before = fingerprint(c.file);
    expect(await c.with(boss).refused('users.resetPassword', { id: c.idOf('boss') })).toMatchObject({ code: 'CONFLICT', message: /auth.changePassword/ });
    expect((await c.with(boss).refused('users.resetPassword', { id: 4242 })).code).toBe('NOT_FOUND');
    expect(fingerprint(c.file)).toBe(before);
  });
});
