// Accounts, sessions and the API keys of Open311 clients; the account lifecycle (disable, enable, password change and
// reset, role and placement changes, session revocation) and the password policy the core and the UI both apply.
import { z } from 'zod';
import { ROLES } from '../roles.ts';
import type { ApiKeyInfo, Session, User } from '../model.ts';
import { method } from './define.ts';
import { deptCode, empty, id, phone, streetCode, text } from './schemas.ts';

/** A user name: letters, digits, Chinese characters, `_`, `.` and `-`. */
export const userName = z.string().regex(/^[A-Za-z0-9_.\-\u4e00-\u9fa5]{1,64}$/, 'a user name is 1–64 letters, digits, Chinese characters or _.-');

/** The shortest password a user may choose (change or forced change). */
export const PASSWORD_MIN = 10;
/** The longest password accepted anywhere. */
export const PASSWORD_MAX = 200;

/** Which rule a chosen password breaks: too short or too long, or the user's own name. */
export type PasswordRule = 'length' | 'name';

/** The rule a new password breaks, or null when it is acceptable. The core refuses with it; the UI previews it. */
export function passwordProblem(userName: string, password: string): PasswordRule | null {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return 'length';
  // The name is the first guess of anyone trying the account.
  if (password.trim().toLowerCase() === userName.toLowerCase()) return 'name';
  return null;
}

/** An account as administrators see it: the user plus its lifecycle state. */
export interface Account extends User {
  disabled: boolean;
  /** Set after a reset (and for the desktop's first administrator): only a password change is allowed until done. */
  mustChangePassword: boolean;
  createdAt: string;
  passwordChangedAt: string | null;
  /** Live sessions now. */
  sessions: number;
}

/** The logged-in user, with whether they must change their password before anything else. */
export type Me = User & { mustChangePassword: boolean };

/** An optional reason recorded in the audit. */
const reason = text(200).optional();

/** auth.*, users.* and apikeys.* */
export const authContract = {
  'auth.login': method<Session & { mustChangePassword: boolean }>()(
    z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX) }),
    'Log in; returns a session token for the Authorization header (Bearer) or the desktop bridge. Throttled per name and address (RATE_LIMITED). When mustChangePassword is set, only auth.me, auth.logout and auth.changePassword answer until the password is changed.',
    { access: 'public', ownTransaction: true },
  ),
  'auth.logout': method<null>()(empty, 'End this session.', { write: true }),
  'auth.me': method<Me>()(empty, 'The logged-in user.'),
  'auth.changePassword': method<null>()(
    z.strictObject({ current: z.string().min(1, 'give your current password').max(PASSWORD_MAX), password: z.string().max(PASSWORD_MAX) }),
    `Change one's own password: the current one is checked (throttled like a login), the new one has at least ${PASSWORD_MIN} characters and is not the user name. The user's other sessions end.`,
    { ownTransaction: true },
  ),
  'users.list': method<User[]>()(empty, 'Accounts of the centre.', { access: ['admin', 'shift_leader', 'dispatcher'] }),
  'users.accounts': method<Account[]>()(empty, 'Every account with its state, disabled ones included (administrators).', { access: ['admin'] }),
  'users.add': method<User>()(
    z.strictObject({
      name: userName,
      displayName: text(50).optional(),
      role: z.enum(ROLES),
      department: deptCode.optional(),
      streetCode: streetCode.optional(),
      phone: phone.optional(),
      password: z.string().min(8, 'a password needs at least 8 characters').max(PASSWORD_MAX),
    }),
    'Create an account (administrators).',
    { ownTransaction: true, access: ['admin'] },
  ),
  'users.disable': method<Account>()(
    z.strictObject({ id, reason }),
    'Disable an account: it cannot log in, its sessions end and its push connections close at once (administrators).',
    { write: true, access: ['admin'] },
  ),
  'users.enable': method<Account>()(z.strictObject({ id, reason }), 'Enable a disabled account again (administrators).', { write: true, access: ['admin'] }),
  'users.resetPassword': method<{ account: Account; password: string }>()(
    z.strictObject({ id, reason }),
    'Give an account a generated password, returned only now (only its hash is stored); its sessions end and the user must change it at the next login (administrators).',
    { ownTransaction: true, access: ['admin'] },
  ),
  'users.update': method<Account>()(
    z
      .strictObject({
        id,
        role: z.enum(ROLES).optional(),
        // null unbinds: a user who is no longer a department user, a supervisor who covers the whole district.
        department: deptCode.nullable().optional(),
        streetCode: streetCode.nullable().optional(),
        displayName: text(50).min(1).optional(),
        phone: phone.nullable().optional(),
        reason,
      })
      .refine((u) => [u.role, u.department, u.streetCode, u.displayName, u.phone].some((v) => v !== undefined), {
        message: 'say what to change: role, department, streetCode, displayName or phone',
      }),
    "Change an account's role, department, street, display name or phone; the department and street must exist and fit the role, as for users.add (administrators).",
    { write: true, access: ['admin'] },
  ),
  'users.revokeSessions': method<{ revoked: number }>()(
    z.strictObject({ id, reason }),
    'End every session of an account now; its push connections close (administrators).',
    { write: true, access: ['admin'] },
  ),
  'apikeys.list': method<ApiKeyInfo[]>()(empty, 'Open311 API keys (never the key itself).', { access: ['admin'] }),
  'apikeys.create': method<{ id: number; key: string }>()(
    z.strictObject({ name: text(100).min(1, 'name the client the key is for') }),
    'Create an Open311 API key; the key is returned only now (only its hash is stored).',
    { write: true, access: ['admin'] },
  ),
  'apikeys.revoke': method<null>()(z.strictObject({ id }), 'Revoke an Open311 API key.', { write: true, access: ['admin'] }),
};

/** Methods a user who must change their password may still call. */
export const PASSWORD_CHANGE_METHODS: readonly string[] = ['auth.login', 'auth.me', 'auth.logout', 'auth.changePassword'];
