// `cityops user disable | enable | reset-password | set | revoke | list`: the lifecycle from the command line, through
// the contract as the system principal (audited as system(cli:USER)); a refusal exits 1 with the core's message and
// writes nothing. Run in-process: each command's run() with its parsed options.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, testCore } from '../helpers.ts';
import { userDisable, userEnable, userList, userResetPassword, userRevoke, userSet } from '../../electron/cli/user.ts';
import type { Command, Values } from '../../electron/cli/command.ts';

let file: string;
beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, [
    { name: 'boss', role: 'admin' },
    { name: 'op', role: 'operator' },
    { name: 'env', role: 'department', department: 'D03' },
  ]);
});
afterEach(() => vi.restoreAllMocks());

/** Runs a command; returns what it printed, or what it died with. */
async function run(cmd: Command, v: Values): Promise<{ out: string; err: string; code: number | null }> {
  let out = '',
    err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw Object.assign(new Error('exit'), { exitCode: code });
  });
  try {
    await cmd.run(v);
    return { out, err, code: null };
  } catch (e) {
    return { out, err, code: (e as { exitCode?: number }).exitCode ?? -1 };
  }
}

/** Logs in through a core on the file; the session's mustChangePassword, or the error code. */
async function login(name: string, password: string): Promise<string | boolean> {
  const core = testCore({ dbPath: file });
  try {
    const r = await coreClient(core, { actor: 'anonymous', via: 'test' }).call('auth.login', { name, password });
    return r.ok ? r.result.mustChangePassword : r.error.code;
  } finally {
    core.close();
  }
}

describe('cityops user lifecycle', () => {
  it('disables and enables an account, audited as the command line', async () => {
    expect((await run(userDisable, { db: file, name: 'op', reason: '调岗' })).out).toBe('disabled op\n');
    expect(await login('op', passwordOf('op'))).toBe('UNAUTHENTICATED');
    expect((await run(userList, { db: file })).out).toMatch(/\top\toperator\t\top\tdisabled\n/);
    expect((await run(userEnable, { db: file, name: 'op' })).out).toBe('enabled op\n');
    expect(await login('op', passwordOf('op'))).toBe(false);
    const core = testCore({ dbPath: file });
    const actors = core.app.db.prepare("SELECT actor FROM audit WHERE action IN ('user.disable', 'user.enable') ORDER BY id").pluck().all();
    core.close();
    expect(actors).toEqual([`system(cli:${process.env.USER ?? 'unknown'})@cli`, `system(cli:${process.env.USER ?? 'unknown'})@cli`]);
  });

  it('reset-password prints the generated password once, on the last line; it must be changed at login', async () => {
    const r = await run(userResetPassword, { db: file, name: 'op' });
    const password = r.out.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(await login('op', password)).toBe(true);
    expect((await run(userList, { db: file })).out).toMatch(/\top\toperator\t\top\tmust-change-password\n/);
  });

  it('set changes role and placement, "-" clears', async () => {
    expect((await run(userSet, { db: file, name: 'env', department: 'D07' })).out).toBe('env: department, D07\n');
    expect((await run(userSet, { db: file, name: 'op', role: 'supervisor', street: '003' })).out).toBe('op: supervisor, street 003\n');
    expect((await run(userSet, { db: file, name: 'op', street: '-' })).out).toBe('op: supervisor\n');
  });

  it('revoke ends the sessions of an account', async () => {
    expect(await login('boss', passwordOf('boss'))).toBe(false);
    expect((await run(userRevoke, { db: file, name: 'boss' })).out).toMatch(/^ended [1-9]\d* session\(s\)\n$/);
  });

  it('refuses an unknown name, an unfitting placement and an unknown role with exit 1 or 2, writing nothing', async () => {
    const before = fingerprint(file);
    // (The mocked exit returns into withCore, which reports it too: only the first line is the command's.)
    expect(await run(userDisable, { db: file, name: 'nobody' })).toMatchObject({ code: 1, err: /^cityops: no user named nobody\n/ });
    expect(await run(userSet, { db: file, name: 'env', department: 'D99' })).toMatchObject({ code: 1, err: /^cityops: unknown department D99\n/ });
    expect(await run(userSet, { db: file, name: 'env', role: 'mayor' })).toMatchObject({ code: 2, err: /unknown role mayor/ });
    expect(await run(userDisable, { db: file })).toMatchObject({ code: 2, err: /needs --name/ });
    expect(fingerprint(file)).toBe(before);
  });
});
