// Accounts, sessions and the API keys of Open311 clients.
import { z } from 'zod';
import { ROLES } from '../roles.ts';
import type { ApiKeyInfo, Session, User } from '../model.ts';
import { method } from './define.ts';
import { deptCode, empty, id, phone, streetCode, text } from './schemas.ts';

/** A user name: letters, digits, Chinese characters, `_`, `.` and `-`. */
export const userName = z.string().regex(/^[A-Za-z0-9_.\-\u4e00-\u9fa5]{1,64}$/, 'a user name is 1–64 letters, digits, Chinese characters or _.-');

/** auth.*, users.* and apikeys.* */
export const authContract = {
  'auth.login': method<Session>()(
    z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
    'Log in; returns a session token for the Authorization header (Bearer) or the desktop bridge. Throttled per name and address (RATE_LIMITED).',
    { access: 'public', ownTransaction: true },
  ),
  'auth.logout': method<null>()(empty, 'End this session.', { write: true }),
  'auth.me': method<User>()(empty, 'The logged-in user.'),
  'users.list': method<User[]>()(empty, 'Accounts of the centre.', { access: ['admin', 'shift_leader', 'dispatcher'] }),
  'users.add': method<User>()(
    z.strictObject({
      name: userName,
      displayName: text(50).optional(),
      role: z.enum(ROLES),
      department: deptCode.optional(),
      streetCode: streetCode.optional(),
      phone: phone.optional(),
      password: z.string().min(8, 'a password needs at least 8 characters').max(200),
    }),
    'Create an account (administrators).',
    { ownTransaction: true, access: ['admin'] },
  ),
  'apikeys.list': method<ApiKeyInfo[]>()(empty, 'Open311 API keys (never the key itself).', { access: ['admin'] }),
  'apikeys.create': method<{ id: number; key: string }>()(
    z.strictObject({ name: text(100).min(1, 'name the client the key is for') }),
    'Create an Open311 API key; the key is returned only now (only its hash is stored).',
    { write: true, access: ['admin'] },
  ),
  'apikeys.revoke': method<null>()(z.strictObject({ id }), 'Revoke an Open311 API key.', { write: true, access: ['admin'] }),
};
