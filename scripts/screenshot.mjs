// Usage: node scripts/screenshot.mjs URL OUT.png [width height]  — a headless Chromium screenshot of the UI.
import { chromium } from 'playwright-core';
const [url, out, w = '1600', h = '950'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=gl', '--ignore-gpu-blocklist', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
const logs = [];
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
await page.goto(url);
await page.waitForFunction(() => Number(document.body.dataset.mapReady ?? 0) > 0, null, { timeout: 60000 }).catch((e) => logs.push('timeout ' + e.message));
await page.screenshot({ path: out });
console.log(logs.join('\n'));
await browser.close();
