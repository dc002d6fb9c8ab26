// A stand-in for the parts of Electron's main-process API that electron/main/main.ts uses. It records what main asks
// of Electron, then plays one scenario through the registered app:// handler, IPC handler and session handlers and
// prints a JSON report on stdout. CITYOPS_FAKE_PACKAGED=1 plays a packaged build (app.isPackaged).
// This checks CityOps' wiring (paths, bundle, worker core, transport, security settings); it does not test Electron.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const handlers = new Map();
const windows = [];
const appEvents = new EventEmitter();
const report = { calls: [] };
const permission = { request: null, check: null };
const schemes = new Map();

export const app = {
  isPackaged: process.env.CITYOPS_FAKE_PACKAGED === '1',
  enableSandbox: () => report.calls.push('enableSandbox'),
  // 'ready' comes after the main module has run its top level (as in Electron).
  whenReady: () =>
    Promise.resolve().then(() => {
      report.readyRan = true;
    }),
  on: (ev, fn) => appEvents.on(ev, fn),
  getPath: () => os.tmpdir(),
  getVersion: () => '0.0.0-test',
  exit: (code) => {
    report.exit = code;
    finish();
  },
  quit: () => {},
};
export const ipcMain = { handle: (ch, fn) => handlers.set(ch, fn), removeHandler: (ch) => handlers.delete(ch) };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => (report.menu = m) };
export const protocol = {
  registerSchemesAsPrivileged: (list) => {
    // Electron requires this before 'ready': record whether whenReady's callbacks had run.
    report.privileged = { list, beforeReady: !report.readyRan };
  },
  handle: (scheme, fn) => schemes.set(scheme, fn),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn) => (permission.request = fn),
    setPermissionCheckHandler: (fn) => (permission.check = fn),
  },
};
export const shell = { openExternal: async (url) => report.calls.push(`openExternal ${url}`) };
export const dialog = {
  showErrorBox: (t, m) => (report.error = m),
  showMessageBox: async (opts) => {
    report.messageBoxes = [...(report.messageBoxes ?? []), opts.detail ?? opts.message];
    return {};
  },
};

class WebContents extends EventEmitter {
  sent = [];
  openHandler = null;
  devToolsClosed = 0;
  destroyed = false;
  send(ch, payload) {
    this.sent.push([ch, payload]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  closeDevTools() {
    this.devToolsClosed++;
  }
  getURL() {
    return this.url ?? '';
  }
}
export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return windows;
  }
  constructor(opts) {
    super();
    this.opts = opts;
    this.webContents = new WebContents();
    windows.push(this);
  }
  loadURL(url) {
    this.loaded = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  loadFile(file) {
    this.loadedFile = file;
    return Promise.resolve();
  }
  show() {}
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** One app:// request through main's handler: status, headers and (for text) the body. */
async function get(url) {
  const res = await schemes.get('app')(new Request(url));
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, csp: res.headers.get('content-security-policy'), body: type.startsWith('text/html') ? await res.text() : null };
}

async function scenario() {
  for (let i = 0; i < 200 && !handlers.has('cityops:call'); i++) await wait(25);
  const call = handlers.get('cityops:call');
  const win = windows[0];
  const wc = win.webContents;
  const from = (w) => ({ senderFrame: { url: w.loaded ?? 'app://cityops/index.html' }, sender: w.webContents });
  report.webPreferences = win.opts.webPreferences;
  report.preloadExists = (() => {
    try {
      return readFileSync(win.opts.webPreferences.preload).length > 0;
    } catch {
      return false;
    }
  })();
  report.loaded = win.loaded ?? `file:${win.loadedFile}`;
  // The renderer through app://: the page, one of its module scripts, and what must not be reachable.
  report.index = await get(win.loaded);
  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(report.index.body ?? '')?.[1];
  report.script = script ? await get(`app://cityops/${script}`) : null;
  report.traversal = await Promise.all(
    ['app://cityops/..%2f..%2fpackage.json', 'app://cityops/%2e%2e/%2e%2e/package.json', 'app://cityops/assets/..%5C..%5C..%5Cpackage.json'].map(get),
  );
  report.otherHost = await get('app://elsewhere/index.html');
  // First start on a database without accounts: the administrator's password is shown once; log in with it.
  for (let i = 0; i < 2400 && !report.messageBoxes; i++) await wait(25);
  const generated = /password: (\S+)/.exec(report.messageBoxes?.[0] ?? '')?.[1];
  report.anonymous = await call(from(win), 'app.info', {});
  const login = await call(from(win), 'auth.login', { name: 'admin', password: generated });
  report.login = { ok: login.ok, role: login.result?.user?.role, error: login.error?.code };
  const token = login.result?.token;
  // The generated password must be changed before anything else answers (or is pushed).
  let password = generated;
  if (login.result?.mustChangePassword) {
    password = `${generated}-changed`;
    report.passwordChanged = await call(from(win), 'auth.changePassword', { current: generated, password }, token);
  }
  report.info = await call(from(win), 'app.info', {}, token);
  report.badInput = await call(from(win), 'grid.locate', { lon: 'east', lat: 1 }, token);
  report.untrusted = await call({ senderFrame: { url: 'https://evil.example/' }, sender: wc }, 'app.info', {}, token);
  report.fileUrl = await call({ senderFrame: { url: `file://${path.resolve('dist/renderer/index.html')}` }, sender: wc }, 'app.info', {}, token);
  let prevented = false;
  wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
  report.navigationBlocked = prevented;
  report.windowOpen = wc.openHandler({ url: 'https://example.invalid/' });
  // Permissions: the prompt and the silent check, for the app's origin and for any other.
  const ask = (perm, url) => new Promise((r) => permission.request?.({ getURL: () => url }, perm, r, { requestingUrl: url }));
  report.permissions = {
    geolocation: await ask('geolocation', win.loaded),
    media: await ask('media', win.loaded),
    notifications: await ask('notifications', win.loaded),
    notificationsElsewhere: await ask('notifications', 'https://evil.example/'),
    checkGeolocation: permission.check?.(wc, 'geolocation', 'app://cityops') ?? null,
    checkNotifications: permission.check?.(wc, 'notifications', 'app://cityops') ?? null,
    checkClipboard: permission.check?.(wc, 'clipboard-read', 'app://cityops') ?? null,
  };
  wc.emit('devtools-opened');
  report.devToolsClosed = wc.devToolsClosed;
  // Push per window: the logged-in window hears a change, a second window without a session hears nothing; after
  // logout the first window hears nothing more.
  const other = new BrowserWindow({});
  other.loadURL('app://cityops/index.html');
  const events = (w) => w.webContents.sent.filter(([ch]) => ch === 'cityops:event').map(([, ev]) => ev.type);
  report.set = await call(from(win), 'settings.set', { baseLayer: { kind: 'none', opacity: 1 } }, token);
  await wait(150);
  report.pushed = events(win);
  report.pushedToOther = events(other);
  await call(from(win), 'auth.logout', {}, token);
  const again = await call(from(other), 'auth.login', { name: 'admin', password });
  await call(from(other), 'settings.set', { baseLayer: { kind: 'none', opacity: 0.5 } }, again.result?.token);
  await wait(150);
  report.pushedAfterLogout = events(win);
  report.pushedToOtherAfterLogin = events(other);
  for (const fn of appEvents.listeners('window-all-closed')) await fn();
  finish();
}
function finish() {
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  process.exit(0);
}
setTimeout(() => void scenario(), 0);
export default { app, ipcMain, Menu, protocol, session, shell, dialog, BrowserWindow };
