// The application menu and the DevTools rule. A packaged build has no DevTools entry (nor its Ctrl+Shift+I
// accelerator, which comes with the menu role): the renderer holds a logged-in session, and DevTools would let
// anyone at the workstation drive the bridge by hand. Development keeps it.
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu needs from main. */
export interface MenuOptions {
  /** app.isPackaged. */
  packaged: boolean;
  /** Shows the About box. */
  about: () => void;
}

/** The menu template: 文件 (quit), 视图 (reload, full screen, DevTools in development only), 帮助 (about). */
export function menuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload', label: '重新加载' },
    { role: 'togglefullscreen', label: '全屏' },
  ];
  if (!opts.packaged) view.push({ role: 'toggleDevTools', label: '开发者工具' });
  return [
    { label: '文件', submenu: [{ role: 'quit', label: '退出' }] },
    { label: '视图', submenu: view },
    { label: '帮助', submenu: [{ label: '关于 CityOps', click: () => opts.about() }] },
  ];
}

/** The part of a webContents the DevTools guard uses. */
export interface DevToolsHost {
  on(event: 'devtools-opened', listener: () => void): unknown;
  closeDevTools(): void;
}

/** In a packaged build, DevTools opened by any other way (a debugging switch, an accelerator Chromium still knows)
 * are closed at once. */
export function guardDevTools(wc: DevToolsHost, packaged: boolean): void {
  if (packaged) wc.on('devtools-opened', () => wc.closeDevTools());
}
