// Electron IPC transport, generic over the contract and over a minimal ipcMain shape so it runs (and is tested)
// without Electron. Requests from any frame other than the app's own page are refused.
import { isMethod } from '../../../shared/contract/index.ts';
import type { ApiResult } from '../../../shared/errors.ts';
import type { CoreLike } from '../core.ts';

import { CALL_CHANNEL, EVENT_CHANNEL } from '../../../shared/channels.ts';

export { CALL_CHANNEL, EVENT_CHANNEL };

/** The part of an IpcMainInvokeEvent the transport reads. */
export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}
/** The part of Electron's ipcMain the transport uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
/** A window's webContents, for push events. */
export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

/** Options of the IPC transport. */
export interface IpcOptions {
  ipcMain: IpcMainLike;
  core: CoreLike;
  /** True for the app's own page (e.g. file:// of the bundled index.html or the dev server origin). */
  isTrustedUrl: (url: string) => boolean;
  targets: () => WebContentsLike[];
}

/** Registers the call handler and forwards push events; returns an unregister function. */
export function registerIpcTransport(opts: IpcOptions): () => void {
  opts.ipcMain.handle(CALL_CHANNEL, async (event, method, input, token): Promise<ApiResult<unknown>> => {
    const url = event.senderFrame?.url ?? '';
    if (!opts.isTrustedUrl(url)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC call from an untrusted frame refused' } };
    }
    if (!isMethod(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method: ${String(method).slice(0, 80)}` } };
    }
    return opts.core.invoke(method, input, { actor: 'desktop', via: 'ipc', token: typeof token === 'string' ? token.slice(0, 200) : undefined });
  });
  const off = opts.core.subscribe((ev) => {
    for (const wc of opts.targets()) if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, ev);
  });
  return () => {
    off();
    opts.ipcMain.removeHandler(CALL_CHANNEL);
  };
}
