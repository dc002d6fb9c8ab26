// The real desktop window through Playwright's _electron. Runs where an Electron binary exists; on machines where
// Electron's download is blocked it is skipped and says so (never a fake pass).
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type Page } from 'playwright-core';
// @ts-expect-error plain ESM helper without types
import { electronBinary } from '../../scripts/electron-binary.mjs';
// @ts-expect-error plain ESM helper without types
import { electronSqliteBinding } from '../../scripts/electron-native.mjs';
import { ROOT } from '../paths.ts';
import { client, smallDbCopy, type TestClient } from '../helpers.ts';
import type { ApiResult } from '../../shared/errors.ts';

/** The window as the renderer sees it: the preload's bridge, and whatever else might leak into it. */
type AppWindow = Window & { cityops: { call(method: string, input: unknown, token?: string): Promise<ApiResult<unknown>> } } & Record<string, unknown>;
/** The typed client over the window's bridge (window.cityops, exposed by the preload), with a session token or none. */
const bridge = (win: Page, token?: string): TestClient =>
  client((method, input) => win.evaluate(([m, i, t]) => (window as unknown as AppWindow).cityops.call(m, i, t), [method, input, token] as const));

/** Logs in as the first administrator (first-admin.txt beside the database) and changes the generated password when
 * the account asks for it; returns the session token. */
async function loginFirstAdmin(win: Page, dbDir: string): Promise<string> {
  const file = path.join(dbDir, 'first-admin.txt');
  for (let i = 0; i < 1200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100)); // written once the core is up
  const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
  const s = (await bridge(win).ok('auth.login', { name: 'admin', password })) as { token: string; mustChangePassword?: boolean };
  if (s.mustChangePassword) await bridge(win, s.token).raw('auth.changePassword', { current: password, password: `${password}-changed` });
  return s.token;
}

const bin: string | null = electronBinary();
if (!bin) console.log('skipped: no Electron binary (test/electron/app.test.ts)');

describe.skipIf(!bin)('desktop app (Electron)', () => {
  // The core in Electron needs better-sqlite3 built for Electron's ABI (as `npm start` does).
  let env: Record<string, string>;
  beforeAll(() => {
    env = { ...(process.env as Record<string, string>), CITYOPS_SQLITE_BINDING: electronSqliteBinding() };
  }, 600_000);

  it('opens the window on an embedded database with a locked-down renderer and a working bridge', async () => {
    const db = smallDbCopy();
    const app = await _electron.launch({ executablePath: bin!, args: [ROOT], env: { ...env, CITYOPS_DB: db } });
    try {
      const win = await app.firstWindow();
      // The page comes from the app's own origin, not from a file:// URL.
      expect(win.url()).toBe('app://cityops/index.html');
      expect(await win.evaluate(() => typeof (window as unknown as AppWindow).require)).toBe('undefined');
      expect(await win.evaluate(() => typeof (window as unknown as AppWindow).process)).toBe('undefined');
      // Its modules loaded (the login screen rendered) under the CSP header of app://.
      await win.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, { timeout: 60_000 });
      const token = await loginFirstAdmin(win, path.dirname(db));
      const info = await bridge(win, token).call('app.info', {});
      expect(info.ok).toBe(true);
      // Nothing outside the renderer folder is reachable from the page.
      const outside = await win.evaluate(() =>
        fetch('app://cityops/..%2f..%2fpackage.json').then(
          (r) => r.status,
          () => -1,
        ),
      );
      expect(outside === 404 || outside === -1).toBe(true);
      // Navigation away from the app page is blocked.
      await win.evaluate(() => {
        location.href = 'https://example.invalid/';
      });
      await win.waitForTimeout(300);
      expect(win.url()).toBe('app://cityops/index.html');
    } finally {
      await app.close();
    }
  });

  it('seeds the sample city on first start into the user-data folder', async () => {
    const userData = mkdtempSync(path.join(os.tmpdir(), 'cityops-userdata-'));
    const app = await _electron.launch({ executablePath: bin!, args: [ROOT, `--user-data-dir=${userData}`], env: { ...env, CITYOPS_SEED_SCALE: '0.01' } });
    try {
      const win = await app.firstWindow();
      await win.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, { timeout: 120_000 });
      const token = await loginFirstAdmin(win, userData);
      const info = await bridge(win, token).ok('app.info', {});
      expect(info.gridCells).toBeGreaterThanOrEqual(6000);
    } finally {
      await app.close();
    }
  });
});
