// A stand-in for the parts of Electron's main-process API that electron/main/main.ts uses. It records what main asks
// of Electron, then plays one scenario through the registered IPC handler and prints a JSON report on stdout.
// This checks CityOps' wiring (paths, bundle, worker core, transport, security settings); it does not test Electron.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

const handlers = new Map();
const windows = [];
const appEvents = new EventEmitter();
const report = { calls: [] };
let permissionHandler = null;

export const app = {
  isPackaged: false,
  enableSandbox: () => report.calls.push('enableSandbox'),
  whenReady: () => Promise.resolve(),
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
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => (report.menu = m.map((x) => x.label)) };
export const session = { defaultSession: { setPermissionRequestHandler: (fn) => (permissionHandler = fn) } };
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
  send(ch, payload) {
    this.sent.push([ch, payload]);
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
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
  loadFile(file) {
    this.loaded = file;
    return Promise.resolve();
  }
  show() {}
}

async function scenario() {
  for (let i = 0; i < 200 && !handlers.has('cityops:call'); i++) await new Promise((r) => setTimeout(r, 25));
  const call = handlers.get('cityops:call');
  const win = windows[0];
  const trusted = { senderFrame: { url: pathToFileURL(win.loaded).href } };
  report.webPreferences = win.opts.webPreferences;
  report.preloadExists = existsSync(win.opts.webPreferences.preload);
  report.rendererExists = existsSync(win.loaded);
  // First start on a database without accounts: the administrator's password is shown once; log in with it.
  for (let i = 0; i < 200 && !report.messageBoxes; i++) await new Promise((r) => setTimeout(r, 25));
  const password = /password: (\S+)/.exec(report.messageBoxes?.[0] ?? '')?.[1];
  report.anonymous = await call(trusted, 'app.info', {});
  const login = await call(trusted, 'auth.login', { name: 'admin', password });
  report.login = { ok: login.ok, role: login.result?.user?.role };
  const token = login.result?.token;
  report.info = await call(trusted, 'app.info', {}, token);
  report.badInput = await call(trusted, 'grid.locate', { lon: 'east', lat: 1 }, token);
  report.untrusted = await call({ senderFrame: { url: 'https://evil.example/' } }, 'app.info', {});
  let prevented = false;
  win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
  report.navigationBlocked = prevented;
  report.windowOpen = win.webContents.openHandler({ url: 'https://example.invalid/' });
  permissionHandler?.(win.webContents, 'geolocation', (granted) => (report.permissionGranted = granted));
  await call(trusted, 'settings.set', { baseLayer: { kind: 'none', opacity: 1 } }, token);
  await new Promise((r) => setTimeout(r, 100));
  report.pushed = win.webContents.sent.map(([ch, ev]) => `${ch} ${ev.type}`);
  for (const fn of appEvents.listeners('window-all-closed')) await fn();
  finish();
}
function finish() {
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  process.exit(0);
}
setTimeout(() => void scenario(), 0);
export default { app, ipcMain, Menu, session, shell, dialog, BrowserWindow };
