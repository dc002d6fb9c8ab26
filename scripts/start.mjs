// `npm start`: build what is missing, make sure better-sqlite3 exists for Electron's ABI, and open the desktop app.
// The Node build of better-sqlite3 in node_modules stays untouched (tests and `cityops serve` use it); the Electron
// build lives in .cache/electron-native/ and reaches the core through CITYOPS_SQLITE_BINDING.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { electronBinary } from './electron-binary.mjs';
import { electronSqliteBinding } from './electron-native.mjs';

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
  console.error(
    'cityops: the Electron binary is not available (its download failed).\n' +
      '  The same app runs in a browser: npx cityops seed --db city.db && npx cityops serve --db city.db',
  );
  process.exit(1);
}

let binding;
try {
  binding = electronSqliteBinding();
} catch (e) {
  console.error(`cityops: ${e.message}`);
  process.exit(1);
}

const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CITYOPS_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
