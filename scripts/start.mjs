// `npm start`: build what is missing, make sure better-sqlite3 exists for Electron's ABI, and open the desktop app.
// The Node build of better-sqlite3 in node_modules stays untouched (tests and `cityops serve` use it); the Electron
// build lives in .cache/electron-native/ and reaches the core through CITYOPS_SQLITE_BINDING.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { electronBinary, electronVersion } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(path.join(root, 'dist/renderer/index.html'))) run('npm', ['run', 'build:renderer']);
run('npm', ['run', 'build:electron']);

let bin = electronBinary();
if (!bin) {
  // Electron downloads its binary on first use; let its own installer try once.
  spawnSync(process.execPath, [path.join(path.dirname(require.resolve('electron/package.json')), 'install.js')], { stdio: 'inherit' });
  bin = electronBinary();
}
if (!bin) {
  console.error('cityops: the Electron binary is not available (its download failed).\n' +
    '  The same app runs in a browser: npx cityops seed --db city.db && npx cityops serve --db city.db');
  process.exit(1);
}

const version = electronVersion();
const nativeDir = path.join(root, '.cache', 'electron-native', version);
const binding = path.join(nativeDir, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(binding)) {
  console.log(`building better-sqlite3 for Electron ${version} (once)…`);
  rmSync(nativeDir, { recursive: true, force: true });
  mkdirSync(path.dirname(nativeDir), { recursive: true });
  cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), nativeDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
  const gyp = path.join(path.dirname(require.resolve('npm/package.json', { paths: [path.dirname(process.execPath), '/usr/lib/node_modules', '/usr/local/lib/node_modules'] })), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  run(process.execPath, [gyp, 'rebuild', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: nativeDir });
}

const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CITYOPS_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
