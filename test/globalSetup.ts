// Seeds two template databases once per run: a small one (whole grid, 3% of components) that tests copy,
// and the full sample city (read-only use: generator invariants, e2e).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { seedDatabase } from '../electron/core/seed/seed.ts';
import { FULL_DB, SMALL_DB, TMP_DIR } from './paths.ts';

export default function setup(): void {
  mkdirSync(TMP_DIR, { recursive: true });
  for (const [file, scale] of [
    [SMALL_DB, 0.03],
    [FULL_DB, 1],
  ] as const) {
    if (existsSync(file) && process.env.CITYOPS_KEEP_TEMPLATES) continue;
    rmSync(file, { force: true });
    const r = seedDatabase(file, { scale, force: true });
    console.log(`test template ${file}: ${r.gridCells} cells, ${r.components} components in ${r.ms} ms`);
  }
}
