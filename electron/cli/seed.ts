// cityops seed: builds the sample city (泰州市海陵区) in a new database file.
import { existsSync } from 'node:fs';
import { seedDatabase } from '../core/seed/seed.ts';
import { die, need, type Command } from './command.ts';

export const seed: Command = {
  name: 'seed',
  summary: 'build the sample city (泰州市海陵区) in a new database',
  usage: `--db FILE [--seed N] [--scale F] [--force]

  --seed N    random seed (default 1): the same seed builds the same city
  --scale F   share of the components to place, in (0, 1] (default 1); the grid is always whole
  --force     overwrite an existing file`,
  options: { db: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, force: { type: 'boolean' } },
  run(v) {
    const file = need(this, v, 'db');
    const seedN = v.seed === undefined ? 1 : Number(v.seed);
    const scale = v.scale === undefined ? 1 : Number(v.scale);
    if (!Number.isInteger(seedN) || seedN < 0) die(`--seed must be a non-negative integer, got ${v.seed}`);
    if (!(scale > 0 && scale <= 1)) die(`--scale must be a number in (0, 1], got ${v.scale}`);
    if (existsSync(file) && !v.force) die(`${file} already exists; pass --force to overwrite it`, 1);
    let last = '';
    const r = seedDatabase(file, {
      seed: seedN,
      scale,
      force: !!v.force,
      onProgress: (phase, f) => {
        const line = `seeding ${phase} ${Math.round(f * 100)}%`;
        if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line}   `);
        last = line;
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(
      `seeded ${r.file}: ${r.streets} streets, ${r.communities} communities, ${r.gridCells} grid cells, ${r.components} components, ${r.departments} departments in ${(r.ms / 1000).toFixed(1)} s\n`,
    );
  },
};
