// The account lifecycle: administrators disable and enable accounts, reset passwords (a generated one, shown once,
// to be changed at the next login), change roles and placements and end sessions; every user changes their own
// password. Each change is audited in its own transaction, and every change that ends sessions tells the caller so
// the push connections of those sessions close at once (auth/feeds.ts).
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword, type PasswordCost } from './passwords.ts';
import type { LoginThrottle } from './throttle.ts';
import { sha256, toAccount, USER_SQL, type UserRow } from './rows.ts';
import type { Db } from '../db/connection.ts';
import type { CallContext } from '../context.ts';
import { audit } from '../context.ts';
import { ApiError } from '../../../shared/errors.ts';
import { passwordProblem, type Account } from '../../../shared/contract/auth.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import type { Role } from '../../../shared/roles.ts';
import type { User } from '../../../shared/model.ts';

/** What users.update may change, as the contract parses it. */
export type AccountPatch = ParsedInputOf<'users.update'>;

/** Refuses a department or street that does not exist or does not fit the role (the rules of users.add). */
export function checkPlacement(db: Db, role: Role, department: string | null | undefined, streetCode: string | null | undefined): void {
  if (role === 'department' && !department) throw new ApiError('BAD_INPUT', 'a department user needs a department', { field: 'department' });
  if (role !== 'department' && department) throw new ApiError('BAD_INPUT', 'only department users are bound to a department', { field: 'department' });
  if (department && !db.prepare('SELECT 1 FROM departments WHERE code = ?').get(department)) {
    throw new ApiError('BAD_INPUT', `unknown department ${department}`, { field: 'department' });
  }
  if (streetCode && !db.prepare('SELECT 1 FROM streets WHERE code = ?').get(streetCode)) {
    throw new ApiError('BAD_INPUT', `unknown street ${streetCode}`, { field: 'streetCode' });
  }
}

/** Administrators' and users' changes to accounts. */
export class Accounts {
  constructor(
    private readonly db: Db,
    private readonly cost: PasswordCost,
    /** The login throttle: a wrong current password counts as a failed login of that name. */
    private readonly throttle: LoginThrottle,
    /** Drops cached sessions and flags: the next call re-reads the account. */
    private readonly forget: () => void,
  ) {}

  /** Every account, disabled ones included, with its live sessions. */
  list(now: number): Account[] {
    const rows = this.db.prepare(`${USER_SQL} ORDER BY u.disabled, u.role, u.name`).all() as UserRow[];
    const live = new Map(
      (this.db.prepare('SELECT user_id AS id, count(*) AS n FROM sessions WHERE expires_at >= ? GROUP BY user_id').all(now) as { id: number; n: number }[]).map(
        (r) => [r.id, r.n],
      ),
    );
    return rows.map((r) => toAccount(r, live.get(r.id) ?? 0));
  }

  /** One account. */
  account(id: number, now: number): Account {
    const r = this.row(id);
    const n = (this.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND expires_at >= ?').get(id, now) as { n: number }).n;
    return toAccount(r, n);
  }

  /** Disables an account and ends its sessions. Refused for one's own account and for the last enabled administrator. */
  disable(id: number, reason: string | undefined, ctx: CallContext, now: number): Account {
    const r = this.row(id);
    if (ctx.user?.id === id) throw new ApiError('CONFLICT', 'you cannot disable your own account', { field: 'id' });
    if (r.disabled) throw new ApiError('CONFLICT', `${r.name} is already disabled`, { field: 'id' });
    if (r.role === 'admin') this.keepAnAdmin(id, 'disable');
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(id);
      const ended = this.endSessions(id);
      audit(this.db, ctx, 'user.disable', r.name, JSON.stringify({ sessionsEnded: ended }), reason ?? null);
    })();
    this.forget();
    return this.account(id, now);
  }

  /** Enables a disabled account. */
  enable(id: number, reason: string | undefined, ctx: CallContext, now: number): Account {
    const r = this.row(id);
    if (!r.disabled) throw new ApiError('CONFLICT', `${r.name} is not disabled`, { field: 'id' });
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET disabled = 0 WHERE id = ?').run(id);
      audit(this.db, ctx, 'user.enable', r.name, null, reason ?? null);
    })();
    this.forget();
    return this.account(id, now);
  }

  /** Ends every session of an account; returns how many were live. */
  revokeSessions(id: number, reason: string | undefined, ctx: CallContext): { revoked: number } {
    const r = this.row(id);
    const revoked = this.db.transaction(() => {
      const n = this.endSessions(id);
      audit(this.db, ctx, 'user.revokeSessions', r.name, JSON.stringify({ sessionsEnded: n }), reason ?? null);
      return n;
    })();
    this.forget();
    return { revoked };
  }

  /** Changes role, department, street, display name or phone. A role change away from `department` unbinds the
   * department unless one is given; the result must pass the rules of users.add. */
  update(p: AccountPatch, ctx: CallContext, now: number): Account {
    const r = this.row(p.id);
    const role = p.role ?? r.role;
    const department = p.department !== undefined ? p.department : role === 'department' ? r.department : null;
    const after = {
      role,
      department,
      streetCode: p.streetCode !== undefined ? p.streetCode : r.street_code,
      displayName: p.displayName ?? r.display_name,
      phone: p.phone !== undefined ? p.phone : r.phone,
    };
    const before = { role: r.role, department: r.department, streetCode: r.street_code, displayName: r.display_name, phone: r.phone };
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
    if (!changed.length) throw new ApiError('BAD_INPUT', `${r.name} already has these values; nothing to change`);
    checkPlacement(this.db, after.role, after.department, after.streetCode);
    if (r.role === 'admin' && after.role !== 'admin') {
      if (ctx.user?.id === p.id) throw new ApiError('CONFLICT', 'you cannot take the administrator role from yourself', { field: 'role' });
      if (!r.disabled) this.keepAnAdmin(p.id, 'change the role of');
    }
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET role = ?, department = ?, street_code = ?, display_name = ?, phone = ? WHERE id = ?')
        .run(after.role, after.department, after.streetCode, after.displayName, after.phone, p.id);
      const pick = (o: typeof after) => Object.fromEntries(changed.map((k) => [k, o[k]]));
      audit(this.db, ctx, 'user.update', r.name, JSON.stringify({ before: pick(before), after: pick(after) }), p.reason ?? null);
    })();
    this.forget();
    return this.account(p.id, now);
  }

  /** Gives an account a generated password that must be changed at the next login; ends its sessions. The password
   * is returned once: only its hash is stored, and neither the audit nor any log sees it. */
  async resetPassword(id: number, reason: string | undefined, ctx: CallContext, now: number): Promise<{ account: Account; password: string }> {
    const r = this.row(id);
    if (ctx.user?.id === id) throw new ApiError('CONFLICT', 'change your own password with auth.changePassword, not a reset', { field: 'id' });
    // 15 random bytes: 20 characters of base64url, far above the policy's minimum.
    const password = randomBytes(15).toString('base64url');
    const hash = await hashPassword(password, this.cost);
    this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id)) throw new ApiError('NOT_FOUND', `no user ${id}`);
      this.db
        .prepare('UPDATE users SET password_hash = ?, must_change_password = 1, password_changed_at = ? WHERE id = ?')
        .run(hash, new Date(now).toISOString(), id);
      const ended = this.endSessions(id);
      audit(this.db, ctx, 'user.resetPassword', r.name, JSON.stringify({ sessionsEnded: ended }), reason ?? null);
    })();
    this.forget();
    return { account: this.account(id, now), password };
  }

  /** Changes the caller's own password: the current one must be right (a wrong one counts as a failed login of the
   * name), the new one must pass the policy and differ from it. The user's other sessions end; this one stays. */
  async changePassword(user: User, token: string | undefined, current: string, password: string, ctx: CallContext, now: number): Promise<void> {
    if (user.id === 0) throw new ApiError('BAD_INPUT', 'the system principal has no password to change');
    const key = `name:${user.name}`;
    const until = this.throttle.blockedUntil([key], now);
    if (until) throw new ApiError('RATE_LIMITED', `too many wrong passwords: try again after ${new Date(until).toISOString()}`, { retryAfterMs: until - now });
    const rule = passwordProblem(user.name, password);
    if (rule === 'length') throw new ApiError('BAD_INPUT', 'a password needs 10 to 200 characters', { field: 'password', rule });
    if (rule === 'name') throw new ApiError('BAD_INPUT', 'a password must not be the user name', { field: 'password', rule });
    const r = this.row(user.id);
    if (!(await verifyPassword(current, r.password_hash))) {
      this.throttle.failed([key], now);
      this.db.transaction(() => audit(this.db, ctx, 'auth.passwordChange.fail', user.name, JSON.stringify({ reason: 'wrong current password' })))();
      throw new ApiError('BAD_INPUT', 'the current password is wrong', { field: 'current', rule: 'current' });
    }
    if (current === password) throw new ApiError('BAD_INPUT', 'the new password must differ from the current one', { field: 'password', rule: 'same' });
    this.throttle.succeeded(key);
    const hash = await hashPassword(password, this.cost);
    this.db.transaction(() => {
      // Unchanged since it was checked: a reset or another change in between wins, this one is refused.
      const res = this.db
        .prepare('UPDATE users SET password_hash = ?, must_change_password = 0, password_changed_at = ? WHERE id = ? AND password_hash = ?')
        .run(hash, new Date(now).toISOString(), user.id, r.password_hash);
      if (!res.changes) throw new ApiError('CONFLICT', 'the password was changed meanwhile; log in again');
      const ended = this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?').run(user.id, token ? sha256(token) : '').changes;
      audit(this.db, ctx, 'auth.passwordChange', user.name, JSON.stringify({ sessionsEnded: ended }));
    })();
    this.forget();
  }

  private row(id: number): UserRow {
    const r = this.db.prepare(`${USER_SQL} WHERE u.id = ?`).get(id) as UserRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no user ${id}`, { field: 'id' });
    return r;
  }

  private endSessions(userId: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  /** Refuses to leave the centre without an enabled administrator. */
  private keepAnAdmin(id: number, what: string): void {
    const others = (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?").get(id) as { n: number }).n;
    if (!others) throw new ApiError('CONFLICT', `cannot ${what} the last enabled administrator`, { field: 'id' });
  }
}
