// Electron main process: windows, menu and wiring only. The core runs in a worker thread (off the UI thread);
// IPC calls are checked for their sender and validated against the contract by the core. The renderer is served
// from app://cityops (appProtocol.ts), never file://.
import { app, BrowserWindow, ipcMain, Menu, protocol, session, shell, dialog } from 'electron';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerCore } from '../core/host/workerCore.ts';
import { registerIpcTransport } from '../core/transport/ipc.ts';
import { PROGRESS_CHANNEL } from '../../shared/channels.ts';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isAppPage, serveApp } from './appProtocol.ts';
import { externalUrl } from './external.ts';
import { guardDevTools, menuTemplate } from './menu.ts';
import { checkPermission, requestPermission } from './permissions.ts';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist-electron/
// In a packaged app dist-electron/ is unpacked beside app.asar (electron-builder.yml): the worker thread and its
// plain fs reads need real files.
const unpacked = here.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
const rendererDir = path.join(here, '..', 'dist', 'renderer');
// The bundled core finds its SQL migrations and data tables beside the bundle.
process.env.CITYOPS_MIGRATIONS_DIR ??= path.join(unpacked, 'migrations');
process.env.CITYOPS_DATA_DIR ??= path.join(unpacked, 'data');
// Packaged: better-sqlite3 was rebuilt for Electron by install-app-deps; name its binary so the worker loads it
// directly. In development `npm start` sets this to the Electron build in .cache/electron-native/.
if (app.isPackaged) {
  process.env.CITYOPS_SQLITE_BINDING ??= path.join(unpacked, '..', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}
// app:// must be privileged before the app is ready (a standard, secure origin for the page and its modules).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

let core: WorkerCore | null = null;
let win: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1600,
    height: 960,
    minWidth: 1100,
    minHeight: 700,
    title: 'CityOps 数字化城管监督指挥中心',
    show: false,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // No DevTools at all in a packaged build (menu.ts also leaves out the menu entry).
      devTools: !app.isPackaged,
    },
  });
  // Navigation and new windows are blocked: the app is one page. External links open in the system browser.
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    const external = externalUrl(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
  w.webContents.on('will-attach-webview', (e) => e.preventDefault());
  guardDevTools(w.webContents, app.isPackaged);
  w.once('ready-to-show', () => w.show());
  void w.loadURL(APP_INDEX_URL);
  return w;
}

function buildMenu(): void {
  const about = () => void dialog.showMessageBox({ message: `CityOps ${app.getVersion()}`, detail: '数字化城管监督指挥中心' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ packaged: app.isPackaged, about })));
}

app.enableSandbox();
app.whenReady().then(async () => {
  // The renderer's files, and nothing else, from app://cityops/ (traversal and other hosts: 404).
  protocol.handle(APP_SCHEME, (request) => serveApp(rendererDir, request));
  // Every permission is denied except what the app uses (permissions.ts): both the prompts and the silent checks.
  session.defaultSession.setPermissionRequestHandler(requestPermission);
  session.defaultSession.setPermissionCheckHandler(checkPermission);
  buildMenu();
  const dbPath = process.env.CITYOPS_DB ?? path.join(app.getPath('userData'), 'cityops.db');
  win = createWindow();
  core = new WorkerCore({
    dbPath,
    seedIfMissing: true,
    seedScale: process.env.CITYOPS_SEED_SCALE ? Number(process.env.CITYOPS_SEED_SCALE) : undefined,
    entry: path.join(unpacked, 'core-worker.mjs'),
    onProgress: (phase, fraction) => win?.webContents.send(PROGRESS_CHANNEL, { phase, fraction }),
  });
  // Push events go to each window through its own session's feed (ipc.ts), not to every window.
  registerIpcTransport({ ipcMain, core, isTrustedUrl: isAppPage });
  try {
    await core.ready;
  } catch (e) {
    dialog.showErrorBox('CityOps', `无法打开数据库 ${dbPath}:\n${(e as Error).message}`);
    app.exit(1);
    return;
  }
  if (core.firstAdmin) {
    // First start: the administrator's password is shown once and kept beside the database for the centre's records.
    const file = path.join(path.dirname(dbPath), 'first-admin.txt');
    writeFileSync(file, `user: ${core.firstAdmin.name}\npassword: ${core.firstAdmin.password}\n`, { mode: 0o600 });
    void dialog.showMessageBox({
      type: 'info',
      title: 'CityOps',
      message: '已创建系统管理员账号 / First administrator created',
      detail: `用户名 user: ${core.firstAdmin.name}\n密码 password: ${core.firstAdmin.password}\n\n已保存到 ${file}。请登录后创建各岗位账号。`,
    });
  }
});

app.on('window-all-closed', async () => {
  await core?.close();
  app.quit();
});
