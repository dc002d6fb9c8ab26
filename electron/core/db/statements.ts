// Statements built from a few SQL templates (queue filters, partial updates) are prepared once per distinct text.
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection.ts';

/** A cache of prepared statements keyed by their SQL text. */
export class Statements {
  private readonly cache = new Map<string, Statement<unknown[], unknown>>();
  constructor(private readonly db: Db) {}

  /** The prepared statement of `text` (prepared on first use). */
  get(text: string): Statement<unknown[], unknown> {
    let st = this.cache.get(text);
    if (!st) {
      st = this.db.prepare<unknown[], unknown>(text);
      this.cache.set(text, st);
    }
    return st;
  }
}
