// Forward-only numbered migrations: migrations/NNNN_name.sql, each applied in its own transaction and recorded.
// A database that records a migration this build does not know is refused (it was written by a newer CityOps).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db } from './connection.ts';

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Folder holding the SQL files (overridable for bundled builds). */
export function migrationsDir(): string {
  return process.env.CITYOPS_MIGRATIONS_DIR ?? fileURLToPath(new URL('./migrations/', import.meta.url));
}

/** Reads and orders the migration files; refuses duplicate or malformed names. */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.sql')) continue;
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(f);
    if (!m) throw new Error(`migration file name ${f} is not NNNN_name.sql`);
    out.push({ version: Number(m[1]), name: m[2], sql: readFileSync(path.join(dir, f), 'utf8') });
  }
  out.sort((a, b) => a.version - b.version);
  out.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return out;
}

/** Current schema version (0 for an empty database). */
export function schemaVersion(db: Db): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies every pending migration up to `target` (default: all). Returns the versions applied. */
export function migrate(db: Db, migrations = loadMigrations(), target = migrations.length): number[] {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this build knows (${migrations.length}); refusing to open`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
