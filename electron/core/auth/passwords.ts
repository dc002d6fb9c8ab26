// Password hashes: scrypt with the cost OWASP recommends (N = 2^17, r = 8, p = 1), computed on libuv's thread pool so
// a login never holds the event loop; stored as scrypt$N$r$p$salt$hash, so older, cheaper hashes still verify and are
// upgraded at the next successful login.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters. */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

/** The production cost (≈ 1 s on a 2-core virtual machine, 128 MB of memory per hash). */
export const PASSWORD_COST: PasswordCost = { N: 2 ** 17, r: 8, p: 1 };

const KEY_BYTES = 32;
/** scrypt needs 128·N·r bytes; room for the largest cost we accept. */
const MAX_MEM = 512 * 1024 * 1024;

function derive(password: string, salt: Buffer, bytes: number, cost: PasswordCost): Promise<Buffer> {
  const opts: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: MAX_MEM };
  return new Promise((resolve, reject) => scrypt(password, salt, bytes, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password at a cost. */
export async function hashPassword(password: string, cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** The cost a stored hash was made with, or null when it is not one of ours. */
export function costOf(stored: string): PasswordCost | null {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // A stored hash names its own cost: refuse absurd ones rather than let a tampered row exhaust memory.
  if (![cost.N, cost.r, cost.p].every(Number.isInteger) || cost.N < 2 || cost.N > 2 ** 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16)
    return null;
  return cost;
}

/** Checks a password against a stored hash in constant time (false for a hash that is not one of ours). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const cost = costOf(stored);
  if (!cost) return false;
  const [, , , , salt, hash] = stored.split('$');
  const want = Buffer.from(hash, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), want.length, cost);
  return got.length === want.length && timingSafeEqual(want, got);
}

/** True when a stored hash is cheaper than `cost` (re-hash it at the next successful login). */
export function weakerThan(stored: string, cost: PasswordCost): boolean {
  const c = costOf(stored);
  return !c || c.N * c.r * c.p < cost.N * cost.r * cost.p;
}
