// End to end in Chromium: the DR console of a 容灾操作员 on a centre replicating in sync mode to a real replica
// process — status, verify, a restore drill recorded in the history, the warm standby — and the status bar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS } from '../paths.ts';
import { addUsers, passwordOf, smallDbCopy, startServe } from '../helpers.ts';
import { launchChromium, loginPage } from './browser.ts';
import { startReplicaProc, TOKEN } from '../fault/harness.ts';

let browser: Browser;
let page: Page;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = smallDbCopy();
  await addUsers(file, [{ name: 'dr1', role: 'dr_operator' }]);
  const replica = await startReplicaProc(path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-dr-e2e-')), 'replica'));
  stops.push(replica.stop);
  const server = await startServe(file, ['--replica', replica.url, '--replica-token', TOKEN, '--replication', 'sync']);
  stops.push(server.stop);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await loginPage(page, server.url + '/', 'dr1', passwordOf('dr1'));
});
afterAll(async () => {
  await browser?.close();
  for (const s of stops.reverse()) await s();
});

describe('the DR console', () => {
  it('shows the replica connected in sync mode, in the console and the status bar', async () => {
    await expect.poll(() => page.textContent('[data-testid=replication-state]'), { timeout: 15_000 }).toContain('容灾：正常');
    await page.click('[data-testid=open-dr]');
    await page.waitForSelector('[data-testid=dr-console]');
    await expect.poll(() => page.textContent('[data-testid=dr-state]')).toBe('正常');
    expect(await page.textContent('[data-testid=dr-status]')).toContain('同步（RPO=0）');
  });

  it('verifies the replica and runs a restore drill that is recorded as passed', async () => {
    await page.click('[data-testid=dr-verify]');
    await expect.poll(() => page.textContent('[data-testid=dr-verify-result]'), { timeout: 20_000 }).toContain('校验通过');
    await page.click('[data-testid=dr-drill]');
    await expect.poll(() => page.textContent('[data-testid=dr-drills]'), { timeout: 60_000 }).toContain('通过');
    await page.click('text=查看热备库');
    await expect.poll(() => page.textContent('[data-testid=dr-standby]')).toContain('热备库');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dr-console.png') });
  });
});
