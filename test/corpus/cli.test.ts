// Malformed-input corpus, the command line: `cityops` subcommands with unknown flags, missing values, bad numbers,
// nonexistent or junk files. Each exits non-zero with a `cityops:` message on stderr and no stack trace, and the
// database it was pointed at is unchanged. Real processes, a few at a time (each costs about a second).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import { fingerprint, smallDbCopy, testCore } from '../helpers.ts';
import { Tally } from './harness.ts';

const bin = path.join(ROOT, 'bin', 'cityops.mjs');
const tally = new Tally();
let db: string;
let dir: string;
beforeAll(() => {
  db = smallDbCopy();
  // Opened once first: a template seeded by an older build is brought up to date on first open, which is a change.
  testCore({ dbPath: db }).close();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-corpus-cli-'));
  writeFileSync(path.join(dir, 'junk.geojson'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]));
  writeFileSync(path.join(dir, 'short.token'), 'short\n');
});
afterAll(() => tally.print('cli'));

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs `cityops ARGS` with stdin closed; a process still running after 30 s is killed (it should have refused). */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stderr, stdout });
    });
  });
}

/** Runs all argument lists, `n` processes at a time. */
async function runAll(list: string[][], n = 3): Promise<Run[]> {
  const out: Run[] = new Array(list.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < list.length) {
        const i = next++;
        out[i] = await run(list[i]);
      }
    }),
  );
  return out;
}

describe('cityops with bad arguments', () => {
  it('exits non-zero with a clear message, no stack trace, the database unchanged', async () => {
    const D = () => ['--db', db];
    const cases: string[][] = [
      ['frobnicate'],
      ['info', '--db'],
      ['info', ...D(), '--bogus'],
      ['info', '--db', path.join(dir, 'missing', 'nope.db')],
      ['apikey', 'revoke', ...D(), '--id', 'abc'],
      ['cases', 'generate', ...D(), '--count', '1e99'],
      ['seed', ...D(), '--scale', 'lots'],
      ['export', ...D(), '--layer', 'nope', '--format', 'csv', '--out', path.join(dir, 'x.csv')],
      ['import', ...D(), '--layer', 'components', '--file', path.join(dir, 'nope.geojson')],
      ['import', ...D(), '--layer', 'components', '--file', path.join(dir, 'junk.geojson')],
      ['import', ...D(), '--layer', 'roads', '--file', path.join(dir, 'junk.geojson')],
      ['user', 'add', ...D(), '--name', 'x', '--role', 'emperor', '--password-stdin'],
      ['restore', '--from', path.join(dir, 'no-replica'), '--to', path.join(dir, 'r.db')],
      ['replica', '--dir', path.join(dir, 'rep'), '--token-file', path.join(dir, 'short.token')],
      ['serve', ...D(), '--port', '99999'],
    ];
    const before = fingerprint(db);
    const runs = await runAll(cases);
    const failures: string[] = [];
    runs.forEach((r, i) => {
      const label = `cityops ${cases[i].join(' ').replace(dir, '$TMP').slice(0, 120)}`;
      if (r.code === 0 || r.code === null) failures.push(`${label}: exit ${r.code}`);
      else if (!/^cityops: \S/.test(r.stderr)) failures.push(`${label}: stderr ${JSON.stringify(r.stderr.slice(0, 200))}`);
      else if (/\n\s+at |Error: |node:internal/.test(r.stderr)) failures.push(`${label}: a stack trace: ${r.stderr.slice(0, 300)}`);
      tally.add('CLI arguments');
    });
    expect(failures).toEqual([]);
    expect(fingerprint(db)).toBe(before);
  }, 120_000);
});
