// End to end: the built renderer served by `cityops serve` over the full sample city, driven in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, FULL_DB } from '../paths.ts';
import { addUsers, httpClient, passwordOf, startServe } from '../helpers.ts';
import { launchChromium, loginPage, type MapTileLayer, type MapVectorLayer } from './browser.ts';
import { toMercator } from '../../shared/geo.ts';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
const errors: string[] = [];
let token = '';

/** Feature counts of the map's layers, read from the page's OpenLayers map. */
async function layerCounts(p: Page) {
  return p.evaluate(() => {
    const map = window.__cityopsMap;
    const layers = map.getLayers().getArray();
    const feats = (i: number) => (layers[i] as MapVectorLayer).getSource()?.getFeatures() ?? [];
    const comps = feats(2);
    const byMajor: Record<number, number> = {};
    for (const f of comps) byMajor[f.get('maj')] = (byMajor[f.get('maj')] ?? 0) + 1;
    return { cells: feats(1).length, components: comps.length, byMajor, resolution: map.getView().getResolution()! };
  });
}
async function waitMapReady(p: Page, after = 0) {
  await p.waitForFunction((n) => Number(document.body.dataset.mapReady ?? 0) > n, after, { timeout: 60_000 });
}
const readyNo = (p: Page) => p.evaluate(() => Number(document.body.dataset.mapReady ?? 0));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A private copy: this suite changes settings.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-'));
  copyFileSync(FULL_DB, path.join(dir, 'city.db'));
  await addUsers(path.join(dir, 'city.db'), [{ name: 'hall', role: 'admin' }]);
  server = await startServe(path.join(dir, 'city.db'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await loginPage(page, server.url + '/', 'hall', passwordOf('hall'));
  await waitMapReady(page);
  token = await page.evaluate(() => sessionStorage.getItem('cityops.token')!);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the map over the full sample city', () => {
  it('renders the unit grid and the components with WebGL, and says so', async () => {
    const c = await layerCounts(page);
    expect(c.cells).toBeGreaterThanOrEqual(6000);
    expect(c.components).toBeGreaterThan(10_000);
    expect(Object.keys(c.byMajor).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    await expect.poll(() => page.textContent('[data-testid=renderer]')).toContain('WebGL');
    expect(await page.textContent('[data-testid=visible-count]')).toMatch(/316,?\d{3}/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-city.png') });
    expect(errors).toEqual([]);
  });

  it('searching a component code zooms to it and shows its attributes', async () => {
    const code = '3212020118000100'; // a street lamp (0118)
    const n = await readyNo(page);
    await page.fill('[data-testid=search-input]', code);
    await page.press('[data-testid=search-input]', 'Enter');
    await page.waitForSelector('[data-testid=component-panel]');
    expect(await page.textContent('[data-testid=attr-code]')).toBe(code);
    expect(await page.textContent('[data-testid=attr-name]')).toBe('路灯');
    await waitMapReady(page, n);
    expect((await layerCounts(page)).resolution).toBeLessThan(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-search.png') });
  });

  it('clicking a component opens its attribute panel with all CJ/T 214 attributes', async () => {
    await page.click('.detail-head button'); // close the panel from the search
    const comp = await httpClient(server.url, () => token).ok('components.get', { code: '3212020118000100' });
    const [x, y] = toMercator(comp.lon, comp.lat);
    const px = await page.evaluate(([mx, my]) => window.__cityopsMap.getPixelFromCoordinate([mx, my]), [x, y]);
    const box = (await page.locator('[data-testid=map]').boundingBox())!;
    await page.mouse.move(box.x + px[0] + 2, box.y + px[1] + 1);
    // Hover highlights the component under the pointer (local index, no round trip).
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window.__cityopsMap.getLayers().getArray()[4] as MapVectorLayer)
              .getSource()!
              .getFeatures()
              .filter((f) => f.getGeometry()?.getType() === 'Point').length,
        ),
      )
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__cityopsMap.getTargetElement()?.style.cursor)).toBe('pointer');
    await page.mouse.click(box.x + px[0], box.y + px[1]);
    await page.waitForSelector('[data-testid=component-panel]');
    expect(await page.textContent('[data-testid=attr-code]')).toBe('3212020118000100');
    const panel = await page.textContent('[data-testid=component-panel]');
    for (const label of ['主管部门', '权属单位', '养护单位', '所在网格', '部件状态', '初始日期', '变更日期', '数据来源', '备注'])
      expect(panel).toContain(label);
    expect(panel).toContain('路灯管理所');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-click.png') });
  });

  it('draws line and polygon components as their shapes at street zoom', async () => {
    const n = await readyNo(page);
    await page.fill('[data-testid=search-input]', '3212020405000010'); // a green space (绿地)
    await page.press('[data-testid=search-input]', 'Enter');
    await page.waitForSelector('[data-testid=component-panel]');
    await waitMapReady(page, n);
    const types = () =>
      page.evaluate(() =>
        (window.__cityopsMap.getLayers().getArray()[5] as MapVectorLayer)
          .getSource()!
          .getFeatures()
          .map((f) => f.getGeometry()?.getType()),
      );
    await expect.poll(types, { timeout: 10_000 }).toContain('Polygon');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-shapes.png') });
    await page.click('.detail-head button');
  });

  it('switching a major class off hides its components and leaves the others', async () => {
    await page.click('[data-testid=tab-layers]');
    const before = await layerCounts(page);
    expect(before.byMajor[1] ?? 0).toBeGreaterThan(0);
    const n = await readyNo(page);
    await page.uncheck('[data-testid=major-01]');
    await waitMapReady(page, n);
    const after = await layerCounts(page);
    expect(after.byMajor[1] ?? 0).toBe(0);
    expect(after.components).toBeGreaterThan(0);
    const m = await readyNo(page);
    await page.check('[data-testid=major-01]');
    await waitMapReady(page, m);
    expect((await layerCounts(page)).byMajor[1]).toBeGreaterThan(0);
  });

  it('searching a street name zooms to the street; a minor class can be switched off on its own', async () => {
    const n = await readyNo(page);
    await page.fill('[data-testid=search-input]', '城东街道');
    await page.press('[data-testid=search-input]', 'Enter');
    await page.click('[data-testid=search-hits] button >> text=城东街道');
    await waitMapReady(page, n);
    const res = (await layerCounts(page)).resolution;
    expect(res).toBeGreaterThan(1);
    expect(res).toBeLessThan(8);
    const treeIdx = (await httpClient(server.url, () => token).ok('catalog.componentClasses', {})).find((k) => k.code === '0402')!.idx;
    const countCls = (idx: number) =>
      page.evaluate(
        (i) =>
          (window.__cityopsMap.getLayers().getArray()[2] as MapVectorLayer)
            .getSource()!
            .getFeatures()
            .filter((f) => f.get('cls') === i).length,
        idx,
      );
    expect(await countCls(treeIdx)).toBeGreaterThan(0);
    await page.click('[data-major="04"] .caret');
    const m = await readyNo(page);
    await page.uncheck('[data-testid=class-0402]');
    await waitMapReady(page, m);
    expect(await countCls(treeIdx)).toBe(0);
    expect((await layerCounts(page)).byMajor[4] ?? 0).toBeGreaterThan(0); // other 园林绿化 classes stay
    const k = await readyNo(page);
    await page.check('[data-testid=class-0402]');
    await waitMapReady(page, k);
  });

  it('switches the interface to English and back', async () => {
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.textContent('header')).toContain('Digital City Management Centre');
    expect(await page.textContent('[data-testid=layer-tree]')).toContain('Layers');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-english.png') });
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.textContent('header')).toContain('数字化城管监督指挥中心');
  });

  it('shows cursor coordinates in lon/lat and in CGCS2000 GK (EPSG:4549)', async () => {
    const box = (await page.locator('[data-testid=map]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.textContent('[data-testid=cursor]')).toMatch(/119\.\d{6}, 32\.\d{6}/);
    expect(await page.textContent('[data-testid=cursor-gk]')).toMatch(/X 4\d{5}\.\d\d Y 359\d{4}\.\d\d/);
  });

  it('sets an optional base layer in settings, and refuses a malformed Tianditu key with a clear message', async () => {
    const base = () =>
      page.evaluate(() => {
        const l = window.__cityopsMap.getLayers().getArray()[0] as MapTileLayer;
        return { visible: l.getVisible(), urls: l.getSource()?.getUrls?.() ?? null };
      });
    expect((await base()).visible).toBe(false); // off by default: fully usable offline
    await page.click('[data-testid=open-settings]');
    await page.check('[data-testid=settings] input[type=radio] >> nth=2'); // Tianditu
    await page.fill('[data-testid=settings] .col input', 'not-a-key');
    await page.click('[data-testid=settings] button.primary');
    await expect.poll(() => page.textContent('[data-testid=settings] .error')).toContain('32 hexadecimal');
    await page.check('[data-testid=settings] input[type=radio] >> nth=1'); // XYZ
    // An address on loopback with nothing listening: no traffic leaves the machine.
    await page.fill('[data-testid=settings] .col input', 'http://127.0.0.1:9/{z}/{x}/{y}.png');
    await page.click('[data-testid=settings] button.primary');
    await page.waitForSelector('[data-testid=settings]', { state: 'detached' });
    await expect.poll(base).toEqual({ visible: true, urls: ['http://127.0.0.1:9/{z}/{x}/{y}.png'] });
    // Tianditu with a well-formed key: vector tiles plus its annotation layer. Tile requests are aborted inside the
    // browser, so nothing leaves this machine.
    await page.route(/tianditu\.gov\.cn/, (route) => route.abort());
    await page.click('[data-testid=open-settings]');
    await page.check('[data-testid=settings] input[type=radio] >> nth=2');
    await page.fill('[data-testid=settings] .col input', '0123456789abcdef0123456789abcdef');
    await page.click('[data-testid=settings] button.primary');
    await page.waitForSelector('[data-testid=settings]', { state: 'detached' });
    const labels = () =>
      page.evaluate(() => {
        const l = window.__cityopsMap.getLayers().getArray()[6] as MapTileLayer;
        return { visible: l.getVisible(), url: l.getSource()?.getUrls?.()?.[0] ?? '' };
      });
    await expect.poll(async () => (await base()).urls?.[0] ?? '').toContain('LAYER=vec&');
    expect((await base()).urls![0]).toContain('tk=0123456789abcdef0123456789abcdef');
    expect(await labels()).toMatchObject({ visible: true, url: expect.stringContaining('LAYER=cva&') });
    await page.click('[data-testid=open-settings]');
    await page.check('[data-testid=settings] input[type=radio] >> nth=0');
    await page.click('[data-testid=settings] button.primary');
    await expect.poll(async () => (await base()).visible).toBe(false);
    expect((await labels()).visible).toBe(false);
    await page.unroute(/tianditu\.gov\.cn/);
  });

  it('falls back to a Canvas renderer without WebGL and says so', async () => {
    const p = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await loginPage(p, server.url + '/?renderer=canvas', 'hall', passwordOf('hall'));
    await waitMapReady(p);
    expect(await p.textContent('[data-testid=renderer]')).toContain('Canvas');
    const c = await layerCounts(p);
    expect(c.components).toBeGreaterThan(1000);
    expect(c.components).toBeLessThanOrEqual(25_000);
    await p.screenshot({ path: path.join(ARTIFACTS, 'e2e-canvas.png') });
    await p.close();
  });
});
