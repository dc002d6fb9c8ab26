// Logins: throttled per user name and per address (RATE_LIMITED, and the right password does not get through while a
// name waits), every failure audited, the password hash computed off the event loop (other work runs while
// password checks run), new hashes at the recommended scrypt cost, old ones upgraded at the next login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Core } from '../../electron/core/core.ts';
import { PASSWORD_COST } from '../../electron/core/auth/passwords.ts';
import { addUsers, coreClient, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';
import type { CallContext } from '../../electron/core/context.ts';

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
  ...Array.from({ length: 22 }, (_, i): TestUser => ({ name: `clerk${i}`, role: 'operator' })),
];
let file: string;
let now = Date.parse('2026-11-24T09:00:00+08:00');
let core: Core;
const from = (address: string): CallContext => ({ actor: 'anonymous', via: 'http', address });
const login = (name: string, password: string, address = '10.0.0.1') => coreClient(core, from(address)).call('auth.login', { name, password });

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file, clock: () => now });
});
afterAll(() => core?.close());

describe('login throttling', () => {
  it('after five wrong passwords a name waits, and the right one is refused until the wait is over', async () => {
    for (let i = 0; i < 5; i++) expect(await login('op', 'wrong-password')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await login('op', 'wrong-password')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const locked = await login('op', passwordOf('op'));
    expect(locked).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });
    // Thirty more tries change nothing: each is refused without its password being tried.
    for (let i = 0; i < 30; i++) expect(await login('op', passwordOf('op'))).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    now += 61 * 60_000; // past the longest wait
    expect(await login('op', passwordOf('op'))).toMatchObject({ ok: true });
  });

  it('an address that fails across many names waits too; another address does not', async () => {
    for (let i = 0; i < 21; i++) await login(`clerk${i}`, 'wrong-password', '10.9.9.9');
    expect(await login('clerk21', passwordOf('clerk21'), '10.9.9.9')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await login('clerk21', passwordOf('clerk21'), '10.1.1.1')).toMatchObject({ ok: true });
  });

  it('records every failure in the audit: unknown name, wrong password, throttled', async () => {
    await login('nobody-here', 'whatever-pass');
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT target, detail FROM audit WHERE action = 'auth.fail'").all() as { target: string; detail: string }[];
    db.close();
    const reasons = new Set(rows.map((r) => (JSON.parse(r.detail) as { reason: string }).reason));
    expect([...reasons].sort()).toEqual(['throttled', 'unknown name', 'wrong password']);
    expect(rows.find((r) => r.target === 'nobody-here')?.detail).toContain('10.0.0.1');
  });
});

describe('password hashes', () => {
  it('are made at the recommended cost, and an older, cheaper hash is upgraded at the next login', async () => {
    const strong = testCore({ dbPath: file, clock: () => now, passwordCost: PASSWORD_COST });
    try {
      const hashOf = (name: string) =>
        (strong.app.db.prepare('SELECT password_hash FROM users WHERE name = ?').get(name) as { password_hash: string }).password_hash;
      expect(hashOf('lead')).toMatch(/^scrypt\$1024\$8\$1\$/);
      const r = await coreClient(strong, from('10.2.2.2')).call('auth.login', { name: 'lead', password: passwordOf('lead') });
      expect(r.ok).toBe(true);
      expect(hashOf('lead')).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect((await coreClient(strong, from('10.2.2.2')).call('auth.login', { name: 'lead', password: passwordOf('lead') })).ok).toBe(true);
    } finally {
      strong.close();
    }
  });

  it('are checked off the event loop: other work runs while twenty logins are being checked', async () => {
    // A password check done on the event loop would finish inside the call, before any other callback could run.
    let otherWorkRan = 0;
    const ticks = setInterval(() => otherWorkRan++, 0);
    const settled: number[] = [];
    try {
      const logins = Array.from({ length: 20 }, (_, i) => login(`clerk${i % 4}`, 'wrong-password', '10.4.4.4').then(() => settled.push(otherWorkRan)));
      await Promise.all(logins);
    } finally {
      clearInterval(ticks);
    }
    expect(settled[0]).toBeGreaterThan(0);
  });
});
