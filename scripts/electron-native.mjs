// better-sqlite3 built for Electron's ABI, kept apart from the Node build in node_modules (which the CLI and tests
// use). Built once into .cache/electron-native/<electron version>/ with node-gyp and Electron's headers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { electronVersion } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Path of better_sqlite3.node for Electron, building it when missing; throws when the build fails. */
export function electronSqliteBinding() {
  const version = electronVersion();
  const dir = path.join(root, '.cache', 'electron-native', version);
  const binding = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`building better-sqlite3 for Electron ${version} (once)…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  cpSync(src, dir, { recursive: true, filter: (p) => !p.startsWith(path.join(src, 'build')) });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', {
    paths: [path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), '/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm'],
  });
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (r.status !== 0 || !existsSync(binding)) throw new Error(`building better-sqlite3 for Electron ${version} failed (node-gyp exit ${r.status})`);
  return binding;
}
