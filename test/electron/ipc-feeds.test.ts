// Push events per session over the desktop's IPC transport (electron/core/transport/ipc.ts): each window hears only
// what the session logged in in it may see — the same scoping as the hall server's WebSockets (auth/feeds.ts) — and
// nothing once that session has ended. In-process core for the scoping and expiry; the worker-thread core (as in the
// desktop app) for logout and tokens that are no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { EVENT_CHANNEL, registerIpcTransport, type IpcEventLike, type IpcMainLike } from '../../electron/core/transport/ipc.ts';
import type { Core, SessionCore } from '../../electron/core/core.ts';
import { WorkerCore } from '../../electron/core/host/workerCore.ts';
import { addUsers, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import type { ApiResult } from '../../shared/errors.ts';

const PAGE = 'app://cityops/index.html';

/** A window: its webContents, what it heard, and the token its page keeps. */
class FakeWindow extends EventEmitter {
  events: PushEvent[] = [];
  token: string | undefined;
  destroyed = false;
  send(ch: string, ev: PushEvent) {
    if (ch === EVENT_CHANNEL) this.events.push(ev);
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** The actions of the cases.changed events it heard for a case. */
  heard(caseId: number): string[] {
    return this.events.flatMap((e) => (e.type === 'cases.changed' && e.payload.id === caseId ? [e.payload.action] : []));
  }
}

/** Electron's ipcMain as the transport sees it: a call carries the calling frame and its window. */
class FakeIpcMain implements IpcMainLike {
  private handler: ((e: IpcEventLike, ...a: unknown[]) => Promise<unknown>) | null = null;
  handle(_ch: string, fn: (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>) {
    this.handler = fn;
  }
  removeHandler() {
    this.handler = null;
  }
  async call<T>(w: FakeWindow, method: string, input: unknown): Promise<T> {
    const r = (await this.handler!({ senderFrame: { url: PAGE }, sender: w }, method, input, w.token)) as ApiResult<T>;
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }
  async login(w: FakeWindow, name: string): Promise<void> {
    w.token = (await this.call<{ token: string }>(w, 'auth.login', { name, password: passwordOf(name) })).token;
  }
}

/** A core whose feeds are counted (how many are open), around a real one. */
function counted(core: SessionCore): SessionCore & { open: number } {
  const c = {
    open: 0,
    invoke: core.invoke.bind(core),
    subscribe: core.subscribe.bind(core),
    close: core.close.bind(core),
    subscribeAs(token: string, listener: (ev: PushEvent) => void, onEnd: () => void) {
      c.open++;
      let live = true;
      const stop = () => {
        if (live) c.open--;
        live = false;
      };
      const off = core.subscribeAs(token, listener, () => {
        stop();
        onEnd();
      });
      return () => {
        stop();
        off();
      };
    },
  };
  return c;
}
const settle = () => new Promise((r) => setTimeout(r, 150));

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
  { name: 'disp', role: 'dispatcher' },
  { name: 'gis', role: 'gis_editor' },
  { name: 'env', role: 'department', department: 'D03' },
  { name: 'water', role: 'department', department: 'D07' },
];

describe('desktop push per session (in-process core)', () => {
  let now = Date.parse('2026-11-24T09:00:00+08:00');
  let core: Core;
  let feeds: SessionCore & { open: number };
  const ipc = new FakeIpcMain();
  let off: () => void;
  const win: Record<string, FakeWindow> = {};

  beforeAll(async () => {
    const file = smallDbCopy();
    await addUsers(file, USERS);
    core = testCore({ dbPath: file, clock: () => now });
    feeds = counted(core);
    off = registerIpcTransport({ ipcMain: ipc, core: feeds, isTrustedUrl: (u) => u === PAGE });
    for (const u of USERS) {
      win[u.name] = new FakeWindow();
      await ipc.login(win[u.name], u.name);
    }
    win.nobody = new FakeWindow();
  });
  afterAll(() => {
    off?.();
    core?.close();
  });

  /** A new case taken to dispatch to D03 by the hall's windows. */
  async function dispatchedCase(): Promise<number> {
    type C = { id: number; version: number };
    let c = await ipc.call<C>(win.op, 'cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '垃圾' });
    c = await ipc.call<C>(win.op, 'cases.act', { id: c.id, version: c.version, action: 'accept' });
    c = await ipc.call<C>(win.lead, 'cases.act', { id: c.id, version: c.version, action: 'register' });
    c = await ipc.call<C>(win.disp, 'cases.act', { id: c.id, version: c.version, action: 'dispatch', dept: 'D03' });
    await settle();
    return c.id;
  }

  it("a department's window hears of its own cases only; the hall's of every case; a window without a session of none", async () => {
    const id = await dispatchedCase();
    expect(win.gis.heard(id)).toEqual(['intake', 'accept', 'register', 'dispatch']);
    expect(win.env.heard(id)).toEqual(['dispatch']);
    expect(win.water.heard(id)).toEqual([]);
    expect(win.nobody.events).toEqual([]);
  });

  it('a window hears nothing after its logout, and follows the next login in it', async () => {
    await ipc.call(win.gis, 'auth.logout', {});
    win.gis.token = undefined;
    const first = await dispatchedCase();
    expect(win.gis.heard(first)).toEqual([]);
    await ipc.login(win.gis, 'water'); // another user at the same workstation
    const second = await dispatchedCase();
    expect(win.gis.heard(second)).toEqual([]); // D03's case: not water's
    await ipc.login(win.gis, 'gis');
    const third = await dispatchedCase();
    expect(win.gis.heard(third)).toEqual(['intake', 'accept', 'register', 'dispatch']);
  });

  it('a window hears nothing once its session has expired, even before it calls again', async () => {
    now += 13 * 3600_000; // past the 12-hour idle limit
    core.app.feeds.sweep();
    for (const name of ['op', 'lead', 'disp']) await ipc.login(win[name], name);
    const id = await dispatchedCase();
    expect([win.env.heard(id), win.gis.heard(id)]).toEqual([[], []]);
  });

  it("a closed window's feed is removed", async () => {
    const w = new FakeWindow();
    await ipc.login(w, 'lead');
    const open = feeds.open;
    w.destroyed = true;
    w.emit('destroyed');
    expect(feeds.open).toBe(open - 1);
  });
});

describe('desktop push per session (worker-thread core, as in the app)', () => {
  let core: WorkerCore;
  let feeds: SessionCore & { open: number };
  const ipc = new FakeIpcMain();
  let off: () => void;

  beforeAll(async () => {
    const file = smallDbCopy();
    await addUsers(file, [{ name: 'boss', role: 'admin' }]);
    core = new WorkerCore({ dbPath: file });
    await core.ready;
    feeds = counted(core);
    off = registerIpcTransport({ ipcMain: ipc, core: feeds, isTrustedUrl: (u) => u === PAGE });
  });
  afterAll(async () => {
    off?.();
    await core?.close();
  });

  it("pushes to the logged-in window through the worker's feed, and ends the feed at logout", async () => {
    const w = new FakeWindow();
    await ipc.login(w, 'boss');
    await ipc.call(w, 'settings.set', { baseLayer: { kind: 'none', opacity: 1 } });
    await settle();
    expect(w.events.map((e) => e.type)).toContain('settings.changed');
    await ipc.call(w, 'auth.logout', {});
    await settle();
    expect(feeds.open).toBe(0);
    const other = new FakeWindow();
    await ipc.login(other, 'boss');
    const before = w.events.length;
    await ipc.call(other, 'settings.set', { baseLayer: { kind: 'none', opacity: 0.5 } });
    await settle();
    expect(w.events.length).toBe(before);
    expect(other.events.map((e) => e.type)).toContain('settings.changed');
  });

  it('ends at once a feed for a token that is no session', async () => {
    let ended = false;
    const stop = core.subscribeAs(
      'not-a-session-token',
      () => {},
      () => (ended = true),
    );
    await settle();
    stop();
    expect(ended).toBe(true);
  });
});
