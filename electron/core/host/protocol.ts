// Messages between the core worker thread and its host (the Electron main process, or tests).
import type { ApiResult } from '../../../shared/errors.ts';
import type { PushEvent } from '../../../shared/contract/index.ts';
import type { CallContext } from '../context.ts';

/** Host → worker. */
export type ToWorker = { kind: 'call'; id: number; method: string; input: unknown; ctx: CallContext } | { kind: 'close' };
/** Worker → host. */
export type FromWorker =
  | { kind: 'ready'; info: unknown; firstAdmin?: { name: string; password: string } | null }
  | { kind: 'failed'; message: string }
  | { kind: 'progress'; phase: string; fraction: number }
  | { kind: 'result'; id: number; result: ApiResult<unknown> }
  | { kind: 'event'; event: PushEvent }
  | { kind: 'closed' };

/** Data the worker starts with. */
export interface WorkerInit {
  dbPath: string;
  /** Seed the sample city first when the database does not exist (desktop first run). */
  seedIfMissing?: boolean;
  seedScale?: number;
}
