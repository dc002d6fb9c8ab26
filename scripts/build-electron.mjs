// Bundles the Electron main process, the sandboxed preload (CommonJS) and the core worker with esbuild,
// and copies the SQL migrations and data tables beside them.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist-electron');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', external: ['electron', 'better-sqlite3'] };
// ESM bundles that use CommonJS packages need a require() of their own.
const esmBanner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'electron/main/main.ts')], outfile: path.join(out, 'main.mjs'), format: 'esm', banner: esmBanner }),
  build({
    ...common,
    entryPoints: [path.join(root, 'electron/core/host/worker.ts')],
    outfile: path.join(out, 'core-worker.mjs'),
    format: 'esm',
    banner: esmBanner,
  }),
  // GIS imports are read and checked in a worker thread of their own (electron/core/gis/importInWorker.ts).
  build({
    ...common,
    entryPoints: [path.join(root, 'electron/core/gis/importWorker.ts')],
    outfile: path.join(out, 'import-worker.mjs'),
    format: 'esm',
    banner: esmBanner,
  }),
  build({ ...common, entryPoints: [path.join(root, 'electron/preload/preload.ts')], outfile: path.join(out, 'preload.cjs'), format: 'cjs' }),
]);
cpSync(path.join(root, 'electron/core/db/migrations'), path.join(out, 'migrations'), { recursive: true });
cpSync(path.join(root, 'data'), path.join(out, 'data'), { recursive: true });
console.log(`built ${path.relative(root, out)}/ (main.mjs, preload.cjs, core-worker.mjs, import-worker.mjs, migrations, data)`);
