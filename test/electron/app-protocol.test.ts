// app://cityops, the desktop window's origin (electron/main/appProtocol.ts): only files of the renderer folder, with
// their MIME types and the CSP header; nothing outside it whatever the URL says; the same CSP as the hall server.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import { APP_CSP, isAppOrigin, isAppPage, mimeType, resolveAppPath, serveApp } from '../../electron/main/appProtocol.ts';

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'cityops-app-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(root, 'assets', 'main-1.js'), 'export {};');
  writeFileSync(path.join(root, 'assets', 'main-1.css'), 'body{}');
  writeFileSync(path.join(base, 'secret.txt'), 'not for the page');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});
const get = (url: string, method = 'GET') => serveApp(root, { url, method });

describe('app:// protocol', () => {
  it('serves the page with the CSP header and nosniff', async () => {
    const res = await get('app://cityops/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves modules and styles with the types Chromium requires', async () => {
    expect((await get('app://cityops/assets/main-1.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://cityops/assets/main-1.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(mimeType('x.wasm')).toBe('application/wasm');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
  });

  it('answers the root with the page', async () => {
    expect(await (await get('app://cityops/')).text()).toContain('<div id="root">');
  });

  it.each([
    'app://cityops/..%2fsecret.txt',
    'app://cityops/assets/..%2f..%2fsecret.txt',
    'app://cityops/%2e%2e%2fsecret.txt',
    'app://cityops/assets/..%5C..%5Csecret.txt',
    'app://cityops/index.html%00.js',
    'app://cityops/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
  ])('refuses %s (nothing outside the folder, no other host)', async (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
    expect((await get(url)).status).toBe(404);
  });

  it('refuses a symlink that leads out of the folder', async () => {
    expect(resolveAppPath(root, 'app://cityops/assets/link.txt')).not.toBeNull(); // the name is inside…
    expect((await get('app://cityops/assets/link.txt')).status).toBe(404); // …the file it leads to is not
  });

  it('answers 404 for a missing file or a folder, 405 for anything but GET and HEAD', async () => {
    expect((await get('app://cityops/nope.js')).status).toBe(404);
    expect((await get('app://cityops/assets')).status).toBe(404);
    expect((await get('app://cityops/index.html', 'POST')).status).toBe(405);
    const head = await get('app://cityops/index.html', 'HEAD');
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('trusts only the app page for IPC, and only the app origin for permissions', () => {
    expect(isAppPage('app://cityops/index.html#/cases?x=1')).toBe(true);
    expect(isAppPage('app://cityops/bench/naive.html')).toBe(false);
    expect(isAppPage('app://cityops.evil.example/index.html')).toBe(false);
    expect(isAppPage('file:///opt/CityOps/resources/app.asar/dist/renderer/index.html')).toBe(false);
    expect(isAppOrigin('app://cityops')).toBe(true);
    expect(isAppOrigin('https://cityops')).toBe(false);
  });

  it('the page’s own CSP meta tag says what the header says (frame-ancestors works only as a header)', () => {
    const html = readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(APP_CSP.replace("; frame-ancestors 'none'", ''));
  });
});
