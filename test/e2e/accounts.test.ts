// End to end in Chromium: an administrator resets an operator's password in the users view (shown once), the
// operator logs in with it and meets the forced password change before the workspace, then the administrator
// disables the account. Screenshots in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS } from '../paths.ts';
import { addUsers, passwordOf, smallDbCopy, startServe } from '../helpers.ts';
import { launchChromium, loginPage } from './browser.ts';

let browser: Browser;
let admin: Page;
let url: string;
let stop: () => Promise<void>;
let generated = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = smallDbCopy();
  await addUsers(file, [
    { name: 'boss', role: 'admin' },
    { name: 'op', role: 'operator' },
  ]);
  const server = await startServe(file);
  ({ url, stop } = server);
  browser = await launchChromium();
  admin = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await loginPage(admin, url + '/', 'boss', passwordOf('boss'));
});
afterAll(async () => {
  await browser?.close();
  await stop?.();
});

describe('account lifecycle in the browser', () => {
  it('an administrator resets a password and sees the new one once', async () => {
    await admin.click('[data-testid=open-users]');
    await admin.waitForSelector('[data-testid=account-op]');
    await admin.click('[data-testid=account-op] [data-testid=reset]');
    await admin.fill('[data-testid=confirm-action] input', '忘记密码');
    await admin.click('[data-testid=confirm-ok]');
    await admin.waitForSelector('[data-testid=reset-password]', { timeout: 60_000 });
    generated = (await admin.textContent('[data-testid=reset-password]'))!.trim();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
    await expect.poll(() => admin.textContent('[data-testid=account-op] [data-testid=account-state]')).toBe('待改密码');
    await admin.screenshot({ path: path.join(ARTIFACTS, 'e2e-accounts-reset.png') });
  });

  it('the user must change the generated password before the workspace opens', async () => {
    const op = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await op.goto(url + '/');
    await op.fill('[data-testid=login-name]', 'op');
    await op.fill('[data-testid=login-password]', generated);
    await op.click('[data-testid=login-submit]');
    await op.waitForSelector('[data-testid=forced-password-change]', { timeout: 60_000 });
    await op.fill('[data-testid=pw-current]', generated);
    await op.fill('[data-testid=pw-new]', 'op');
    expect(await op.textContent('[data-testid=forced-password-change] [role=alert]')).toContain('密码长度须为 10–200 个字符');
    await op.fill('[data-testid=pw-new]', '值班员自己的密码2026');
    await op.fill('[data-testid=pw-again]', '值班员自己的密码2026');
    await op.screenshot({ path: path.join(ARTIFACTS, 'e2e-accounts-forced-change.png') });
    await op.click('[data-testid=pw-save]');
    await op.waitForSelector('[data-testid=cases-panel]', { timeout: 60_000 });
    await op.close();
  });

  it('an administrator disables the account', async () => {
    await admin.click('[data-testid=account-op] [data-testid=disable]');
    await admin.click('[data-testid=confirm-ok]');
    await expect.poll(() => admin.textContent('[data-testid=account-op] [data-testid=account-state]')).toBe('已停用');
  });
});
