// The host side of the core worker: a SessionCore whose calls and session feeds run in a worker thread.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from '../../../shared/errors.ts';
import type { PushEvent } from '../../../shared/contract/index.ts';
import type { SessionCore } from '../core.ts';
import type { CallContext } from '../context.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** Options for starting the worker. */
export interface WorkerCoreOptions extends WorkerInit {
  /** Path of the worker entry; defaults to worker-dev.mjs beside this file (runs worker.ts through tsx). */
  entry?: string;
  onProgress?: (phase: string, fraction: number) => void;
}

/** One session feed as the host holds it. */
interface HostFeed {
  listener: (ev: PushEvent) => void;
  onEnd: () => void;
}

/** A core running in a worker thread. */
export class WorkerCore implements SessionCore {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResult<unknown>) => void>();
  private readonly listeners = new Set<(ev: PushEvent) => void>();
  private nextFeed = 1;
  private readonly feeds = new Map<number, HostFeed>();
  readonly ready: Promise<unknown>;
  /** Set on the desktop's first start: the administrator account created with a random password. */
  firstAdmin: { name: string; password: string } | null = null;

  constructor(opts: WorkerCoreOptions) {
    const entry = opts.entry ?? fileURLToPath(new URL('./worker-dev.mjs', import.meta.url));
    const init: WorkerInit = { dbPath: opts.dbPath, seedIfMissing: opts.seedIfMissing, seedScale: opts.seedScale };
    this.worker = new Worker(entry, { workerData: init });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromWorker) => {
        switch (m.kind) {
          case 'ready':
            this.firstAdmin = m.firstAdmin ?? null;
            resolve(m.info);
            break;
          case 'failed':
            reject(new Error(m.message));
            break;
          case 'progress':
            opts.onProgress?.(m.phase, m.fraction);
            break;
          case 'result':
            this.pending.get(m.id)?.(m.result);
            this.pending.delete(m.id);
            break;
          case 'event':
            for (const l of this.listeners) l(m.event);
            break;
          case 'feedEvent':
            this.feeds.get(m.feed)?.listener(m.event);
            break;
          case 'feedEnded':
            this.endFeed(m.feed);
            break;
        }
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => {
        const err = { ok: false as const, error: { code: 'INTERNAL' as const, message: `core worker exited (${code})` } };
        for (const r of this.pending.values()) r(err);
        this.pending.clear();
        for (const id of [...this.feeds.keys()]) this.endFeed(id);
        reject(new Error(`core worker exited with code ${code}`));
      });
    });
    this.ready.catch(() => {}); // callers see the failure through invoke(); avoid an unhandled rejection
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  async invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ kind: 'call', id, method, input: raw, ctx });
    });
  }

  /** Every event, unscoped (tools and tests; the desktop window uses subscribeAs). */
  subscribe(listener: (ev: PushEvent) => void): () => void {
    if (this.listeners.size === 0) this.post({ kind: 'events', on: true });
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.post({ kind: 'events', on: false });
    };
  }

  /** The events a session's user may see, scoped in the worker by the same feeds as the hall server's WebSockets;
   * `onEnd` once when the session ends (logout, expiry, a disabled account) or was never valid. */
  subscribeAs(token: string, listener: (ev: PushEvent) => void, onEnd: () => void): () => void {
    const feed = this.nextFeed++;
    this.feeds.set(feed, { listener, onEnd });
    this.post({ kind: 'feed', feed, token });
    return () => {
      if (this.feeds.delete(feed)) this.post({ kind: 'unfeed', feed });
    };
  }

  private endFeed(feed: number): void {
    const f = this.feeds.get(feed);
    if (!f) return;
    this.feeds.delete(feed);
    f.onEnd();
  }

  async close(): Promise<void> {
    this.post({ kind: 'close' });
    await new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
  }
}
