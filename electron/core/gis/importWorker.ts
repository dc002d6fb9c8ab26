// Entry of the import worker thread: reads an uploaded layer file and checks every row against a read-only snapshot
// of the centre's database, so a 300,000-row file (or one built to make a reader work hard) never holds the core's
// event loop. It writes nothing; the core writes the checked rows (importInWorker.ts). Bundled for the desktop as
// dist-electron/import-worker.mjs; from source it runs through importWorker-dev.mjs (tsx).
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../../shared/errors.ts';
import { openDatabase } from '../db/connection.ts';
import { CatalogService } from '../catalog/service.ts';
import { GridService } from '../grid/service.ts';
import { ComponentService } from '../components/service.ts';
import { MetaService } from '../meta/service.ts';
import { EditService } from '../editing/service.ts';
import { GridEditor } from '../editing/grid.ts';
import { checkImport } from './importer.ts';
import type { FromImportWorker, ImportJob } from './importProtocol.ts';

const port = parentPort!;
const job = workerData as ImportJob;
const post = (m: FromImportWorker) => port.postMessage(m);
/** Resolves when the core asks for the next chunk. */
const next = () => new Promise<void>((resolve) => port.once('message', () => resolve()));

const db = openDatabase(job.dbPath, { readonly: true });
try {
  // The change log's triggers call the core's SQL functions; a statement on their tables cannot be prepared without
  // them. This connection never writes (it is read-only), so each stands in as one that refuses.
  const sql = (db.prepare("SELECT group_concat(sql, ' ') AS s FROM sqlite_master WHERE type = 'trigger'").get() as { s: string | null }).s ?? '';
  for (const fn of new Set(sql.match(/\bcityops_\w+(?=\s*\()/g))) {
    db.function(fn, { varargs: true, deterministic: false }, () => {
      throw new Error('the import worker does not write');
    });
  }
  const catalog = new CatalogService(db);
  const grid = new GridService(db);
  const meta = new MetaService(db);
  const now = () => job.now;
  const edits = new EditService(db, catalog, grid, new ComponentService(db, catalog), { adminCode: meta.adminCode, bounds: meta.bounds, now });
  const gridEditor = new GridEditor(db, grid, edits, meta.adminCode, now);
  // One read transaction: every look-up of the check sees the same snapshot, the one whose last commit is reported.
  db.exec('BEGIN');
  const seenCommit = (db.prepare('SELECT coalesce(max(id), 0) AS id FROM edit_commits').get() as { id: number }).id;
  const { report, rows } = checkImport({ db, catalog, edits, gridEditor, adminCode: meta.adminCode }, job.file, job.name, {
    ...job.opts,
    actor: '',
    onProgress: (phase, done, total) => post({ kind: 'progress', phase, done, total }),
  });
  db.exec('COMMIT');
  // Rows go only when they will be written (not for a dry run, nor for a strict import the core will refuse), a chunk
  // at a time: the next when the core asks for it, so the core takes them in between its other work.
  if (!job.opts.dryRun && !(job.opts.strict && report.counts.error > 0)) {
    const list = rows.layer === 'components' ? rows.plans : rows.cells;
    for (let i = 0; i < list.length; i += job.chunk) {
      post(
        rows.layer === 'components'
          ? { kind: 'plans', plans: rows.plans.slice(i, i + job.chunk) }
          : { kind: 'cells', cells: rows.cells.slice(i, i + job.chunk) },
      );
      await next();
    }
  }
  post({ kind: 'done', report, seenCommit });
} catch (e) {
  if (e instanceof ApiError) post({ kind: 'failed', error: e.toData(), internal: false });
  else post({ kind: 'failed', error: { code: 'INTERNAL', message: (e as Error)?.stack ?? String(e) }, internal: true });
} finally {
  db.close();
}
