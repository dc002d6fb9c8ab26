// Handler tables: each domain declares the handlers of its slice of the contract next to its service
// (electron/core/<domain>/handlers.ts); the core combines them. A method without a handler does not compile, and a
// name registered twice stops the core at start.
import type { z } from 'zod';
import { combine } from '../../shared/contract/define.ts';
import { contract, type Contract, type MethodDef } from '../../shared/contract/index.ts';
import type { User } from '../../shared/model.ts';
import type { CallContext } from './context.ts';

/** The context a handler runs in: the caller resolved to a user (nobody only for public methods). */
export type HandlerContext<U extends User | null = User | null> = Omit<CallContext, 'user'> & { user: U };

type UserOf<D> = D extends { access: 'public' } ? User | null : User;
type ResultOfDef<D> = D extends MethodDef<z.ZodType, infer R> ? R : never;

/** The handlers of a contract slice, typed by it: parsed input in, the declared result (or its promise) out. */
export type HandlersOf<S extends Record<string, MethodDef>> = {
  [M in keyof S]: (input: z.output<S[M]['input']>, ctx: HandlerContext<UserOf<S[M]>>) => ResultOfDef<S[M]> | Promise<ResultOfDef<S[M]>>;
};

/** One handler per method of the whole contract. */
export type Handlers = HandlersOf<Contract>;

/** A handler as the invoker calls it. */
export type AnyHandler = (input: unknown, ctx: HandlerContext) => unknown;

/** Combines the domains' tables; refuses a name registered twice, and a contract method without a handler or a
 * handler without a method. Assign the result to `Handlers` so a missing table is a compile error too. */
export function combineHandlers<T extends readonly object[]>(...tables: T) {
  const all = combine('handlers', ...tables);
  const names = Object.keys(all as object);
  const missing = Object.keys(contract).filter((m) => !names.includes(m));
  if (missing.length) throw new Error(`handlers: no handler for ${missing.join(', ')}`);
  const extra = names.filter((m) => !(m in contract));
  if (extra.length) throw new Error(`handlers: ${extra.join(', ')} not in the contract`);
  return all;
}
