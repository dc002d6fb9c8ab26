// Debian Chromium through playwright-core, with the flags that give software WebGL on these machines.
// Used by the e2e tests, the rendering benchmark and scripts/screenshot.ts.
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Path of the Chromium binary (CHROMIUM overrides). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium (plus `extraArgs`); throws a clear error when it is not installed. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--use-angle=gl',
      '--ignore-gpu-blocklist',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** Opens the app at `url` and logs in; the session lives in this tab (sessionStorage), so later page.goto calls in
 * the same tab stay logged in. Resolves once the workspace is shown. */
export async function loginPage(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('[data-testid=login-name]', name);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=cases-panel]', { timeout: 60_000 });
}
