// How a contract entry is declared: its input schema (zod), a one-line doc, whether it writes, who may call it, and
// (as a phantom type) its result. Each domain declares its slice in a file beside this one; index.ts combines them.
import type { z } from 'zod';
import type { Role } from '../roles.ts';

/** Who may call a method: 'public' (no login), 'user' (any logged-in user) or the roles listed (admin always may). */
export type Access = 'public' | 'user' | readonly Role[];

/** One contract entry; `R` is a phantom type for the result. */
export interface MethodDef<I extends z.ZodType = z.ZodType, R = unknown> {
  input: I;
  doc: string;
  /** True when the result is raw bytes (Uint8Array): HTTP sends application/octet-stream. */
  binary?: boolean;
  /** Writes change the database (they share the group commit); reads never do. */
  write?: boolean;
  /** Writes in a transaction of its own after asynchronous work (password hashing off the event loop), outside the
   * group commit; acknowledged, like every write, only after sync replication has the change. */
  ownTransaction?: boolean;
  /** Who may call (default 'user'). */
  access?: Access;
  readonly __result?: R;
}

interface MethodOpts {
  binary?: boolean;
  write?: boolean;
  ownTransaction?: boolean;
  access?: Access;
}

/** Declares a method with result type R: `method<R>()(inputSchema, doc, opts)`. The options keep their literal types,
 * so a handler of a public method knows its caller may be nobody. */
export function method<R>() {
  return <I extends z.ZodType, const O extends MethodOpts = object>(input: I, doc: string, opts?: O): MethodDef<I, R> & O =>
    ({ input, doc, ...opts }) as MethodDef<I, R> & O;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Joins contract slices (or handler tables) into one object; a name declared twice is an error at start. */
export function combine<T extends readonly object[]>(what: string, ...parts: T): UnionToIntersection<T[number]> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [name, value] of Object.entries(part)) {
      if (Object.prototype.hasOwnProperty.call(out, name)) throw new Error(`${what}: ${name} is declared twice`);
      out[name] = value;
    }
  }
  return out as UnionToIntersection<T[number]>;
}
