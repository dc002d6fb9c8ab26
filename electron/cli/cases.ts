// cityops cases generate: historical cases for benchmarks and training. A bulk generator, not an administrative
// call: closed cases are written in bulk (the replica gets a snapshot); the open workload goes through the workflow.
import { generateCases } from '../core/cases/generate.ts';
import { die, need, openCore, str, type Command } from './command.ts';

export const casesGenerate: Command = {
  name: 'cases generate',
  summary: 'add N historical cases (benchmarks, training)',
  usage: `--db FILE --count N [--seed N]

  closed and void cases over two years, and an open workload taken through the real workflow`,
  options: { db: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' } },
  run(v) {
    const count = Number(need(this, v, 'count'));
    if (!Number.isInteger(count) || count <= 0 || count > 5_000_000) die('--count must be an integer from 1 to 5,000,000');
    const seedN = str(v, 'seed') === undefined ? 1 : Number(str(v, 'seed'));
    if (!Number.isInteger(seedN) || seedN < 0) die(`--seed must be a non-negative integer, got ${v.seed}`);
    const core = openCore(need(this, v, 'db'));
    try {
      const r = generateCases(core.app, { count, seed: seedN });
      process.stdout.write(`generated ${r.count} cases in ${(r.ms / 1000).toFixed(1)} s\n`);
    } catch (e) {
      die((e as Error).message, 1);
    } finally {
      core.close();
    }
  },
};
