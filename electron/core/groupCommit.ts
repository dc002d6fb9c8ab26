// Group commit: writes that arrive together share one transaction and one fsync. Each runs in its own savepoint (a
// refused write leaves no trace) and is answered only after the commit, so an acknowledged write is exactly as
// durable as one committed alone; push events go out after the commit, and in sync replication only once the
// replica has stored it.
import type { PushEvent } from '../../shared/contract/index.ts';
import type { ApiResult } from '../../shared/errors.ts';
import { dropCaches, type App } from './app.ts';
import type { CallContext } from './context.ts';

/** One queued write. */
interface Write {
  method: string;
  raw: unknown;
  ctx: CallContext;
  resolve: (r: ApiResult<unknown>) => void;
}

/** Carries a refused write's result out of its savepoint so the savepoint rolls back. */
class Refused extends Error {
  constructor(readonly result: ApiResult<unknown>) {
    super('refused');
  }
}

/** The queue of writes waiting for the next commit. */
export class GroupCommit {
  private queue: Write[] = [];

  constructor(
    private readonly app: App,
    /** Runs one write synchronously (auth, parse, handler). */
    private readonly run: (method: string, raw: unknown, ctx: CallContext) => ApiResult<unknown>,
    /** Waits for a handler's promised result. */
    private readonly settle: (r: ApiResult<unknown>) => Promise<ApiResult<unknown>>,
  ) {}

  /** Queues a write; resolves with its result after the commit that holds it. */
  submit(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    return new Promise((resolve) => {
      this.queue.push({ method, raw, ctx, resolve });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    const { db, bus } = this.app;
    let results: ApiResult<unknown>[] = [];
    let events: PushEvent[];
    try {
      events = bus.holding(() => {
        db.transaction(() => {
          results = batch.map((w) => {
            try {
              return db.transaction(() => {
                const r = this.run(w.method, w.raw, w.ctx);
                if (!r.ok) throw new Refused(r);
                return r;
              })();
            } catch (e) {
              if (e instanceof Refused) return e.result;
              throw e;
            }
          });
        })();
      });
    } catch (e) {
      // The commit itself failed (disk full, I/O error): none of the batch was written, no event goes out.
      console.error('cityops core: group commit failed:', e);
      results = batch.map(() => ({
        ok: false as const,
        error: { code: 'INTERNAL' as const, message: `the write could not be committed: ${(e as Error).message}` },
      }));
      events = [];
      dropCaches(this.app);
    }
    const rep = this.app.replication.replicator;
    if (rep) {
      rep.notify();
      if (rep.mode === 'sync' && results.some((r) => r.ok)) await rep.waitFor(this.app.changelog.head().seq);
    }
    // Handlers that finish asynchronously (the replication console) are awaited here.
    results = await Promise.all(results.map((r) => this.settle(r)));
    batch.forEach((w, i) => w.resolve(results[i]));
    for (const ev of events) bus.emitNow(ev);
  }
}
