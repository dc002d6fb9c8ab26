// The desktop window's own origin, app://cityops: the built renderer is served from its folder through a custom
// protocol instead of file:// (a file:// page may read any local file the user can; this origin reaches only the
// renderer's folder). Pure Node (no 'electron' import), so the handler is tested without Electron.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CSP } from '../../shared/csp.ts';

/** The scheme registered as privileged before the app is ready. */
export const APP_SCHEME = 'app';
/** The one host the scheme answers to. */
export const APP_HOST = 'cityops';
/** The page the window loads; the only frame whose IPC calls are trusted. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Privileges of app://: standard (a real origin, so 'self', sessionStorage and relative URLs work), secure (a
 * secure context, like https), fetch allowed for the page's own modules. No CORS, no service workers, no bypass of
 * the CSP. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The Content-Security-Policy of the window, sent as a header (the meta tag in index.html stays as a second line;
 * a header also carries frame-ancestors): the hall server's own (shared/csp.ts). */
export const APP_CSP = CSP;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a served file (module scripts need a JavaScript type: Chromium refuses others). */
export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file under `root` an app:// URL names, or null when it names anything else (another host, a path that
 * leaves the folder by `..`, encoded separators or a NUL, a malformed escape). Symlinks are checked when served. */
export function resolveAppPath(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  // Backslashes are separators on Windows: refuse them everywhere rather than resolve them differently per platform.
  if (rel.includes('\\') || rel.split('/').some((seg) => seg === '..')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  const inside = path.relative(base, file);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

/** The headers every app:// response carries. */
function headers(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
}

/** What protocol.handle gets: the request's URL and method. */
export interface AppRequest {
  url: string;
  method: string;
}

/** Answers one app:// request from the renderer folder: GET/HEAD only, 404 for anything outside it (a symlink
 * pointing out included), the right MIME type and the CSP header. */
export async function serveApp(root: string, req: AppRequest): Promise<Response> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return new Response('method not allowed', { status: 405, headers: headers('text/plain') });
  const notFound = () => new Response('not found', { status: 404, headers: headers('text/plain') });
  const file = resolveAppPath(root, req.url);
  if (!file) return notFound();
  try {
    // Through the fs module object, called when used: in a packaged app the folder is inside app.asar, which Electron
    // serves by patching fs (realpathSync and the callback readFile are the long-standing patched ones).
    const realRoot = fs.realpathSync(root);
    const realFile = fs.realpathSync(file);
    const inside = path.relative(realRoot, realFile);
    if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) return notFound();
    const body = await promisify(fs.readFile)(realFile);
    return new Response(req.method === 'HEAD' ? null : body, { status: 200, headers: headers(mimeType(realFile)) });
  } catch {
    return notFound(); // missing, a folder, unreadable
  }
}

/** True for the app's own page (query and fragment ignored): the only frame allowed to call the core over IPC and
 * the only origin given a permission. */
export function isAppPage(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.pathname === '/index.html';
  } catch {
    return false;
  }
}

/** True for any URL of the app's origin (permission checks name the origin, not the page). */
export function isAppOrigin(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
