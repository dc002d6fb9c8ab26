// The users table as the auth services read it: one row type, the query that joins the department's level, and the
// shapes the contract returns (User for everyone, Account for administrators).
import { createHash } from 'node:crypto';
import type { Role } from '../../../shared/roles.ts';
import type { User } from '../../../shared/model.ts';
import type { Account } from '../../../shared/contract/auth.ts';

/** SHA-256 in hex: session tokens and API keys are stored only as this. */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** One row of `users` with its department's level. */
export interface UserRow {
  id: number;
  name: string;
  display_name: string;
  role: Role;
  department: string | null;
  street_code: string | null;
  phone: string | null;
  password_hash: string;
  disabled: number;
  must_change_password: number;
  created_at: string;
  password_changed_at: string | null;
  dept_level: number | null;
}

/** Users with their department's level; add a WHERE clause. */
export const USER_SQL = `SELECT u.*, d.level AS dept_level FROM users u LEFT JOIN departments d ON d.code = u.department`;

/** The user a session carries. */
export function toUser(r: UserRow): User {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    role: r.role,
    department: r.department,
    departmentLevel: r.dept_level,
    streetCode: r.street_code,
    phone: r.phone,
  };
}

/** The account as administrators see it. */
export function toAccount(r: UserRow, sessions: number): Account {
  return {
    ...toUser(r),
    disabled: r.disabled !== 0,
    mustChangePassword: r.must_change_password !== 0,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at,
    sessions,
  };
}
