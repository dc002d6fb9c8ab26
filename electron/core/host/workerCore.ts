// The host side of the core worker: a CoreLike whose calls run in a worker thread.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from '../../../shared/errors.ts';
import type { PushEvent } from '../../../shared/contract/index.ts';
import type { CoreLike } from '../core.ts';
import type { CallContext } from '../context.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** Options for starting the worker. */
export interface WorkerCoreOptions extends WorkerInit {
  /** Path of the worker entry; defaults to worker-dev.mjs beside this file (runs worker.ts through tsx). */
  entry?: string;
  onProgress?: (phase: string, fraction: number) => void;
}

/** A core running in a worker thread. */
export class WorkerCore implements CoreLike {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResult<unknown>) => void>();
  private readonly listeners = new Set<(ev: PushEvent) => void>();
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
        }
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => {
        const err = { ok: false as const, error: { code: 'INTERNAL' as const, message: `core worker exited (${code})` } };
        for (const r of this.pending.values()) r(err);
        this.pending.clear();
        reject(new Error(`core worker exited with code ${code}`));
      });
    });
    this.ready.catch(() => {}); // callers see the failure through invoke(); avoid an unhandled rejection
  }

  async invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ kind: 'call', id, method, input: raw, ctx } satisfies ToWorker);
    });
  }

  subscribe(listener: (ev: PushEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.worker.postMessage({ kind: 'close' } satisfies ToWorker);
    await new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
  }
}
