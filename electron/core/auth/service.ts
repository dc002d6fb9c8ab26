// Local accounts, sessions and API keys. Passwords are hashed with scrypt off the event loop (auth/passwords.ts);
// session tokens and API keys are random 32-byte values of which only a SHA-256 is stored. Logins are throttled per
// user name and per address (auth/throttle.ts), and every failure is audited. The account lifecycle is in
// auth/accounts.ts; a user whose password must change can call nothing else until it has (passwordChangeRefusal).
import { randomBytes } from 'node:crypto';
import { hashPassword, PASSWORD_COST, verifyPassword, weakerThan, type PasswordCost } from './passwords.ts';
import { LoginThrottle } from './throttle.ts';
import { Accounts, checkPlacement } from './accounts.ts';
import { sha256, toUser, USER_SQL, type UserRow } from './rows.ts';
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { contract, type MethodName, type ParsedInputOf } from '../../../shared/contract/index.ts';
import { PASSWORD_CHANGE_METHODS, type Me } from '../../../shared/contract/auth.ts';
import type { CallContext } from '../context.ts';
import { audit } from '../context.ts';
import type { ApiKeyInfo, User } from '../../../shared/model.ts';

/** A session lasts at most this long from its login, however busy (a shift, with room to spare). */
export const SESSION_MAX_MS = 24 * 3600_000;
/** Sessions end after 12 hours without use. */
export const SESSION_IDLE_MS = 12 * 3600_000;

/** Input of a new account, as the contract parses it. */
export type NewUser = ParsedInputOf<'users.add'>;

/** Who is logging in, and from where. */
export interface LoginFrom {
  via: CallContext['via'];
  /** The network address (HTTP), for throttling and the audit. */
  address?: string;
}

/** Accounts, sessions and API keys over one database. */
export class AuthService {
  private readonly throttle = new LoginThrottle();
  /** Disable, enable, reset, change of role or placement, revocation, one's own password change. */
  readonly accounts: Accounts;
  /** A hash that matches no password: an unknown name costs a login as much time as a known one (made on first use). */
  private decoy: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    /** The password hashing cost (the production cost unless a test asks for a cheaper one). */
    private readonly cost: PasswordCost = PASSWORD_COST,
  ) {
    this.accounts = new Accounts(db, cost, this.throttle, () => this.forget());
  }

  /** Creates an account (the contract has checked the name, role and password); refuses a taken name, an unknown
   * department or street, and a department bound to a user of another role. `mustChangePassword`: the password was
   * generated for the user, who must choose their own at the first login. */
  async addUser(u: NewUser, ctx: CallContext, mustChangePassword = false): Promise<User> {
    checkPlacement(this.db, u.role, u.department, u.streetCode);
    if (this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(u.name)) {
      throw new ApiError('CONFLICT', `a user named ${u.name} already exists`, { field: 'name' });
    }
    const hash = await hashPassword(u.password, this.cost);
    const at = new Date().toISOString();
    const id = this.db.transaction(() => {
      // Checked again after the hash: another call may have taken the name meanwhile.
      if (this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(u.name)) {
        throw new ApiError('CONFLICT', `a user named ${u.name} already exists`, { field: 'name' });
      }
      const r = this.db
        .prepare(
          `INSERT INTO users (name, display_name, role, department, street_code, phone, password_hash, created_at, must_change_password, password_changed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(u.name, u.displayName ?? u.name, u.role, u.department ?? null, u.streetCode ?? null, u.phone ?? null, hash, at, mustChangePassword ? 1 : 0, at);
      audit(this.db, ctx, 'user.add', u.name, JSON.stringify({ role: u.role, department: u.department ?? null }));
      this.forget();
      return Number(r.lastInsertRowid);
    })();
    return this.user(id);
  }

  user(id: number): User {
    const r = this.db.prepare(`${USER_SQL} WHERE u.id = ?`).get(id) as UserRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no user ${id}`);
    return toUser(r);
  }

  users(): User[] {
    return (this.db.prepare(`${USER_SQL} WHERE u.disabled = 0 ORDER BY u.role, u.name`).all() as UserRow[]).map(toUser);
  }

  /** Number of accounts (0 on a fresh database). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Creates the first administrator with a random password when there is no account yet (desktop first start). The
   * password is shown once and written beside the database, so it must be changed at the first login. */
  async ensureFirstAdmin(ctx: CallContext): Promise<{ name: string; password: string } | null> {
    if (this.count() > 0) return null;
    const password = randomBytes(12).toString('base64url');
    await this.addUser({ name: 'admin', displayName: '系统管理员', role: 'admin', password }, ctx, true);
    return { name: 'admin', password };
  }

  /** Logs in. An unknown name, a disabled account and a wrong password get the same answer after the same work; a
   * name or address with too many recent failures waits (RATE_LIMITED) without its password being tried. */
  async login(
    name: string,
    password: string,
    now: number,
    from: LoginFrom,
  ): Promise<{ token: string; user: User; expiresAt: number; mustChangePassword: boolean }> {
    const keys = [`name:${name}`, ...(from.address ? [`addr:${from.address}`] : [])];
    const until = this.throttle.blockedUntil(keys, now);
    if (until) {
      this.auditLogin(name, from, 'auth.fail', 'throttled', now);
      throw new ApiError('RATE_LIMITED', `too many failed logins: try again after ${new Date(until).toISOString()}`, { retryAfterMs: until - now });
    }
    const r = this.db.prepare(`${USER_SQL} WHERE u.name = ?`).get(name) as UserRow | undefined;
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'), this.cost);
    const ok = await verifyPassword(password, r?.password_hash ?? (await this.decoy));
    if (!r || r.disabled || !ok) {
      this.throttle.failed(keys, now);
      this.auditLogin(name, from, 'auth.fail', !r ? 'unknown name' : r.disabled ? 'disabled' : 'wrong password', now);
      throw new ApiError('UNAUTHENTICATED', 'wrong user name or password');
    }
    this.throttle.succeeded(keys[0]);
    // A hash made at a lower cost is upgraded now that the password is known.
    const upgraded = weakerThan(r.password_hash, this.cost) ? await hashPassword(password, this.cost) : null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_IDLE_MS;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now);
      this.db
        .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(sha256(token), r.id, new Date(now).toISOString(), expiresAt);
      if (upgraded) this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(upgraded, r.id, r.password_hash);
      audit(this.db, { actor: r.name, via: from.via }, 'auth.login', r.name, from.address ? JSON.stringify({ address: from.address }) : null);
    })();
    this.pendingChange.set(r.id, r.must_change_password !== 0);
    return { token, user: toUser(r), expiresAt, mustChangePassword: r.must_change_password !== 0 };
  }

  /** Records a failed login (its own transaction: the login itself writes nothing). */
  private auditLogin(name: string, from: LoginFrom, action: string, reason: string, now: number): void {
    const detail = JSON.stringify({ reason, ...(from.address ? { address: from.address } : {}), at: now });
    this.db.transaction(() => audit(this.db, { actor: 'anonymous', via: from.via }, action, name.slice(0, 64), detail))();
  }

  /** Ends a session. */
  logout(token: string): void {
    this.sessionCache.delete(sha256(token));
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
  }

  /** Recently resolved sessions: a request does not pay two queries to learn who is calling. Entries are re-read
   * from the database after 10 s, and dropped at logout or when an account changes. */
  private readonly sessionCache = new Map<string, { user: User; expiresAt: number; readAt: number }>();

  /** The user of a live session, or null. Sliding expiry is refreshed at most once a minute. */
  resolve(token: string, now = Date.now()): User | null {
    const h = sha256(token);
    const hit = this.sessionCache.get(h);
    if (hit && now - hit.readAt < 10_000 && hit.readAt <= now && hit.expiresAt > now) return hit.user;
    this.sessionCache.delete(h);
    const s = this.db.prepare('SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?').get(h) as
      { user_id: number; created_at: string; expires_at: number } | undefined;
    if (!s || s.expires_at < now) return null;
    // Use keeps a session alive, up to an absolute end: a stolen token does not work forever.
    const end = Date.parse(s.created_at) + SESSION_MAX_MS;
    if (now >= end) return null;
    const r = this.db.prepare(`${USER_SQL} WHERE u.id = ?`).get(s.user_id) as UserRow | undefined;
    if (!r || r.disabled) return null;
    let expiresAt = s.expires_at;
    if (s.expires_at - now < SESSION_IDLE_MS - 60_000 && s.expires_at < end) {
      expiresAt = Math.min(now + SESSION_IDLE_MS, end);
      this.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, h);
    }
    const user = toUser(r);
    this.pendingChange.set(r.id, r.must_change_password !== 0);
    if (this.sessionCache.size > 10_000) this.sessionCache.clear();
    this.sessionCache.set(h, { user, expiresAt, readAt: now });
    return user;
  }

  /** Forgets cached sessions and password-change flags (an account changed: the next call re-reads it). */
  private forget(): void {
    this.sessionCache.clear();
    this.pendingChange.clear();
  }

  /** Whether each account must change its password, as last read (kept in step by every change through here). */
  private readonly pendingChange = new Map<number, boolean>();

  /** True when the account must change its password before doing anything else. */
  mustChangePassword(userId: number): boolean {
    const known = this.pendingChange.get(userId);
    if (known !== undefined) return known;
    const r = this.db.prepare('SELECT must_change_password AS m FROM users WHERE id = ?').get(userId) as { m: number } | undefined;
    const must = r?.m === 1;
    if (this.pendingChange.size > 10_000) this.pendingChange.clear();
    this.pendingChange.set(userId, must);
    return must;
  }

  /** The refusal of a call by a user who must change their password first: everything but auth.me, auth.logout,
   * auth.changePassword and the public methods; null when the call may go ahead. */
  passwordChangeRefusal(user: User | null, method: string): ApiError | null {
    if (!user || user.id === 0 || PASSWORD_CHANGE_METHODS.includes(method)) return null;
    if (contract[method as MethodName]?.access === 'public' || !this.mustChangePassword(user.id)) return null;
    return new ApiError(
      'PASSWORD_CHANGE_REQUIRED',
      `${user.name} must change the password first (auth.changePassword); until then only auth.me, auth.changePassword and auth.logout answer`,
    );
  }

  /** The logged-in user with their password-change flag. */
  me(user: User): Me {
    return { ...user, mustChangePassword: user.id !== 0 && this.mustChangePassword(user.id) };
  }

  /** Creates an Open311 API key; the key is returned once and only its hash is kept. */
  createApiKey(name: string, ctx: CallContext): { id: number; key: string } {
    const key = randomBytes(24).toString('base64url');
    const id = this.db.transaction(() => {
      const r = this.db.prepare('INSERT INTO api_keys (name, key_hash, created_at) VALUES (?, ?, ?)').run(name, sha256(key), new Date().toISOString());
      audit(this.db, ctx, 'apikey.create', name, null);
      return Number(r.lastInsertRowid);
    })();
    return { id, key };
  }

  revokeApiKey(id: number, ctx: CallContext): void {
    const r = this.db.transaction(() => {
      const res = this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id);
      if (res.changes) audit(this.db, ctx, 'apikey.revoke', String(id), null);
      return res.changes;
    })();
    if (!r) throw new ApiError('NOT_FOUND', `no active API key ${id}`);
  }

  apiKeys(): ApiKeyInfo[] {
    return this.db.prepare('SELECT id, name, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys ORDER BY id').all() as never[];
  }

  /** The id of a live API key, or null. */
  checkApiKey(key: string): number | null {
    const r = this.db.prepare('SELECT id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL').get(sha256(key)) as { id: number } | undefined;
    return r?.id ?? null;
  }
}
