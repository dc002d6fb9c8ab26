// Usage: npx tsx scripts/screenshot.ts URL OUT.png [width height] — a headless Chromium screenshot of the UI,
// taken once the map has finished its first render. Prints the page's console errors. The hall server needs a
// login: CITYOPS_USER and CITYOPS_PASSWORD name the account (without them the login screen is shot).
import { launchChromium, loginPage } from '../test/e2e/browser.ts';

const [url, out, w = '1600', h = '950'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: npx tsx scripts/screenshot.ts URL OUT.png [width height]');
  process.exit(2);
}
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
page.on('console', (m) => m.type() === 'error' && console.log(`console: ${m.text()}`));
page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
if (process.env.CITYOPS_USER) await loginPage(page, url, process.env.CITYOPS_USER, process.env.CITYOPS_PASSWORD ?? '');
else await page.goto(url);
if (process.env.CITYOPS_USER)
  await page
    .waitForFunction(() => Number(document.body.dataset.mapReady ?? 0) > 0, null, { timeout: 60_000 })
    .catch(() => console.log('map did not report ready within 60 s'));
await page.screenshot({ path: out });
await browser.close();
