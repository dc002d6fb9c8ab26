// Code formats: the 15-digit unit grid code (GB/T 30428.1: district, street, community, serial) and the 16-digit
// component code (CJ/T 214: district, major class, minor class, serial). Pure functions: no I/O.

/** A parsed 15-digit unit grid code (万米单元网格标识码): 6 admin + 3 street + 3 community + 3 serial. */
export interface GridCodeParts {
  admin: string;
  street: string;
  community: string;
  serial: string;
}

/** A parsed 16-digit component code (部件标识码, CJ/T 214-2007): 6 admin + 2 major + 2 minor + 6 serial. */
export interface ComponentCodeParts {
  admin: string;
  major: string;
  minor: string;
  classCode: string;
  serial: string;
}

/** Result of a code check: the parts, or the reason it is not a valid code. */
export type CodeCheck<T> = { ok: true; value: T } | { ok: false; reason: string };

// GB/T 2260 province prefixes run from 11 (Beijing) to 82 (Macao).
function adminProblem(admin: string): string | null {
  const prov = Number(admin.slice(0, 2));
  if (prov < 11 || prov > 82) return `administrative code ${admin} has no valid province prefix (11–82)`;
  if (admin.slice(2) === '0000') return `administrative code ${admin} is a province, not a county-level division`;
  return null;
}

/** Parses a 15-digit unit grid code; community-placeholder cells use serial 000. */
export function parseGridCode(code: string): CodeCheck<GridCodeParts> {
  if (typeof code !== 'string' || !/^\d{15}$/.test(code)) {
    return { ok: false, reason: 'a unit grid code is exactly 15 digits (6 admin + 3 street + 3 community + 3 serial)' };
  }
  const admin = code.slice(0, 6);
  const bad = adminProblem(admin);
  if (bad) return { ok: false, reason: bad };
  const street = code.slice(6, 9);
  const community = code.slice(9, 12);
  if (street === '000') return { ok: false, reason: 'street code 000 is not allowed' };
  if (community === '000') return { ok: false, reason: 'community code 000 is not allowed' };
  return { ok: true, value: { admin, street, community, serial: code.slice(12, 15) } };
}

/** Builds a 15-digit unit grid code from its parts. */
export function formatGridCode(admin: string, street: number, community: number, serial: number): string {
  return `${admin}${pad(street, 3)}${pad(community, 3)}${pad(serial, 3)}`;
}

/** Parses a 16-digit component code (CJ/T 214-2007 / GB/T 30428.2-2013). */
export function parseComponentCode(code: string): CodeCheck<ComponentCodeParts> {
  if (typeof code !== 'string' || !/^\d{16}$/.test(code)) {
    return { ok: false, reason: 'a component code is exactly 16 digits (6 admin + 2 major + 2 minor + 6 serial)' };
  }
  const admin = code.slice(0, 6);
  const bad = adminProblem(admin);
  if (bad) return { ok: false, reason: bad };
  const major = code.slice(6, 8);
  const minor = code.slice(8, 10);
  const serial = code.slice(10, 16);
  if (major === '00') return { ok: false, reason: 'major class 00 does not exist' };
  if (minor === '00') return { ok: false, reason: 'minor class 00 does not exist' };
  if (serial === '000000') return { ok: false, reason: 'serial 000000 is not allowed (serials start at 000001)' };
  return { ok: true, value: { admin, major, minor, classCode: major + minor, serial } };
}

/** Builds a 16-digit component code from admin code, 4-digit class code and serial. */
export function formatComponentCode(admin: string, classCode: string, serial: number): string {
  return `${admin}${classCode}${pad(serial, 6)}`;
}

/** True when `s` looks like a 4-digit component/event class code (2 major + 2 minor). */
export function isClassCode(s: string): boolean {
  return /^\d{4}$/.test(s) && s.slice(0, 2) !== '00' && s.slice(2) !== '00';
}

function pad(n: number, width: number): string {
  const s = String(n);
  if (!Number.isInteger(n) || n < 0 || s.length > width) throw new RangeError(`${n} does not fit in ${width} digits`);
  return s.padStart(width, '0');
}
