// The one way to open a CityOps database. Durability settings are not optional:
// WAL + synchronous=FULL means every committed transaction survives power loss and kill -9.
import Database from 'better-sqlite3';

/** An open better-sqlite3 handle. */
export type Db = Database.Database;

/** Options for opening a database. */
export interface OpenOptions {
  readonly?: boolean;
  /** Path of a better_sqlite3.node built for the running runtime (Electron uses its own ABI). */
  nativeBinding?: string;
}

/** Opens (creating if needed) a database file with WAL, synchronous=FULL and foreign keys on. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const nativeBinding = opts.nativeBinding ?? process.env.CITYOPS_SQLITE_BINDING;
  const db = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  if (!opts.readonly) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`open ${file}: could not enable WAL (got ${mode})`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A 64 MB page cache: the case indexes of a centre with millions of cases stay in memory (the default is 2 MB).
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}
