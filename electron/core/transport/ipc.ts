// Electron IPC transport, generic over the contract and over a minimal ipcMain shape so it runs (and is tested)
// without Electron. Requests from any frame other than the app's own page are refused. Push events reach a window
// only through the feed of the session logged in in that window, the same per-session scoping as the hall server's
// WebSockets (auth/feeds.ts): a department's window sees its own cases' changes, and nothing once its session has
// ended (logout, expiry, a disabled account).
import { isMethod } from '../../../shared/contract/index.ts';
import type { ApiResult } from '../../../shared/errors.ts';
import type { SessionCore } from '../core.ts';

import { CALL_CHANNEL, EVENT_CHANNEL } from '../../../shared/channels.ts';

export { CALL_CHANNEL, EVENT_CHANNEL };

/** A window's webContents: where its push events go. */
export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  /** 'destroyed' ends the window's feed. */
  once?(event: 'destroyed', listener: () => void): unknown;
}
/** The part of an IpcMainInvokeEvent the transport reads. */
export interface IpcEventLike {
  senderFrame?: { url: string } | null;
  /** The calling window (Electron always sets it); without one a call is answered but no feed is bound. */
  sender?: WebContentsLike;
}
/** The part of Electron's ipcMain the transport uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Options of the IPC transport. */
export interface IpcOptions {
  ipcMain: IpcMainLike;
  core: SessionCore;
  /** True for the app's own page (app://cityops/index.html). */
  isTrustedUrl: (url: string) => boolean;
}

/** One window's feed: the session it follows, and how to stop it. */
interface Binding {
  token: string;
  off: () => void;
}

/** Registers the call handler and the per-window feeds; returns an unregister function. */
export function registerIpcTransport(opts: IpcOptions): () => void {
  const bindings = new Map<WebContentsLike, Binding>();
  const watched = new WeakSet<WebContentsLike>();

  const unbind = (wc: WebContentsLike) => {
    const b = bindings.get(wc);
    if (!b) return;
    bindings.delete(wc);
    b.off();
  };
  // The window follows the session it last called with: a login's new token, or the token a reloaded page kept.
  const bind = (wc: WebContentsLike, token: string) => {
    if (bindings.get(wc)?.token === token) return;
    unbind(wc);
    const b: Binding = { token, off: () => {} };
    bindings.set(wc, b);
    b.off = opts.core.subscribeAs(
      token,
      (ev) => {
        if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, ev);
      },
      // The session ended: the window gets nothing more until it logs in again.
      () => {
        if (bindings.get(wc) === b) bindings.delete(wc);
      },
    );
    if (!watched.has(wc)) {
      watched.add(wc);
      wc.once?.('destroyed', () => unbind(wc));
    }
  };
  // What a call says about the window's session.
  const follow = (wc: WebContentsLike, method: string, token: string | undefined, r: ApiResult<unknown>) => {
    if (method === 'auth.login') {
      if (r.ok) bind(wc, (r.result as { token: string }).token);
    } else if (method === 'auth.logout') {
      if (r.ok) unbind(wc);
    } else if (!r.ok && r.error.code === 'UNAUTHENTICATED') {
      if (token !== undefined && bindings.get(wc)?.token === token) unbind(wc);
    } else if (token !== undefined) {
      // A token the core did not refuse (an invalid one on a public method is dropped by the feed itself).
      bind(wc, token);
    }
  };

  opts.ipcMain.handle(CALL_CHANNEL, async (event, method, input, token): Promise<ApiResult<unknown>> => {
    const url = event.senderFrame?.url ?? '';
    if (!opts.isTrustedUrl(url)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC call from an untrusted frame refused' } };
    }
    if (!isMethod(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method: ${String(method).slice(0, 80)}` } };
    }
    const tok = typeof token === 'string' && token ? token.slice(0, 200) : undefined;
    const r = await opts.core.invoke(method, input, { actor: 'desktop', via: 'ipc', token: tok });
    if (event.sender) follow(event.sender, method, tok, r);
    return r;
  });
  return () => {
    for (const wc of [...bindings.keys()]) unbind(wc);
    opts.ipcMain.removeHandler(CALL_CHANNEL);
  };
}
