// The real desktop window through Playwright's _electron. Runs where an Electron binary exists; on machines where
// Electron's download is blocked it is skipped and says so (never a fake pass).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
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
type AppWindow = Window & { cityops: { call(method: string, input: unknown): Promise<ApiResult<unknown>> } } & Record<string, unknown>;
/** The typed client over the window's bridge (window.cityops, exposed by the preload). */
const bridge = (win: Page): TestClient =>
  client((method, input) => win.evaluate(([m, i]) => (window as unknown as AppWindow).cityops.call(m, i), [method, input] as const));

const bin: string | null = electronBinary();
if (!bin) console.log('skipped: no Electron binary (test/electron/app.test.ts)');

describe.skipIf(!bin)('desktop app (Electron)', () => {
  // The core in Electron needs better-sqlite3 built for Electron's ABI (as `npm start` does).
  let env: Record<string, string>;
  beforeAll(() => {
    env = { ...(process.env as Record<string, string>), CITYOPS_SQLITE_BINDING: electronSqliteBinding() };
  }, 600_000);

  it('opens the window on an embedded database with a locked-down renderer and a working bridge', async () => {
    const app = await _electron.launch({ executablePath: bin!, args: [ROOT], env: { ...env, CITYOPS_DB: smallDbCopy() } });
    try {
      const win = await app.firstWindow();
      await win.waitForFunction(() => Number(document.body.dataset.mapReady ?? 0) > 0, null, { timeout: 60_000 });
      expect(await win.evaluate(() => typeof (window as unknown as AppWindow).require)).toBe('undefined');
      expect(await win.evaluate(() => typeof (window as unknown as AppWindow).process)).toBe('undefined');
      const info = await bridge(win).call('app.info', {});
      expect(info.ok).toBe(true);
      // Navigation away from the app page is blocked.
      await win.evaluate(() => {
        location.href = 'https://example.invalid/';
      });
      await win.waitForTimeout(300);
      expect(win.url()).toMatch(/^file:.*index\.html/);
    } finally {
      await app.close();
    }
  });

  it('seeds the sample city on first start into the user-data folder', async () => {
    const userData = mkdtempSync(path.join(os.tmpdir(), 'cityops-userdata-'));
    const app = await _electron.launch({ executablePath: bin!, args: [ROOT, `--user-data-dir=${userData}`], env: { ...env, CITYOPS_SEED_SCALE: '0.01' } });
    try {
      const win = await app.firstWindow();
      await win.waitForFunction(() => Number(document.body.dataset.mapReady ?? 0) > 0, null, { timeout: 120_000 });
      const info = await bridge(win).ok('app.info', {});
      expect(info.gridCells).toBeGreaterThanOrEqual(6000);
    } finally {
      await app.close();
    }
  });
});
