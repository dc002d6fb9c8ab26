// The `cityops` command as a user runs it: real processes.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths.ts';
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
});
