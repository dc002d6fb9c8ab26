// A user who must change their password (after a reset; the desktop's first administrator) can do nothing else until
// they have: every method but auth.me, auth.logout and auth.changePassword answers PASSWORD_CHANGE_REQUIRED, over
// HTTP and through the core alike, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreClient, fingerprint } from '../helpers.ts';
import { startCentre, type Centre } from './accounts-fixture.ts';

let c: Centre;
let password: string;
beforeAll(async () => {
  c = await startCentre();
  password = (await c.system.ok('users.resetPassword', { id: c.idOf('op') })).password;
});
afterAll(() => c?.close());

describe('a password that must be changed', () => {
  it('refuses every other method with a clear code, changing nothing', async () => {
    const { token, mustChangePassword } = await c.login('op', password);
    expect(mustChangePassword).toBe(true);
    const before = fingerprint(c.file);
    const http = c.with(token);
    const ipc = coreClient(c.core, { actor: 'anonymous', via: 'ipc', token });
    for (const me of [http, ipc]) {
      expect(await me.refused('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '垃圾' })).toMatchObject({
        code: 'PASSWORD_CHANGE_REQUIRED',
        message: /op must change the password first \(auth.changePassword\)/,
      });
      expect((await me.refused('app.info', {})).code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect((await me.refused('users.list', {})).code).toBe('FORBIDDEN');
      expect(await me.ok('auth.me', {})).toMatchObject({ name: 'op', mustChangePassword: true });
    }
    expect(fingerprint(c.file)).toBe(before);
  });

  it('answers again once the password is changed', async () => {
    const { token } = await c.login('op', password);
    await c.with(token).ok('auth.changePassword', { current: password, password: 'op-own-password-1' });
    expect((await c.with(token).ok('app.info', {})).gridCells).toBeGreaterThan(0);
  });

  it('a logout is still allowed', async () => {
    const { password: again } = await c.system.ok('users.resetPassword', { id: c.idOf('lead') });
    const { token } = await c.login('lead', again);
    expect(await c.with(token).ok('auth.logout', {})).toBeNull();
    expect((await c.with(token).refused('auth.me', {})).code).toBe('UNAUTHENTICATED');
  });
});
