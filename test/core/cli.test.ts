// The `cityops` command as a user runs it: real processes.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import Database from 'better-sqlite3';
import { fingerprint, smallDbCopy, startServe } from '../helpers.ts';

const bin = path.join(ROOT, 'bin', 'cityops.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('cityops CLI', () => {
  it('info --json prints the counts', () => {
    const out = JSON.parse(execFileSync(process.execPath, [bin, 'info', '--db', smallDbCopy(), '--json'], { encoding: 'utf8' }));
    expect(out).toMatchObject({ gridCells: expect.any(Number), components: expect.any(Number), departments: 67, cases: 0 });
    expect(out.gridCells).toBeGreaterThanOrEqual(6000);
  });

  it('seed refuses to overwrite without --force and exits non-zero, leaving the file unchanged', () => {
    const file = smallDbCopy();
    const before = fingerprint(file);
    const r = run('seed', '--db', file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/already exists.*--force/);
    expect(fingerprint(file)).toBe(before);
  });

  it('seed --scale builds a small city in a new file', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-cli-')), 'new.db');
    const r = run('seed', '--db', file, '--scale', '0.01', '--seed', '3');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/seeded .* grid cells/);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.seeding`)).toBe(false);
  });

  it('rejects bad options with a usage message', () => {
    const r = run('seed', '--db', 'x.db', '--scale', '7');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--scale must be/);
    expect(run('frobnicate').stderr).toMatch(/unknown command/);
  });

  it('serve refuses a missing database', () => {
    const r = run('serve', '--db', path.join(os.tmpdir(), 'does-not-exist.db'), '--port', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('serve prints its address, answers /health and serves the UI, bound to 127.0.0.1', async () => {
    const s = await startServe(smallDbCopy());
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const h = await fetch(`${s.url}/health`);
      expect(h.status).toBe(200);
      const page = await fetch(`${s.url}/`);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      await s.stop();
    }
  });

  it('help lists every subcommand; each subcommand has its own --help', () => {
    const help = run('help');
    expect(help.status).toBe(0);
    for (const c of ['serve', 'seed', 'info', 'user add', 'user list', 'apikey create', 'import', 'export', 'replica', 'restore', 'verify']) {
      expect(help.stdout).toContain(`  ${c} `);
    }
    const userAdd = run('user', 'add', '--help');
    expect(userAdd.status).toBe(0);
    expect(userAdd.stdout).toMatch(/^cityops user add — create an account/);
    expect(userAdd.stdout).toContain('--password-stdin');
    expect(run('export', '--help').stdout).toContain('--as-of');
    expect(run('user', 'add', '--frobnicate').status).toBe(2);
  });

  it('user add goes through the contract: a name users.add refuses is refused, and nothing is written', () => {
    const file = smallDbCopy();
    run('info', '--db', file); // the first open fills the reference tables
    const before = fingerprint(file);
    const add = (name: string, password: string) =>
      spawnSync(process.execPath, [bin, 'user', 'add', '--db', file, '--name', name, '--role', 'operator', '--password-stdin'], {
        cwd: ROOT,
        encoding: 'utf8',
        input: `${password}\n`,
      });
    const bad = add('bad name; drop', 'a-long-password');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/invalid name: a user name is 1–64 letters/);
    expect(add('shortpw', 'short').stderr).toMatch(/a password needs at least 8 characters/);
    expect(fingerprint(file)).toBe(before);
    const ok = add('值班员', 'a-long-password');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/created user 值班员 \(operator\)/);
    expect(run('user', 'list', '--db', file).stdout).toMatch(/\t值班员\toperator\t/);
  });

  it('API keys are created, listed and revoked through the contract, audited as the system principal', () => {
    const file = smallDbCopy();
    const created = run('apikey', 'create', '--db', file, '--name', 'FixMyStreet');
    expect(created.status).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const list = run('apikey', 'list', '--db', file).stdout;
    expect(list).toMatch(/^1\tFixMyStreet\t.*\tactive$/m);
    expect(list).not.toContain(key);
    expect(run('apikey', 'revoke', '--db', file, '--id', '1').stdout).toBe('revoked API key 1\n');
    expect(run('apikey', 'revoke', '--db', file, '--id', '1').status).toBe(1);
    const db = new Database(file, { readonly: true });
    const audit = db.prepare("SELECT actor, action FROM audit WHERE action LIKE 'apikey.%' ORDER BY id").all();
    db.close();
    expect(audit).toEqual([
      { actor: `system(cli:${process.env.USER ?? 'unknown'})@cli`, action: 'apikey.create' },
      { actor: `system(cli:${process.env.USER ?? 'unknown'})@cli`, action: 'apikey.revoke' },
    ]);
  });
});
