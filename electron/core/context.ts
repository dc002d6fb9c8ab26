// Who is calling: every write records the actor and channel with the change.
import type { Db } from './db/connection.ts';

/** The caller of one API method. */
export interface CallContext {
  actor: string;
  via: 'ipc' | 'http' | 'cli' | 'test';
}

/** Appends one audit row; call inside the write's transaction. */
export function audit(db: Db, ctx: CallContext, action: string, target: string | null, detail: string | null, reason: string | null = null): void {
  db.prepare('INSERT INTO audit (at, actor, action, target, reason, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(), `${ctx.actor}@${ctx.via}`, action, target, reason, detail,
  );
}
