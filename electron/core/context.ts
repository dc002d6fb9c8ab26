// Who is calling: every write records the actor and channel with the change.
import type { Db } from './db/connection.ts';

import type { User } from '../../shared/model.ts';

/** The caller of one API method. */
export interface CallContext {
  actor: string;
  via: 'ipc' | 'http' | 'cli' | 'test';
  /** Session token the transport received (Authorization: Bearer, or the desktop bridge). */
  token?: string;
  /** The user, once the core has resolved the token (or set directly by trusted in-process callers). */
  user?: User | null;
  /** The caller's network address (HTTP), for login throttling and the audit. */
  address?: string;
}

/** The built-in account of command-line tools and in-process callers (administrator rights). */
export const SYSTEM_USER: User = {
  id: 0,
  name: 'system',
  displayName: '系统',
  role: 'admin',
  department: null,
  departmentLevel: null,
  streetCode: null,
  phone: null,
};

/** The context of a trusted in-process caller (the command line, tools) acting as the system principal; the audit
 * records it as system(who). */
export function systemContext(who: string, via: CallContext['via']): CallContext {
  return { actor: `system(${who})`, via, user: SYSTEM_USER };
}

/** Appends one audit row; call inside the write's transaction. */
export function audit(db: Db, ctx: CallContext, action: string, target: string | null, detail: string | null, reason: string | null = null): void {
  db.prepare('INSERT INTO audit (at, actor, action, target, reason, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    `${ctx.actor}@${ctx.via}`,
    action,
    target,
    reason,
    detail,
  );
}
