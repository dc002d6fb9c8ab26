// An import as the core runs it: the file is read and every row checked in a worker thread (importWorker.ts) under a
// time and a memory limit, so the hall keeps answering while a 300,000-row file is checked and a file built to make a
// reader work hard costs a stopped worker, not the server. The checked rows come back in chunks; the core writes them
// on its own connection in one transaction (all or nothing), after making sure no commit since the worker's snapshot
// touched them.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../../shared/errors.ts';
import type { ImportPhase, ImportReport } from '../../../shared/gis.ts';
import { dropCaches, type App } from '../app.ts';
import type { Db } from '../db/connection.ts';
import type { Plan } from '../editing/service.ts';
import { applyChecked, type CheckedImport } from './importer.ts';
import type { FromImportWorker, ImportJob } from './importProtocol.ts';
import { refuseStrict, type CheckedCell, type ImportOptions } from './importRows.ts';

/** Limits of one import worker. */
export interface ImportLimits {
  /** The worker is stopped after this long (ms). */
  timeoutMs: number;
  /** The worker's JavaScript heap (V8 old generation, MB); it is stopped when it needs more. */
  memoryMb: number;
}

/** Longest an import's reading and checking may take (a 316,836-row GeoPackage takes about 6 s on an office PC). */
export const IMPORT_TIMEOUT_MS = 120_000;
/** Largest heap of an import worker. Checking the whole sample city's component layer (316,836 rows of a GeoPackage)
 * needs between 512 and 768 MB (it fails at 512 against the full layer, passes at 768): twice that leaves room. */
export const IMPORT_MEMORY_MB = 1536;
/** Import workers running at once; more wait their turn (each may use IMPORT_MEMORY_MB). */
export const MAX_IMPORT_WORKERS = 2;
/** Checked rows per message from the worker: each message is taken in between the core's other work. */
const CHUNK = 2000;

/** The limits: the defaults, CITYOPS_IMPORT_TIMEOUT_S and CITYOPS_IMPORT_MEMORY_MB, then the caller's own. */
export function importLimits(own: Partial<ImportLimits> = {}): ImportLimits {
  const env = (name: string) => {
    const n = Number(process.env[name]);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const seconds = env('CITYOPS_IMPORT_TIMEOUT_S');
  return {
    timeoutMs: own.timeoutMs ?? (seconds ? seconds * 1000 : IMPORT_TIMEOUT_MS),
    memoryMb: own.memoryMb ?? env('CITYOPS_IMPORT_MEMORY_MB') ?? IMPORT_MEMORY_MB,
  };
}

/** The worker's entry: the bundle beside the desktop's bundled core, or the TypeScript source through tsx. */
function workerEntry(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './importWorker-dev.mjs' : './import-worker.mjs', here));
}

let running = 0;
const waiting: (() => void)[] = [];

/** Waits for a free worker slot; returns its release. */
async function slot(): Promise<() => void> {
  while (running >= MAX_IMPORT_WORKERS) await new Promise<void>((r) => waiting.push(r));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** What a worker's check returns: the checked import and the last commit of the snapshot it read. */
interface WorkerCheck extends CheckedImport {
  seenCommit: number;
}

/** Reads and checks a file in a worker thread; nothing is written. Stopped (ApiError BAD_INPUT) past its limits. */
export async function checkInWorker(dbPath: string, file: string, name: string, opts: ImportOptions, limits: ImportLimits, now: number): Promise<WorkerCheck> {
  const release = await slot();
  try {
    return await runWorker({ dbPath, file, name, now, chunk: CHUNK, opts: pick(opts) }, limits, opts.onProgress);
  } finally {
    release();
  }
}

/** What of the options the worker needs (functions do not cross threads). */
const pick = (o: ImportOptions): ImportJob['opts'] => ({ layer: o.layer, crs: o.crs, mapping: o.mapping, strict: o.strict, dryRun: o.dryRun });

function runWorker(job: ImportJob, limits: ImportLimits, onProgress?: (phase: ImportPhase, done: number, total: number) => void): Promise<WorkerCheck> {
  return new Promise<WorkerCheck>((resolve, reject) => {
    const plans: Plan[] = [];
    const cells: CheckedCell[] = [];
    const stopped = 'and was stopped; nothing was written';
    const worker = new Worker(workerEntry(), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, limits.memoryMb / 8)) },
    });
    let over = false;
    const end = (settle: () => void) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      void worker.terminate();
      settle();
    };
    const timer = setTimeout(
      () =>
        end(() =>
          reject(
            new ApiError(
              'BAD_INPUT',
              `importing ${job.name} took longer than ${seconds(limits.timeoutMs)} (the limit) ${stopped}: split the file into smaller ones`,
              {
                field: 'file',
                limit: 'time',
              },
            ),
          ),
        ),
      limits.timeoutMs,
    );
    worker.on('message', (m: FromImportWorker) => {
      if (m.kind === 'progress') onProgress?.(m.phase, m.done, m.total);
      else if (m.kind === 'plans' || m.kind === 'cells') {
        if (m.kind === 'plans') for (const p of m.plans) plans.push(p);
        else for (const c of m.cells) cells.push(c);
        // The next chunk after whatever else waits: timers, I/O, other calls.
        setImmediate(() => {
          if (!over) worker.postMessage('next');
        });
      } else if (m.kind === 'done') {
        const rows = job.opts.layer === 'components' ? { layer: 'components' as const, plans } : { layer: 'grid' as const, cells };
        end(() => resolve({ report: m.report, rows, seenCommit: m.seenCommit }));
      } else if (!m.internal) end(() => reject(new ApiError(m.error.code, m.error.message, m.error.details)));
      else end(() => reject(internal(job.name, m.error.message)));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY')
        end(() =>
          reject(
            new ApiError(
              'BAD_INPUT',
              `importing ${job.name} needed more memory than the limit of ${limits.memoryMb} MB ${stopped}: split the file into smaller ones`,
              {
                field: 'file',
                limit: 'memory',
              },
            ),
          ),
        );
      else end(() => reject(internal(job.name, e.stack ?? e.message)));
    });
    worker.on('exit', (code) => end(() => reject(internal(job.name, `the import worker exited (${code}) before it answered`))));
  });
}

const seconds = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/** An unexpected failure of the worker: logged in full, the caller gets a reference only. */
function internal(name: string, detail: string): ApiError {
  const ref = randomBytes(4).toString('hex');
  console.error(`cityops core: import of ${name} failed (ref ${ref}):`, detail);
  return new ApiError('INTERNAL', `the import failed (ref ${ref}); the server log has the details`);
}

/** Refuses rows that a commit after the worker's snapshot changed (another editor, another import): writing them would
 * undo that commit. A change of the grid makes every cell look-up of the check stale. */
function refuseStale(db: Db, checked: WorkerCheck): void {
  const later = db.prepare('SELECT id, cells FROM edit_commits WHERE id > ? ORDER BY id').all(checked.seenCommit) as { id: number; cells: number }[];
  if (!later.length) return;
  const again = 'while the file was being checked; nothing was written: import it again';
  const grid = later.find((c) => c.cells > 0);
  if (grid) throw new ApiError('CONFLICT', `the unit grid changed (commit ${grid.id}) ${again}`);
  // A grid import re-locates components at write time, against the layer as it is then.
  if (checked.rows.layer === 'grid') return;
  const touched = new Set(
    db
      .prepare('SELECT DISTINCT c.code FROM component_versions v JOIN components c ON c.id = v.component_id WHERE v.commit_id > ?')
      .pluck()
      .all(checked.seenCommit) as string[],
  );
  const hit = checked.rows.plans.filter((p) => touched.has(p.after.code) || (p.before && touched.has(p.before.code))).map((p) => p.after.code);
  if (hit.length)
    throw new ApiError('CONFLICT', `${hit.length} component(s) of the file were changed by another commit (${hit.slice(0, 5).join(', ')}) ${again}`);
}

/** Imports a file as the core's handlers do: read and checked in a worker, written here. The same errors as runImport,
 * and BAD_INPUT when the worker passes its time or memory limit, CONFLICT when a commit meanwhile touched its rows. */
export async function importInWorker(app: App, file: string, name: string, opts: ImportOptions & { limits?: Partial<ImportLimits> }): Promise<ImportReport> {
  const checked = await checkInWorker(app.file, file, name, opts, importLimits(opts.limits), app.now());
  if (opts.dryRun) return checked.report;
  refuseStrict(checked.report, opts);
  refuseStale(app.db, checked);
  let report: ImportReport;
  try {
    report = applyChecked(app, checked, opts);
  } catch (e) {
    // The transaction rolled back; in-memory copies (the render cache) may hold what it had written.
    dropCaches(app);
    throw e;
  }
  // Like every write, acknowledged only after sync replication has it.
  const rep = app.replication.replicator;
  if (rep && report.commitId !== null) {
    rep.notify();
    if (rep.mode === 'sync') await rep.waitFor(app.changelog.head().seq);
  }
  return report;
}
