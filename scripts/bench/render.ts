// Rendering benchmarks in headless Chromium (software WebGL here): page load → first rendercomplete with the whole
// city at city zoom, frame time while panning against a naive GeoJSON/Canvas baseline of the same data (same run),
// and JS heap with the city loaded.
// Usage: npx tsx scripts/bench/render.ts [--db FILE] [--runs 5]
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { addUsers, passwordOf, startServe } from '../../test/helpers.ts';
import { launchChromium, loginPage } from '../../test/e2e/browser.ts';
import { median, ms } from './stats.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string' } } });
const runs = Number(values.runs ?? 5);
let db = values.db as string | undefined;
if (!db) {
  db = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-rbench-')), 'city.db');
  seedDatabase(db, {});
}
// The hall server needs a login: a benchmark account (skipped when it exists).
await addUsers(db, [{ name: 'bench-admin', role: 'admin' }]).catch((e) => {
  if (!/already exists/.test(String(e))) throw e;
});
const server = await startServe(db);
const browser = await launchChromium(['--enable-precise-memory-info']);
const rows: [string, string][] = [];
const report = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k}: ${v}`);
};

async function open(url: string, timeout = 300_000): Promise<{ page: Page; readyAt: number }> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 950 } });
  const page = await ctx.newPage();
  // Log in once in this tab, then measure a fresh load of the page (the session survives in sessionStorage).
  await loginPage(page, server.url + '/', 'bench-admin', passwordOf('bench-admin'));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.mapReadyAt || document.body.dataset.benchError, null, { timeout });
  const failed = await page.evaluate(() => document.body.dataset.benchError);
  if (failed) throw new Error(`${url}: ${failed}`);
  return { page, readyAt: Number(await page.evaluate(() => document.body.dataset.mapReadyAt)) };
}

/** Pans like a drag does (beginInteraction … endInteraction), one step per animation frame; returns frame times.
 * Sent as source text: tsx's transform would otherwise inject helpers the page does not have. */
const PAN_SRC = `async (n) => {
  const map = window.__cityopsMap;
  const view = map.getView();
  const c = view.getCenter();
  const step = view.getResolution() * 8; // 8 px per frame
  const times = [];
  view.beginInteraction();
  await new Promise((resolve) => {
    let i = 0, last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (i > 0) times.push(now - last);
      last = now;
      if (i++ >= n) return resolve();
      view.setCenter([c[0] + step * i, c[1] + step * i * 0.3]);
      map.renderSync();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  view.endInteraction();
  return times;
}`;
async function panFrames(page: Page, frames: number): Promise<number[]> {
  return page.evaluate(`(${PAN_SRC})(${frames})`) as Promise<number[]>;
}
const heapMB = (page: Page) => page.evaluate(() => (performance as Performance & { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 1e6);

// 1. Load → rendercomplete, app, median of N fresh pages.
const loads: number[] = [];
for (let i = 0; i < runs; i++) {
  const { page, readyAt } = await open(server.url + '/');
  loads.push(readyAt);
  await page.context().close();
}
report(`app: page load → map rendercomplete, whole city at city zoom (median of ${runs})`, `${(median(loads) / 1000).toFixed(2)} s`);

// 2. Pan frames and memory: app (WebGL) vs naive baseline (GeoJSON, Canvas, all features), same run.
const app = await open(server.url + '/');
await app.page.waitForFunction(() => !document.querySelector('[data-testid=visible-count]')?.textContent?.includes('…'));
const shown = await app.page.textContent('[data-testid=visible-count]');
if (!/[1-9]/.test(shown ?? '')) throw new Error(`the app shows no components (${shown}); the figures would be of an empty map`);
await panFrames(app.page, 5); // warm-up
const appFrames = await panFrames(app.page, 60);
const appHeap = await heapMB(app.page);
const naive = await open(server.url + '/bench/naive.html');
report('naive baseline: page load → rendercomplete (1 run)', `${(naive.readyAt / 1000).toFixed(2)} s`);
await panFrames(naive.page, 2);
const naiveFrames = await panFrames(naive.page, 12);
const naiveHeap = await heapMB(naive.page);
report('app: pan frame time, median (60 frames, WebGL)', ms(median(appFrames)));
report('naive baseline: pan frame time, median (12 frames, GeoJSON in Canvas layer)', ms(median(naiveFrames)));
report('pan frame time speed-up vs naive', `${(median(naiveFrames) / median(appFrames)).toFixed(1)}×`);
report(`app: JS heap with the city loaded (${shown?.trim()})`, `${appHeap.toFixed(0)} MB`);
report('naive baseline: JS heap with every component as a feature', `${naiveHeap.toFixed(0)} MB`);

await browser.close();
await server.stop();
console.log('\n| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
