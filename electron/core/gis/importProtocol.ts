// What the core and the import worker say to each other (importInWorker.ts ↔ importWorker.ts): the job, then progress,
// the checked rows in chunks (each a message of its own, so the core takes them in between other work), and the report.
import type { ApiErrorData } from '../../../shared/errors.ts';
import type { ImportPhase, ImportReport } from '../../../shared/gis.ts';
import type { Plan } from '../editing/service.ts';
import type { CheckedCell, ImportOptions } from './importRows.ts';

/** The job an import worker is started with (workerData). */
export interface ImportJob {
  /** The centre's database, opened read-only by the worker. */
  dbPath: string;
  /** The uploaded file and its original name (the name decides the format). */
  file: string;
  name: string;
  opts: Pick<ImportOptions, 'layer' | 'crs' | 'mapping' | 'strict' | 'dryRun'>;
  /** The core's clock when the import began (dates an import fills in). */
  now: number;
  /** Checked rows per message. */
  chunk: number;
}

/** A message from the import worker. */
export type FromImportWorker =
  | { kind: 'progress'; phase: ImportPhase; done: number; total: number }
  | { kind: 'plans'; plans: Plan[] }
  | { kind: 'cells'; cells: CheckedCell[] }
  /** The check is over; `seenCommit` is the last commit of the snapshot it read (later commits may make rows stale). */
  | { kind: 'done'; report: ImportReport; seenCommit: number }
  | { kind: 'failed'; error: ApiErrorData; internal: boolean };
