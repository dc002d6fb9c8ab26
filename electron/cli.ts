// `cityops` command line: serve, seed, info, bench. Runs the core under plain Node (no Electron).
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core } from './core/core.ts';
import { seedDatabase } from './core/seed/seed.ts';
import { startHttpServer } from './core/transport/http.ts';

const USAGE = `cityops — digital city management centre (数字化城管)

Usage:
  cityops serve --db FILE [--host 127.0.0.1] [--port 8731]   run the hall server (API + browser UI)
  cityops seed  --db FILE [--seed N] [--scale F] [--force]   build the sample city (泰州市海陵区)
  cityops info  --db FILE [--json]                           counts of the centre's data
  cityops help                                               this text
`;

/** Root of the installed package (holds dist/renderer). */
export function packageRoot(): string {
  return path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
}

function die(msg: string, code = 2): never {
  process.stderr.write(`cityops: ${msg}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const opts = {
    db: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: opts, strict: true, allowPositionals: false }));
  } catch (e) {
    die(`${(e as Error).message}\n\n${USAGE}`);
  }
  if (!cmd || cmd === 'help' || values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const db = values.db as string | undefined;
  const needDb = () => db ?? die(`${cmd} needs --db FILE`);
  switch (cmd) {
    case 'seed': {
      const file = needDb();
      const seed = values.seed === undefined ? 1 : Number(values.seed);
      const scale = values.scale === undefined ? 1 : Number(values.scale);
      if (!Number.isInteger(seed) || seed < 0) die(`--seed must be a non-negative integer, got ${values.seed}`);
      if (!(scale > 0 && scale <= 1)) die(`--scale must be a number in (0, 1], got ${values.scale}`);
      if (existsSync(file) && !values.force) die(`${file} already exists; pass --force to overwrite it`, 1);
      let last = '';
      const r = seedDatabase(file, {
        seed, scale, force: !!values.force,
        onProgress: (phase, f) => {
          const line = `seeding ${phase} ${Math.round(f * 100)}%`;
          if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line}   `);
          last = line;
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(`seeded ${r.file}: ${r.streets} streets, ${r.communities} communities, ${r.gridCells} grid cells, ${r.components} components, ${r.departments} departments in ${(r.ms / 1000).toFixed(1)} s\n`);
      return;
    }
    case 'info': {
      const file = needDb();
      let core: Core;
      try {
        core = new Core({ dbPath: file, requireSeeded: false });
      } catch (e) {
        die((e as Error).message, 1);
      }
      const info = core.info();
      core.close();
      if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
      else process.stdout.write(Object.entries(info).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n') + '\n');
      return;
    }
    case 'serve': {
      const file = needDb();
      const port = values.port === undefined ? 8731 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${values.port}`);
      let core: Core;
      try {
        core = new Core({ dbPath: file });
        core.warmUp();
      } catch (e) {
        die((e as Error).message, 1);
      }
      const staticDir = path.join(packageRoot(), 'dist', 'renderer');
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        process.stderr.write(`cityops: warning: no built UI at ${staticDir} (run npm run build); serving the API only\n`);
      }
      const server = await startHttpServer({
        core, host: (values.host as string) ?? '127.0.0.1', port, staticDir,
        health: () => ({ db: path.basename(file), components: core.info().components }),
      });
      process.stdout.write(`listening on ${server.url}\n`);
      const stop = async () => {
        await server.close();
        core.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    default:
      die(`unknown command ${cmd}\n\n${USAGE}`);
  }
}

await main(process.argv.slice(2));
