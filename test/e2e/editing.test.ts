// End to end in Chromium: GIS editors edit the component layer while a call-taker works. Editor 1 adds a lamp on
// the map (undo and redo on the way) and commits; then edits a component that an open case cites, and the
// call-taker's case panel shows the change live. Editor 2 edited the same component from the same version: the
// commit is refused with a side-by-side diff, "reapply mine" resolves it, and both edits survive. The commit log
// reverts a commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS } from '../paths.ts';
import { addUsers, httpClient, passwordOf, smallDbCopy, startServe, type TestClient } from '../helpers.ts';
import { launchChromium, loginPage, type MapVectorLayer } from './browser.ts';
import { toMercator } from '../../shared/geo.ts';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let gis1: Page;
let gis2: Page;
let op: Page;
const errors: string[] = [];
let target: { code: string; lon: number; lat: number; version: number };
/** The API over HTTP as the call-taker (for setup and for checking what the UI did). */
let asOp: TestClient;

/** Centres the map on a lon/lat at a zoom and waits for the components in view to load. */
async function centreOn(p: Page, lon: number, lat: number, zoom: number): Promise<void> {
  const before = await p.evaluate(() => document.body.dataset.mapReady);
  const [x, y] = toMercator(lon, lat);
  await p.evaluate(
    ([x, y, z]) => {
      const v = window.__cityopsMap.getView();
      v.setCenter([x, y]);
      v.setZoom(z);
    },
    [x, y, zoom],
  );
  await p.waitForFunction((b) => document.body.dataset.mapReady !== b, before, { timeout: 30_000 });
  // A refresh already in flight (a pushed commit) may have answered first: wait until the map is quiet.
  for (let last = ''; ;) {
    await new Promise((r) => setTimeout(r, 400));
    const now = await p.evaluate(() => document.body.dataset.mapReady ?? '');
    if (now === last) return;
    last = now;
  }
}
/** Clicks the map at a lon/lat. */
async function clickAt(p: Page, lon: number, lat: number): Promise<void> {
  const [x, y] = toMercator(lon, lat);
  const [px, py] = await p.evaluate(([x, y]) => window.__cityopsMap.getPixelFromCoordinate([x, y]), [x, y]);
  const box = (await p.locator('[data-testid=map]').boundingBox())!;
  await p.mouse.click(box.x + px, box.y + py);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = smallDbCopy();
  await addUsers(file, [
    { name: 'gis1', role: 'gis_editor' },
    { name: 'gis2', role: 'gis_editor' },
    { name: 'op', role: 'operator' },
  ]);
  server = await startServe(file);
  const { token } = await httpClient(server.url).ok('auth.login', { name: 'op', password: passwordOf('op') });
  asOp = httpClient(server.url, () => token);
  // A manhole cover near the centre of the district, and a hotline case that cites it (the call-taker opens it below).
  const comps = await asOp.ok('components.inExtent', { bbox: [119.915, 32.455, 119.925, 32.465], limit: 200 });
  const c = comps.find((x) => x.classCode === '0101' && x.state === '完好')!;
  target = { code: c.code, lon: c.lon, lat: c.lat, version: c.version };
  await asOp.ok('cases.intake', { channel: 'hotline', kind: 'component', componentCode: c.code, description: '井盖松动，有响声' });
  browser = await launchChromium();
  const page = async () => (await browser.newContext({ viewport: { width: 1500, height: 900 } })).newPage();
  [gis1, gis2, op] = [await page(), await page(), await page()];
  for (const p of [gis1, gis2, op]) p.on('pageerror', (e) => errors.push(e.message));
  await loginPage(gis1, server.url + '/', 'gis1', passwordOf('gis1'));
  await loginPage(gis2, server.url + '/', 'gis2', passwordOf('gis2'));
  await loginPage(op, server.url + '/', 'op', passwordOf('op'));
  for (const p of [gis1, gis2]) await p.waitForFunction(() => !!document.body.dataset.mapReady, null, { timeout: 60_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('editing the component layer in the browser', () => {
  it('adds a lamp by clicking the map, with undo and redo, and commits it with a message', async () => {
    await gis1.click('[data-testid=toggle-editing]');
    await gis1.waitForSelector('[data-testid=edit-panel]');
    await centreOn(gis1, 119.9201, 32.4601, 18);
    await gis1.keyboard.press('p'); // the point tool's key
    await expect.poll(() => gis1.getAttribute('[data-testid=tool-point]', 'aria-pressed')).toBe('true');
    await gis1.selectOption('[data-testid=add-class]', '0118');
    await clickAt(gis1, 119.9201, 32.4601);
    await gis1.waitForSelector('[data-testid=draft-list] li');
    expect(await gis1.locator('[data-testid=draft-list] li').count()).toBe(1);
    await gis1.keyboard.press('Control+z');
    await expect.poll(() => gis1.locator('[data-testid=draft-list] li').count()).toBe(0);
    await gis1.keyboard.press('Control+y');
    await expect.poll(() => gis1.locator('[data-testid=draft-list] li').count()).toBe(1);
    await gis1.selectOption('[data-testid=a-lamp]', 'LED');
    await gis1.fill('[data-testid=commit-message]', '新装路灯');
    await gis1.click('[data-testid=validate]');
    await gis1.waitForSelector('[data-testid=problems]');
    expect(await gis1.textContent('[data-testid=problems]')).toMatch(/已补全/); // the cell and 主管部门 filled in
    expect(Number(await gis1.evaluate(() => document.body.dataset.snapBuildMs))).toBeGreaterThanOrEqual(0);
    await gis1.screenshot({ path: path.join(ARTIFACTS, 'e2e-editing.png') });
    await gis1.click('[data-testid=commit]');
    await expect.poll(() => gis1.textContent('[data-testid=toast]')).toMatch(/已提交 #\d+/);
    expect(await gis1.locator('[data-testid=draft-list] li').count()).toBe(0);
    const log = await asOp.ok('components.commits', { limit: 1 });
    expect(log[0]).toMatchObject({ message: '新装路灯', actor: 'gis1', added: 1 });
    const rec = (await asOp.ok('components.commitDetail', { id: log[0].id })).components[0].after;
    expect(rec).toMatchObject({ classCode: '0118', attrs: { lamp: 'LED' } });
    expect(Math.abs(rec.lon - 119.9201)).toBeLessThan(0.00002);
  });

  it('two editors change the same component: the later commit shows the diff, "reapply mine" keeps both edits, and the open case follows live', async () => {
    // The call-taker opens the case that cites the component.
    await op.click('[data-testid=cases-panel] [data-testid=case-list] li');
    await op.waitForSelector('[data-testid=case-component]');
    expect(await op.textContent('[data-testid=case-component]')).toContain('完好');
    // Both editors take the component into their drafts from the same version.
    await gis2.click('[data-testid=toggle-editing]');
    for (const p of [gis1, gis2]) {
      await centreOn(p, target.lon, target.lat, 19);
      await p.click('[data-testid=tool-select]');
      await clickAt(p, target.lon, target.lat);
      await p.waitForSelector('[data-testid=edit-component]');
      expect(await p.textContent('[data-testid=attr-code]')).toBe(target.code);
      await p.click('[data-testid=edit-component]');
      await p.waitForSelector('[data-testid=item-form]');
    }
    await gis1.selectOption('[data-testid=f-state]', '破损');
    await gis1.fill('[data-testid=commit-message]', '井盖破损');
    const opMap = await op.evaluate(() => document.body.dataset.mapReady);
    await gis1.click('[data-testid=commit]');
    await expect.poll(() => gis1.textContent('[data-testid=toast]')).toMatch(/已提交/);
    // The call-taker's map reloads its view by itself (pushed), without a page reload.
    await expect.poll(() => op.evaluate(() => document.body.dataset.mapReady), { timeout: 5000 }).not.toBe(opMap);
    // The call-taker's open case panel shows the new state without a reload.
    await expect.poll(() => op.textContent('[data-testid=case-component]'), { timeout: 5000 }).toContain('破损');
    await gis2.fill('[data-testid=f-note]', '盖板松动');
    await gis2.fill('[data-testid=commit-message]', '补充备注');
    await gis2.click('[data-testid=commit]');
    await gis2.waitForSelector('[data-testid=conflict-dialog]');
    const diff = await gis2.textContent(`[data-testid=conflict-${target.code}]`);
    expect(diff).toContain('井盖破损'); // their commit message
    expect(diff).toMatch(/完好[\s\S]*破损/); // base and theirs side by side
    expect(diff).toContain('盖板松动'); // yours
    await gis2.screenshot({ path: path.join(ARTIFACTS, 'e2e-conflict.png') });
    await gis2.click(`[data-testid=mine-${target.code}]`);
    await gis2.click('[data-testid=resolve-conflicts]');
    await expect.poll(() => gis2.textContent('[data-testid=toast]')).toMatch(/已提交/);
    const rec = await asOp.ok('components.record', { code: target.code });
    expect(rec.record).toMatchObject({ state: '破损', note: '盖板松动' });
    expect(rec.version).toBe(target.version + 2);
    // History in the component panel lists both commits.
    await expect.poll(() => gis1.textContent('[data-testid=component-history]'), { timeout: 5000 }).toContain('补充备注');
  });

  it('selects several components with Ctrl+drag and moves them together; the draft holds one move each', async () => {
    await centreOn(gis1, target.lon, target.lat, 18);
    await gis1.click('[data-testid=tool-select]');
    const [x, y] = toMercator(target.lon, target.lat);
    const [px, py] = await gis1.evaluate(([x, y]) => window.__cityopsMap.getPixelFromCoordinate([x, y]), [x, y]);
    const box = (await gis1.locator('[data-testid=map]').boundingBox())!;
    const [cx, cy] = [box.x + px, box.y + py];
    await gis1.keyboard.down('Control');
    await gis1.mouse.move(cx - 120, cy - 120);
    await gis1.mouse.down();
    await gis1.mouse.move(cx, cy, { steps: 4 });
    await gis1.mouse.move(cx + 120, cy + 120, { steps: 4 });
    await gis1.mouse.up();
    await gis1.keyboard.up('Control');
    await expect.poll(() => gis1.locator('[data-testid=draft-list] li').count()).toBeGreaterThan(1);
    const n = await gis1.locator('[data-testid=draft-list] li').count();
    // Drag the target: every selected component moves by the same delta.
    await gis1.mouse.move(cx, cy);
    await gis1.mouse.down();
    await gis1.mouse.move(cx + 20, cy + 10, { steps: 5 });
    await gis1.mouse.move(cx + 40, cy + 20, { steps: 5 });
    await gis1.mouse.up();
    await expect.poll(() => gis1.textContent('[data-testid=commit]')).toBe(`提交 (${n})`);
    await gis1.screenshot({ path: path.join(ARTIFACTS, 'e2e-multi-move.png') });
    await gis1.click('text=放弃草稿');
    expect(await gis1.locator('[data-testid=draft-list] li').count()).toBe(0);
  });

  it('splits a cell along a drawn line and merges the pieces back, with the grid redrawn on the other workstation', async () => {
    const cell = await asOp.ok('grid.locate', { lon: 119.9501, lat: 32.4801 });
    const [w, s2, e, n] = cell.bbox;
    const midX = (w + e) / 2;
    await centreOn(gis1, midX, (s2 + n) / 2, 17);
    await gis1.click('[data-testid=tool-split]');
    gis1.once('dialog', (d) => void d.accept());
    await clickAt(gis1, midX, s2 - 0.0004);
    const [x, y] = toMercator(midX, n + 0.0004);
    const [px, py] = await gis1.evaluate(([x, y]) => window.__cityopsMap.getPixelFromCoordinate([x, y]), [x, y]);
    const box = (await gis1.locator('[data-testid=map]').boundingBox())!;
    await gis1.mouse.dblclick(box.x + px, box.y + py);
    await expect.poll(() => gis1.textContent('[data-testid=toast]'), { timeout: 10_000 }).toMatch(/网格已更新/);
    const west = await asOp.ok('grid.locate', { lon: w + (midX - w) * 0.3, lat: (s2 + n) / 2 });
    const east = await asOp.ok('grid.locate', { lon: midX + (e - midX) * 0.7, lat: (s2 + n) / 2 });
    expect(new Set([west.code, east.code])).toEqual(new Set([cell.code, expect.any(String)]));
    expect(west.code).not.toBe(east.code);
    await gis1.click('[data-testid=tool-merge]');
    await clickAt(gis1, w + (midX - w) * 0.3, (s2 + n) / 2);
    await clickAt(gis1, midX + (e - midX) * 0.7, (s2 + n) / 2);
    await expect.poll(() => gis1.textContent('[data-testid=picked-cells]')).toMatch(/\d{15}, \d{15}/);
    await gis1.click('[data-testid=merge-cells]');
    await expect
      .poll(async () => (await asOp.ok('grid.locate', { lon: midX + (e - midX) * 0.7, lat: (s2 + n) / 2 })).code, { timeout: 10_000 })
      .toBe(cell.code);
    expect((await asOp.ok('grid.cell', { code: cell.code })).areaM2).toBeCloseTo(cell.areaM2, -1);
  });

  it('imports a file through the dialog (upload, report, apply) and exports the layer as a download', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-io-'));
    const file = path.join(dir, '新增路灯.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          [119.9301, 32.4702],
          [119.93015, 32.47025],
        ].map((c, i) => ({ type: 'Feature', properties: { ClassCode: '0118', 备注: `导入${i}` }, geometry: { type: 'Point', coordinates: c } })),
      }),
    );
    await gis1.click('[data-testid=open-io]');
    await gis1.waitForSelector('[data-testid=io-dialog]');
    await gis1.setInputFiles('[data-testid=import-file]', file);
    await gis1.click('[data-testid=import-preview]');
    await expect.poll(() => gis1.textContent('[data-testid=import-report]')).toMatch(/新增 2/);
    expect(await gis1.inputValue('[data-testid=map-note]')).toBe('备注');
    await gis1.click('[data-testid=import-apply]');
    // The file is read and checked in a worker thread first (it starts with the import): allow for its start-up.
    await expect.poll(() => gis1.textContent('[data-testid=toast]'), { timeout: 30_000 }).toMatch(/已导入，提交 #\d+/);
    await gis1.screenshot({ path: path.join(ARTIFACTS, 'e2e-import.png') });
    await gis1.selectOption('[data-testid=export-format]', 'geojson');
    // Each coordinate system is offered once (EPSG:4490 was listed twice), the format's default selected.
    const crsOptions = await gis1.$$eval('[data-testid=io-dialog] fieldset:last-of-type select', (ss) =>
      ss.flatMap((s) => [...(s as HTMLSelectElement).options].map((o) => (o.textContent ?? '').trim().split(' ')[0])).filter((v) => v.startsWith('EPSG:')),
    );
    expect(crsOptions.length).toBe(new Set(crsOptions).size);
    expect(crsOptions.filter((v) => v === 'EPSG:4490')).toHaveLength(1);
    const [download] = await Promise.all([gis1.waitForEvent('download'), gis1.click('[data-testid=export-download]')]);
    // The export says when it is done, and the import section shows no upload meanwhile.
    await expect.poll(() => gis1.textContent('[data-testid=export-status]'), { timeout: 30_000 }).toBe('已导出 components.geojson');
    expect(await gis1.textContent('[data-testid=io-dialog]')).not.toContain('上传中');
    const out = path.join(dir, 'export.geojson');
    await download.saveAs(out);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { features: unknown[] };
    expect(doc.features.length).toBe((await asOp.ok('app.info', {})).components);
    await gis1.click('[data-testid=io-dialog] [aria-label]');
  });

  it('the commit log reverts a whole commit as a new commit', async () => {
    await gis1.click('[data-testid=open-commits]');
    await gis1.waitForSelector('[data-testid=commit-log]');
    const first = (await asOp.ok('components.commits', { limit: 10 })).find((c) => c.message === '新装路灯')!;
    await gis1.click(`[data-testid=revert-${first.id}]`);
    await expect.poll(() => gis1.textContent('[data-testid=toast]')).toMatch(/已撤销/);
    const log = await asOp.ok('components.commits', { limit: 1 });
    expect(log[0]).toMatchObject({ kind: 'revert', reverts: first.id, retired: 1 });
    await gis1.screenshot({ path: path.join(ARTIFACTS, 'e2e-commit-log.png') });
    await gis1.click('[data-testid=commit-log] [aria-label]');
  });

  it('shows the layer as of a past time: the imported lamps are not there yet', async () => {
    await centreOn(op, 119.93012, 32.47022, 19);
    const count = () => op.evaluate(() => (window.__cityopsMap.getLayers().item(2) as MapVectorLayer).getSource()!.getFeatures().length);
    const now = await count();
    await op.click('[data-testid=tab-layers]');
    const before = await op.evaluate(() => document.body.dataset.mapReady);
    await op.fill('[data-testid=as-of]', '2026-01-01T08:00');
    await op.waitForSelector('[data-testid=as-of-banner]');
    await op.waitForFunction((b) => document.body.dataset.mapReady !== b, before);
    expect(await count()).toBe(now - 2);
    await op.screenshot({ path: path.join(ARTIFACTS, 'e2e-as-of.png') });
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
