// A tiny centre for the replica hardening tests: a SQLite file with the change log, the shipper's state and one
// replicated table (a UNIQUE, NOT NULL name), a few kilobytes, so a test can put a real snapshot on a replica with a
// small quota and craft entries that chain exactly as the store checks them — applicable or not.
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { entryHash, type ChangeEntry } from '../../electron/core/replication/changelog.ts';
import type { SnapshotMeta } from '../../electron/core/replication/store.ts';
import { ROOT } from '../paths.ts';

export const TOKEN = 'replica-hardening-token-0123456789';
export const tmp = (tag = 'rh') => mkdtempSync(path.join(os.tmpdir(), `cityops-${tag}-`));

/** Writes the tiny centre's snapshot: item 1 'first', and the one log entry that inserted it. */
export function tinySnapshot(file: string): SnapshotMeta {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE changelog (seq INTEGER PRIMARY KEY, tx INTEGER NOT NULL, at INTEGER NOT NULL, tbl TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('I', 'U', 'D')), pk TEXT NOT NULL, row TEXT, hash TEXT NOT NULL) STRICT;
    CREATE TABLE replication_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    INSERT INTO items (id, name) VALUES (1, 'first');`);
  const [first] = chain(0, '', [{ tbl: 'items', op: 'I', pk: '[1]', row: '{"id":1,"name":"first"}' }]);
  db.prepare('INSERT INTO changelog (seq, tx, at, tbl, op, pk, row, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    first.seq,
    first.tx,
    first.at,
    first.tbl,
    first.op,
    first.pk,
    first.row,
    first.hash,
  );
  db.pragma('journal_mode = DELETE');
  db.close();
  const data = readFileSync(file);
  return {
    seq: first.seq,
    hash: first.hash,
    at: first.at,
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
    createdAt: Date.now(),
    schemaVersion: 1,
  };
}

/** Entries that continue the chain after (prevSeq, prevHash), hashed the way the replica checks them. */
export function chain(prevSeq: number, prevHash: string, changes: Pick<ChangeEntry, 'tbl' | 'op' | 'pk' | 'row'>[]): ChangeEntry[] {
  let hash = prevHash;
  return changes.map((c, i) => {
    const e = { seq: prevSeq + i + 1, tx: prevSeq + 1, at: 1_760_000_000_000 + prevSeq + i, ...c };
    hash = entryHash(hash, e);
    return { ...e, hash };
  });
}

/** An insert of item `id` named `name` (as a change, for chain()). */
export const insertItem = (id: number, name: string | null) => ({ tbl: 'items', op: 'I' as const, pk: `[${id}]`, row: JSON.stringify({ id, name }) });

/** Every file under `dir` (relative paths), for "nothing was written elsewhere". */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Runs `cityops …` as a real process with extra environment; resolves with its URL once it listens. */
export async function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; proc: ChildProcess; stderr: () => string; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`cityops ${args[0]} exited ${code}: ${err}`)));
  });
  return {
    url,
    proc,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        // A server still waiting on a request the test abandoned gets 5 s to stop, then it is killed.
        const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}
