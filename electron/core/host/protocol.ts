// Messages between the core worker thread and its host (the Electron main process, or tests).
import type { ApiResult } from '../../../shared/errors.ts';
import type { PushEvent } from '../../../shared/contract/index.ts';
import type { CallContext } from '../context.ts';

/** Host → worker. `feed` opens a session's scoped event feed (auth/feeds.ts) under the host's number for it;
 * `unfeed` closes it. `events` turns the unscoped stream of every event on or off (off until a host listens: the
 * desktop window uses feeds, and a large commit's event need not cross the thread twice). */
export type ToWorker =
  | { kind: 'call'; id: number; method: string; input: unknown; ctx: CallContext }
  | { kind: 'feed'; feed: number; token: string }
  | { kind: 'unfeed'; feed: number }
  | { kind: 'events'; on: boolean }
  | { kind: 'close' };
/** Worker → host. */
export type FromWorker =
  | { kind: 'ready'; info: unknown; firstAdmin?: { name: string; password: string } | null }
  | { kind: 'failed'; message: string }
  | { kind: 'progress'; phase: string; fraction: number }
  | { kind: 'result'; id: number; result: ApiResult<unknown> }
  | { kind: 'event'; event: PushEvent }
  | { kind: 'feedEvent'; feed: number; event: PushEvent }
  | { kind: 'feedEnded'; feed: number }
  | { kind: 'closed' };

/** Data the worker starts with. */
export interface WorkerInit {
  dbPath: string;
  /** Seed the sample city first when the database does not exist (desktop first run). */
  seedIfMissing?: boolean;
  seedScale?: number;
}
