// The core: the only writer of the centre's database. It opens the App (app.ts), combines the domains' handler
// tables, and runs every call through the same path: who is calling, what they sent, the handler — reads at once,
// writes through the group commit. It never imports 'electron': the desktop app hosts it in a worker thread,
// `cityops serve` in-process.
import type { PushEvent } from '../../shared/contract/index.ts';
import { contract, type MethodName } from '../../shared/contract/index.ts';
import type { ApiResult } from '../../shared/errors.ts';
import type { AppInfo } from '../../shared/model.ts';
import { openApp, type App, type CoreOptions } from './app.ts';
import type { CallContext } from './context.ts';
import { GroupCommit } from './groupCommit.ts';
import { combineHandlers, type Handlers } from './handlers.ts';
import { invokeSync, settle } from './invoke.ts';
import { startAlertTimers, type TimerOptions } from './alerts/timers.ts';
import type { ReplicationTarget } from './replication/manager.ts';
import type { Replicator } from './replication/replicator.ts';
import { appHandlers } from './meta/handlers.ts';
import { catalogHandlers } from './catalog/handlers.ts';
import { searchHandlers } from './search/handlers.ts';
import { settingsHandlers } from './settings/handlers.ts';
import { gridHandlers } from './grid/handlers.ts';
import { componentHandlers } from './components/handlers.ts';
import { editingHandlers } from './editing/handlers.ts';
import { gisHandlers } from './gis/handlers.ts';
import { authHandlers } from './auth/handlers.ts';
import { caseHandlers } from './cases/handlers.ts';
import { alertHandlers } from './alerts/handlers.ts';
import { open311Handlers } from './open311/handlers.ts';
import { replicationHandlers } from './replication/handlers.ts';

export type { CoreOptions } from './app.ts';
export { CITYOPS_VERSION } from './meta/service.ts';

/** What a transport needs from a core, wherever it runs (in-process or in a worker). */
export interface CoreLike {
  invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>>;
  /** Every event (the desktop window, which shows only what its user's calls return). */
  subscribe(listener: (ev: PushEvent) => void): () => void;
  close(): Promise<void> | void;
}

/** A core that also serves per-session feeds (the hall server's WebSockets). */
export interface SessionCore extends CoreLike {
  /** The events a session's user may see; `onEnd` when the session ends (logout, expiry, a disabled account). */
  subscribeAs(token: string, listener: (ev: PushEvent) => void, onEnd: () => void): () => void;
}

/** The in-process core. */
export class Core implements SessionCore {
  /** Every service of the open centre. */
  readonly app: App;
  private readonly handlers: Handlers;
  private readonly writes: GroupCommit;
  private stopTimers: (() => void) | null = null;

  constructor(opts: CoreOptions) {
    this.app = openApp(opts);
    const app = this.app;
    this.handlers = combineHandlers(
      appHandlers(app),
      catalogHandlers(app),
      searchHandlers(app),
      settingsHandlers(app),
      gridHandlers(app),
      componentHandlers(app),
      editingHandlers(app),
      gisHandlers(app),
      authHandlers(app),
      caseHandlers(app),
      alertHandlers(app),
      open311Handlers(app),
      replicationHandlers(app),
    );
    this.writes = new GroupCommit(app, (m, raw, ctx) => this.invokeSync(m, raw, ctx), settle);
  }

  /** Runs a call: reads at once, writes through the group commit. Errors come back as data. */
  async invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    const def = contract[method as MethodName];
    if (def?.write) return this.writes.submit(method, raw, ctx);
    const r = await settle(this.invokeSync(method, raw, ctx));
    // A write in its own transaction is acknowledged, like the group commit's, after sync replication has it.
    const rep = this.app.replication.replicator;
    if (def?.ownTransaction && rep) {
      rep.notify();
      if (rep.mode === 'sync' && r.ok) await rep.waitFor(this.app.changelog.head().seq);
    }
    return r;
  }

  /** One call run synchronously: reads from invoke, writes from inside the group commit's transaction. */
  private invokeSync(method: string, raw: unknown, ctx: CallContext): ApiResult<unknown> {
    return invokeSync(this.app, this.handlers, method, raw, ctx);
  }

  subscribe(listener: (ev: PushEvent) => void): () => void {
    return this.app.bus.subscribe(listener);
  }

  subscribeAs(token: string, listener: (ev: PushEvent) => void, onEnd: () => void): () => void {
    return this.app.feeds.add(token, listener, onEnd);
  }

  /** Counts and facts of the open centre. */
  info(): AppInfo {
    return this.app.meta.info();
  }

  /** Builds the in-memory indexes (component render cache, cell locator) so the first map load does not wait. */
  warmUp(): void {
    this.app.components.renderCache.warm();
    this.app.grid.cellLocator();
  }

  /** Starts the periodic work: the overdue sweep and SMS delivery. */
  startTimers(opts: TimerOptions = {}): void {
    this.stopTimers?.();
    this.stopTimers = startAlertTimers(this.app, opts);
  }

  /** The shipper, when off-site replication is on. */
  get replicator(): Replicator | null {
    return this.app.replication.replicator;
  }

  /** Starts shipping the change log to a replica. */
  startReplication(cfg: ReplicationTarget): Replicator {
    return this.app.replication.start(cfg);
  }

  /** Starts replication from the stored configuration, if any. */
  startReplicationFromSettings(): void {
    this.app.replication.startFromSettings();
  }

  async stopReplication(): Promise<void> {
    await this.app.replication.stop();
  }

  close(): void {
    void this.app.replication.stop();
    this.stopTimers?.();
    this.stopTimers = null;
    this.app.feeds.close();
    this.app.bus.clear();
    this.app.uploads.close();
    this.app.db.close();
  }
}
