// End to end in Chromium: a 12319 hotline case is taken, registered and dispatched from the keyboard at the hall
// workstation, handled by the department in a second browser context, then checked and closed; each context sees
// the other's steps live (WebSocket push), without reloading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS } from '../paths.ts';
import { addUsers, passwordOf, smallDbCopy, startServe } from '../helpers.ts';
import { launchChromium, loginPage, type MapVectorLayer } from './browser.ts';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let hall: Page;
let dept: Page;
const errors: string[] = [];
const status = (p: Page) => p.textContent('[data-testid=case-status]');

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = smallDbCopy();
  await addUsers(file, [
    { name: 'hall', role: 'admin' },
    { name: 'env', role: 'department', department: 'D03' },
  ]);
  server = await startServe(file);
  browser = await launchChromium();
  hall = await (await browser.newContext({ viewport: { width: 1600, height: 950 } })).newPage();
  dept = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  for (const p of [hall, dept]) p.on('pageerror', (e) => errors.push(e.message));
  await loginPage(hall, server.url + '/', 'hall', passwordOf('hall'));
  await loginPage(dept, server.url + '/', 'env', passwordOf('env'));
  await hall.waitForFunction(() => !!document.body.dataset.mapReady, null, { timeout: 60_000 });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a hotline case from intake to closure, in two browser contexts', () => {
  let caseNo = '';

  it('the call-taker takes a hotline call: channel, caller, place by map click, class, description', async () => {
    await hall.keyboard.press('n');
    await hall.waitForSelector('[data-testid=intake-form]');
    expect(await hall.inputValue('[data-testid=intake-channel]')).toBe('hotline');
    await hall.fill('[data-testid=intake-name]', '王先生');
    await hall.fill('[data-testid=intake-phone]', '13900000000');
    await hall.selectOption('[data-testid=intake-class]', '0102');
    await hall.click('[data-testid=intake-pick]');
    const box = (await hall.locator('[data-testid=map]').boundingBox())!;
    await hall.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => hall.textContent('[data-testid=intake-cell]')).toMatch(/321202\d{9}/);
    await hall.fill('[data-testid=intake-description]', '人行道上有大量暴露垃圾');
    await hall.screenshot({ path: path.join(ARTIFACTS, 'e2e-intake.png') });
    await hall.keyboard.press('Control+Enter');
    await hall.waitForSelector('[data-testid=case-detail]');
    expect(await status(hall)).toBe('待受理');
    caseNo = (await hall.textContent('[data-testid=case-detail] h3 .mono'))!;
    expect(caseNo).toMatch(/^\d{13}$/);
    // The new case is in the 待受理 queue and on the map.
    await expect.poll(() => hall.textContent('[data-testid=case-list]')).toContain(caseNo);
    const onMap = await hall.evaluate(() => (window.__cityopsMap.getLayers().getArray().at(-1) as MapVectorLayer).getSource()!.getFeatures().length);
    expect(onMap).toBeGreaterThan(0);
  });

  it('accept, register and dispatch without the mouse; the department sees the case arrive live', async () => {
    expect(await dept.textContent('[data-testid=case-list]')).not.toContain(caseNo);
    await hall.keyboard.press('a');
    await expect.poll(() => status(hall)).toBe('待立案');
    await hall.keyboard.press('r');
    await expect.poll(() => status(hall)).toBe('待派遣');
    await hall.keyboard.press('d');
    await hall.waitForSelector('[data-testid=action-form]');
    expect(await hall.inputValue('[data-testid=form-dept]')).toBe('D03'); // routing table: 暴露垃圾 → 环境卫生管理处
    await hall.keyboard.press('Enter');
    await expect.poll(() => status(hall)).toBe('处置中');
    expect(await hall.textContent('[data-testid=case-dept]')).toContain('环境卫生管理处');
    // No reload in the department's browser: the push brings the case into its 处置中 queue.
    await expect.poll(() => dept.textContent('[data-testid=case-list]'), { timeout: 5000 }).toContain(caseNo);
    // List dates carry their year (a case of last December is not one of this one).
    expect(await dept.textContent(`[data-testid=case-row]:has-text("${caseNo}")`)).toMatch(/\b\d{4}-\d\d-\d\d \d\d:\d\d\b/);
  });

  it('the department files its result; the hall sees it move to 待核查 live', async () => {
    await dept.click(`[data-testid=case-row] >> text=${caseNo}`);
    await dept.waitForSelector('[data-testid=case-detail]');
    expect(await status(dept)).toBe('处置中');
    const actions = await dept.textContent('[data-testid=case-actions]');
    expect(actions).toContain('处置反馈');
    expect(actions).not.toContain('结案'); // only the actions this user may take
    await dept.click('[data-testid=act-handle]');
    await dept.fill('[data-testid=form-result]', '已清运完毕，现场已恢复整洁');
    await dept.click('[data-testid=form-submit]');
    await expect.poll(() => status(dept)).toBe('待核查');
    await dept.screenshot({ path: path.join(ARTIFACTS, 'e2e-department.png') });
    await expect.poll(() => status(hall), { timeout: 5000 }).toBe('待核查');
  });

  it('the hall checks and closes; the department sees 已结案 live; the timeline has every step', async () => {
    await hall.keyboard.press('k');
    await hall.waitForSelector('[data-testid=action-form]');
    await hall.click('[data-testid=form-submit]');
    await expect.poll(() => status(hall)).toBe('待结案');
    await hall.keyboard.press('c');
    await expect.poll(() => status(hall)).toBe('已结案');
    await expect.poll(() => status(dept), { timeout: 5000 }).toBe('已结案');
    const timeline = (await hall.textContent('[data-testid=timeline]'))!;
    for (const step of ['登记', '受理', '立案', '派遣', '处置反馈', '核查', '结案']) expect(timeline).toContain(step);
    expect(timeline).toContain('已清运完毕');
    await hall.screenshot({ path: path.join(ARTIFACTS, 'e2e-case-closed.png') });
    expect(errors).toEqual([]);
  });

  it('full-text search finds the case by its Chinese description', async () => {
    await hall.click('[data-testid=queue-all]');
    await hall.fill('[data-testid=case-search]', '暴露垃圾');
    await expect.poll(() => hall.textContent('[data-testid=case-list]')).toContain(caseNo);
    await hall.fill('[data-testid=case-search]', '没有这种描述');
    await expect.poll(() => hall.textContent('[data-testid=case-total]')).toMatch(/共 0 件/);
  });
});
