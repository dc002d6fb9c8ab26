// Debian Chromium through playwright-core, with the flags that give software WebGL on these machines.
// Used by the e2e tests, the rendering benchmark and scripts/screenshot.ts.
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import type OlMap from 'ol/Map';
import type Layer from 'ol/layer/Layer';
import type VectorSource from 'ol/source/Vector';
import type XYZ from 'ol/source/XYZ';

declare global {
  interface Window {
    /** The app's OpenLayers map, exposed for tests and benchmarks (renderer/map/MapView.tsx). Read it only inside
     * page.evaluate. Layers, in order: 0 base, 1 cells, 2 components, 3 boundaries, 4 highlight, 5 shapes, 6 base
     * labels, then the interaction snapshot (WebGL only) and the cases last. */
    __cityopsMap: OlMap;
  }
}

/** A vector layer of the map (cells, components, highlight, shapes, cases): its source holds the features drawn. */
export type MapVectorLayer = Layer<VectorSource>;
/** A tile layer of the map (the base layer and its labels). */
export type MapTileLayer = Layer<XYZ>;

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
