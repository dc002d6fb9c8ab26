// cityops info: counts of a centre's data (app.info).
import { need, openCore, systemCall, die, type Command } from './command.ts';

export const info: Command = {
  name: 'info',
  summary: "counts of the centre's data",
  usage: `--db FILE [--json]`,
  options: { db: { type: 'string' }, json: { type: 'boolean' } },
  async run(v) {
    // An unseeded file opens too: info tells what is (not) in it.
    const core = openCore(need(this, v, 'db'), false);
    try {
      const r = await systemCall(core, 'app.info', {});
      if (v.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          Object.entries(r)
            .map(([k, x]) => `${k}: ${Array.isArray(x) ? x.join(', ') : x}`)
            .join('\n') + '\n',
        );
    } catch (e) {
      die((e as Error).message, 1);
    } finally {
      core.close();
    }
  },
};
