// Event-loop stalls during a whole-city import: the component layer exported to GeoPackage, imported into a centre
// without components (316,836 adds, one commit) and re-checked against the full layer (dry run, all unchanged), once
// read and checked on the core's thread (runImport, as the core did before the import worker) and once in the import
// worker (importInWorker, as the core's handlers do now). Prints the longest stall of the event loop (the longest gap
// between ticks of a 5 ms timer, or perf_hooks.monitorEventLoopDelay's maximum if larger) and how long the write
// transaction holds the loop (it stays on the core's connection, one transaction: all or nothing).
// Usage: npx tsx scripts/bench/import-stall.ts [--db FILE (a seeded full city; default the test template)] [--memory-mb N]
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { Core } from '../../electron/core/core.ts';
import { exportToFile } from '../../electron/core/gis/exporter.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import { importInWorker } from '../../electron/core/gis/importInWorker.ts';
import type { ImportReport } from '../../shared/gis.ts';
import { FULL_DB } from '../../test/paths.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, 'memory-mb': { type: 'string' } } });
const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-stall-'));
let db = values.db ?? (existsSync(FULL_DB) ? FULL_DB : undefined);
if (!db) {
  db = path.join(dir, 'city.db');
  seedDatabase(db, {});
}
const memoryMb = values['memory-mb'] ? Number(values['memory-mb']) : undefined;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;

// The whole component layer as a GeoPackage.
const work = path.join(dir, 'work.db');
copyFileSync(db, work);
const full = new Core({ dbPath: work });
const total = full.info().components;
const gpkg = path.join(dir, 'components.gpkg');
exportToFile(full.app, { layer: 'components', format: 'gpkg' }, gpkg);
full.close();

/** A copy of the centre without components (the layer is imported whole). */
function emptyCentre(): Core {
  const file = path.join(dir, `empty-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(db!, file);
  const c = new Core({ dbPath: file });
  c.app.changelog.bulk('bench: empty the component layer', () =>
    c.app.db.transaction(() => c.app.db.exec('DELETE FROM component_photos; DELETE FROM components_rtree; DELETE FROM components;'))(),
  );
  c.app.components.invalidate();
  return c;
}

/** Runs an import with the event loop watched; the longest stall, the total time and the write's hold on the loop. */
async function watched(run: (onProgress: (phase: string) => void) => Promise<ImportReport> | ImportReport) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  let writing = 0;
  let write = 0;
  // A 5 ms timer stands for the hall's other work: the longest gap between its ticks is the longest stall.
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  await new Promise((r) => setTimeout(r, 50));
  h.enable();
  const t = performance.now();
  const report = await new Promise<ImportReport>((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(
          run((phase) => {
            if (phase === 'writing') writing = performance.now();
            if (phase === 'done') write = performance.now() - writing;
          }),
        );
      } catch (e) {
        reject(e as Error);
      }
    }),
  );
  const took = performance.now() - t;
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  clearInterval(timer);
  return { report, took, stall: Math.max(gap, h.max / 1e6), write };
}

const check = (r: ImportReport, want: Partial<ImportReport['counts']>) => {
  for (const [k, v] of Object.entries(want))
    if (r.counts[k as keyof ImportReport['counts']] !== v) throw new Error(`import: ${JSON.stringify(r.counts)}, expected ${JSON.stringify(want)}`);
};

for (const mode of ['on the core thread (before)', 'in the import worker (after)'] as const) {
  const c = emptyCentre();
  const opts = { layer: 'components' as const, actor: 'bench', message: 'bench import' };
  const r = await watched((onProgress) =>
    mode.startsWith('on')
      ? runImport(c.app, gpkg, 'components.gpkg', { ...opts, onProgress })
      : importInWorker(c.app, gpkg, 'components.gpkg', { ...opts, onProgress, limits: { memoryMb } }),
  );
  check(r.report, { add: total, error: 0 });
  console.log(
    `import ${total.toLocaleString('en')} components ${mode}: ${s(r.took)}; longest event-loop stall ${s(r.stall)}; the write transaction ${s(r.write)}`,
  );
  const d = await watched((onProgress) =>
    mode.startsWith('on')
      ? runImport(c.app, gpkg, 'components.gpkg', { ...opts, dryRun: true, onProgress })
      : importInWorker(c.app, gpkg, 'components.gpkg', { ...opts, dryRun: true, onProgress, limits: { memoryMb } }),
  );
  check(d.report, { unchanged: total, error: 0 });
  console.log(`dry run of the same file against the full layer ${mode}: ${s(d.took)}; longest event-loop stall ${s(d.stall)}`);
  const file = c.app.file;
  c.close();
  rmSync(file, { force: true });
}
rmSync(dir, { recursive: true, force: true });
