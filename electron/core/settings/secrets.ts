// The centre's secrets (the SMS gateway's URL and body template, the replica's token): kept in local_secrets,
// which the change log leaves out, so no replica receives them; the API only ever writes them.
import type { Db } from '../db/connection.ts';

/** Read and write secrets by key (one JSON object each). */
export class Secrets {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      get: db.prepare('SELECT value FROM local_secrets WHERE key = ?').pluck(),
      set: db.prepare('INSERT INTO local_secrets (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      del: db.prepare('DELETE FROM local_secrets WHERE key = ?'),
    };
  }

  /** The secret object of a key, or an empty object. */
  get<T extends object>(key: string): Partial<T> {
    const v = this.q.get.get(key) as string | undefined;
    return v ? (JSON.parse(v) as Partial<T>) : {};
  }

  /** Replaces a key's secrets (undefined fields dropped; nothing left removes the key). Call inside a transaction. */
  set(key: string, value: object): void {
    const clean = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    if (Object.keys(clean).length) this.q.set.run(key, JSON.stringify(clean));
    else this.q.del.run(key);
  }
}

/** A URL as it may be shown: its scheme and host only (the path, query and credentials can hold a key). */
export function maskUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '…';
  }
}
