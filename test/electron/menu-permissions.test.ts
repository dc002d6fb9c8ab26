// The menu, permission and link rules of the desktop window (electron/main/menu.ts, permissions.ts, external.ts): no
// DevTools in a packaged build, no Chromium permission but notifications for the app's own page, and only plain
// http(s) links handed to the system browser.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';
import { guardDevTools, menuTemplate } from '../../electron/main/menu.ts';
import { checkPermission, requestPermission } from '../../electron/main/permissions.ts';
import { externalUrl } from '../../electron/main/external.ts';

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((m) => [m.role ?? '', ...roles(Array.isArray(m.submenu) ? m.submenu : [])]).filter(Boolean) as string[];

describe('menu', () => {
  it('has no DevTools entry in a packaged build', () => {
    expect(roles(menuTemplate({ packaged: true, about: () => {} }))).toEqual(['quit', 'reload', 'togglefullscreen']);
  });
  it('keeps DevTools in development', () => {
    expect(roles(menuTemplate({ packaged: false, about: () => {} }))).toContain('toggleDevTools');
  });
  it('closes DevTools opened in a packaged build, and leaves them in development', () => {
    const closed = { packaged: 0, dev: 0 };
    for (const packaged of [true, false]) {
      const wc = Object.assign(new EventEmitter(), { closeDevTools: () => closed[packaged ? 'packaged' : 'dev']++ });
      guardDevTools(wc, packaged);
      wc.emit('devtools-opened');
    }
    expect(closed).toEqual({ packaged: 1, dev: 0 });
  });
});

describe('permissions', () => {
  const ask = (permission: string, url: string) =>
    new Promise<boolean>((resolve) => requestPermission({ getURL: () => url }, permission, resolve, { requestingUrl: url }));

  it.each(['geolocation', 'media', 'clipboard-read', 'midi', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'pointerLock'])(
    'denies %s to the app itself',
    async (permission) => {
      expect([await ask(permission, 'app://cityops/index.html'), checkPermission(null, permission, 'app://cityops')]).toEqual([false, false]);
    },
  );
  it('grants notifications (alerts) to the app page only', async () => {
    expect(await ask('notifications', 'app://cityops/index.html')).toBe(true);
    expect(checkPermission(null, 'notifications', 'app://cityops')).toBe(true);
    expect(await ask('notifications', 'https://tiles.example/')).toBe(false);
    expect(checkPermission(null, 'notifications', 'file://')).toBe(false);
  });
});

describe('external links', () => {
  it('hands plain http(s) links to the system browser', () => {
    expect(externalUrl('https://photos.example/a.jpg')).toBe('https://photos.example/a.jpg');
  });
  it.each(['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'ms-msdt:/id', 'https://user:pw@evil.example/', 'not a url'])(
    'refuses %s',
    (url) => {
      expect(externalUrl(url)).toBeNull();
    },
  );
});
