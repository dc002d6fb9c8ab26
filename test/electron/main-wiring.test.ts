// The real main-process bundle (dist-electron/main.mjs) under plain Node with a stand-in 'electron' module
// (test/electron/fake-electron): the bundled worker core starts, the renderer is served from app://, IPC is wired and
// guarded, each window hears only its own session's events, the window is locked down. Played twice: as in
// development and as a packaged build. It checks CityOps' wiring where no Electron binary exists;
// test/electron/app.test.ts drives real Electron.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import { smallDbCopy } from '../helpers.ts';

interface Served {
  status: number;
  type: string;
  csp: string | null;
  body: string | null;
}
interface MenuItem {
  label?: string;
  role?: string;
  submenu?: MenuItem[];
}

function play(packaged: boolean) {
  const run = spawnSync(
    process.execPath,
    ['--import', path.join(ROOT, 'test/electron/fake-electron/register.mjs'), path.join(ROOT, 'dist-electron/main.mjs')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CITYOPS_DB: smallDbCopy(), CITYOPS_FAKE_PACKAGED: packaged ? '1' : '0' },
      timeout: 120_000,
    },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  return line ? JSON.parse(line.slice(7)) : { stderr: run.stderr };
}
const roles = (menu: MenuItem[]): string[] => menu.flatMap((m) => [m.role ?? '', ...roles(m.submenu ?? [])]).filter(Boolean);

describe('desktop main process wiring (bundle under Node, stand-in electron)', () => {
  const report = play(false);

  it('opens a sandboxed, context-isolated window without Node integration, on the built renderer and preload', () => {
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: true });
    expect(report.preloadExists).toBe(true);
    expect(report.calls).toContain('enableSandbox');
  });
  it('loads the renderer from app://cityops, registered as a standard secure scheme before the app is ready', () => {
    expect(report.loaded).toBe('app://cityops/index.html');
    expect(report.privileged).toEqual({ list: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }], beforeReady: true });
  });
  it('serves the page and its modules with their MIME types and the CSP header', () => {
    const index = report.index as Served;
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(index.csp).toContain("script-src 'self'");
    expect(index.body).toContain('<div id="root">');
    expect(report.script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
  });
  it('serves nothing outside the renderer folder nor for another host', () => {
    expect((report.traversal as Served[]).map((r) => r.status)).toEqual([404, 404, 404]);
    expect(report.otherHost.status).toBe(404);
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
  it('refuses calls from any other frame (a web page, the renderer as a file:// page), blocks navigation and new windows', () => {
    expect(report.untrusted).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.fileUrl).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.navigationBlocked).toBe(true);
    expect(report.windowOpen).toEqual({ action: 'deny' });
  });
  it('denies every permission but notifications, and those only to the app itself, when asked and when checked', () => {
    expect(report.permissions).toEqual({
      geolocation: false,
      media: false,
      notifications: true,
      notificationsElsewhere: false,
      checkGeolocation: false,
      checkNotifications: true,
      checkClipboard: false,
    });
  });
  it('keeps DevTools in development', () => {
    expect(roles(report.menu)).toContain('toggleDevTools');
    expect(report.devToolsClosed).toBe(0);
  });
  it('pushes core events only to the window whose session may see them, and none after its logout', () => {
    expect(report.pushed).toContain('settings.changed');
    expect(report.pushedToOther).toEqual([]);
    expect(report.pushedAfterLogout).toEqual(report.pushed);
    expect(report.pushedToOtherAfterLogin).toContain('settings.changed');
  });
});

describe('desktop main process wiring, packaged', () => {
  const report = play(true);

  it('has no DevTools: none in the window, no menu entry, and DevTools opened anyway are closed', () => {
    expect(report.login).toEqual({ ok: true, role: 'admin' });
    expect(report.webPreferences.devTools).toBe(false);
    expect(roles(report.menu)).not.toContain('toggleDevTools');
    expect(roles(report.menu)).toEqual(expect.arrayContaining(['quit', 'reload', 'togglefullscreen']));
    expect(report.devToolsClosed).toBe(1);
  });
});
