// The real main-process bundle (dist-electron/main.mjs) under plain Node with a stand-in 'electron' module
// (test/electron/fake-electron): the bundled worker core starts, IPC is wired and guarded, the window is locked
// down. It checks CityOps' wiring where no Electron binary exists; test/electron/app.test.ts drives real Electron.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import { smallDbCopy } from '../helpers.ts';

describe('desktop main process wiring (bundle under Node, stand-in electron)', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', path.join(ROOT, 'test/electron/fake-electron/register.mjs'), path.join(ROOT, 'dist-electron/main.mjs')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CITYOPS_DB: smallDbCopy() },
      timeout: 60_000,
    },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  const report = line ? JSON.parse(line.slice(7)) : { stderr: run.stderr };

  it('opens a sandboxed, context-isolated window without Node integration, on the built renderer and preload', () => {
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(report.preloadExists).toBe(true);
    expect(report.rendererExists).toBe(true);
    expect(report.calls).toContain('enableSandbox');
  });
  it('creates the first administrator on first start, shows the password once, and requires login', () => {
    expect(report.messageBoxes?.[0]).toMatch(/password: \S{8,}/);
    expect(report.anonymous).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(report.login).toEqual({ ok: true, role: 'admin' });
  });
  it('answers contract calls from the app page through the worker-thread core', () => {
    expect(report.info.ok).toBe(true);
    expect(report.info.result.gridCells).toBeGreaterThanOrEqual(6000);
    expect(report.badInput).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { field: 'lon' } } });
  });
  it('refuses calls from any other frame, blocks navigation, new windows and permission requests', () => {
    expect(report.untrusted).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.navigationBlocked).toBe(true);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.permissionGranted).toBe(false);
  });
  it('pushes core events to the window', () => {
    expect(report.pushed).toContain('cityops:event settings.changed');
  });
});
