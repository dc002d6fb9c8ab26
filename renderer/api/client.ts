// The renderer's only way to the core: the Electron bridge (window.cityops) when present, HTTP + WebSocket otherwise.
// Both are typed by the one contract in shared/.
import type { InputOf, MethodName, PushEvent, ResultOf } from '../../shared/contract/index.ts';
import { contract } from '../../shared/contract/index.ts';
import type { ApiErrorData, ApiResult } from '../../shared/errors.ts';

/** What the preload exposes on window.cityops. */
export interface Bridge {
  call(method: string, input: unknown, token?: string): Promise<ApiResult<unknown>>;
  subscribe(listener: (ev: PushEvent) => void): () => void;
  onProgress(listener: (p: { phase: string; fraction: number }) => void): () => void;
}
declare global {
  interface Window {
    cityops?: Bridge;
  }
}

/** An error returned by the core, with its code and the field it names. */
export class CoreError extends Error {
  constructor(readonly data: ApiErrorData) {
    super(data.message);
  }
}

/** Which transport is in use. */
export const transportKind: 'ipc' | 'http' = typeof window !== 'undefined' && window.cityops ? 'ipc' : 'http';

// The session token lives for the browser tab (sessionStorage): a reload keeps the login, a new tab asks again.
const TOKEN_KEY = 'cityops.token';
let token: string | null = typeof sessionStorage !== 'undefined' ? sessionStorage.getItem(TOKEN_KEY) : null;
const sessionListeners = new Set<(loggedIn: boolean) => void>();

/** The current session token, if logged in. */
export function sessionToken(): string | null {
  return token;
}
/** Sets (or clears) the session token and tells the listeners. */
export function setSessionToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
  for (const l of sessionListeners) l(!!t);
  // The push socket carries the token: reconnect with the new one (onclose reopens it).
  if (socket) socket.close();
  else if (t && listeners.size) openSocket();
}
/** Watches login state (a call answered UNAUTHENTICATED logs out). */
export function onSession(fn: (loggedIn: boolean) => void): () => void {
  sessionListeners.add(fn);
  return () => sessionListeners.delete(fn);
}

/** Calls one contract method; rejects with CoreError on an error result. */
export async function call<M extends MethodName>(method: M, input: InputOf<M>): Promise<ResultOf<M>> {
  let r: ApiResult<ResultOf<M>>;
  if (window.cityops) {
    r = (await window.cityops.call(method, input, token ?? undefined)) as ApiResult<ResultOf<M>>;
  } else {
    const res = await fetch(`api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input ?? {}),
    });
    if (contract[method].binary && res.ok) return new Uint8Array(await res.arrayBuffer()) as ResultOf<M>;
    r = (await res.json()) as ApiResult<ResultOf<M>>;
  }
  if (!r.ok) {
    if (r.error.code === 'UNAUTHENTICATED' && method !== 'auth.login' && token) setSessionToken(null);
    throw new CoreError(r.error);
  }
  return r.result;
}

type Listener = (ev: PushEvent) => void;
const listeners = new Set<Listener>();
let socket: WebSocket | null = null;
let connected = false;
const connListeners = new Set<(up: boolean) => void>();

function setConnected(up: boolean) {
  connected = up;
  for (const l of connListeners) l(up);
}

function openSocket(): void {
  if (!token) return; // opened again on login
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  const openedWith = token;
  socket = new WebSocket(url);
  socket.onopen = () => setConnected(true);
  socket.onmessage = (m) => {
    const ev = JSON.parse(String(m.data)) as PushEvent;
    for (const l of listeners) l(ev);
  };
  socket.onclose = (e) => {
    setConnected(false);
    socket = null;
    // 4401: the session this socket was opened with ended (logout elsewhere, expiry, a disabled account): back to
    // the login screen — unless the tab has logged in again meanwhile.
    if (e.code === 4401 && token && token === openedWith) return setSessionToken(null);
    setTimeout(() => listeners.size && !socket && openSocket(), 1000); // reconnect while anyone listens
  };
}

/** Subscribes to push events from the core. */
export function subscribe(listener: Listener): () => void {
  if (window.cityops) return window.cityops.subscribe(listener);
  listeners.add(listener);
  if (!socket) openSocket();
  return () => listeners.delete(listener);
}

/** Watches the push connection (always up over IPC). */
export function onConnection(fn: (up: boolean) => void): () => void {
  if (window.cityops) {
    fn(true);
    return () => {};
  }
  connListeners.add(fn);
  fn(connected);
  return () => connListeners.delete(fn);
}
