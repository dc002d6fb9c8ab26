// One call through the core: who is calling (the session, then the method's access list), what they sent (parsed by
// the contract's schema), then the handler. Errors come back as data, never thrown across a transport.
import { randomBytes } from 'node:crypto';
import { callRefusal } from '../../shared/access.ts';
import { contract, type MethodName } from '../../shared/contract/index.ts';
import { ApiError, type ApiResult } from '../../shared/errors.ts';
import { parseInput } from '../../shared/validate.ts';
import type { User } from '../../shared/model.ts';
import type { App } from './app.ts';
import type { CallContext } from './context.ts';
import type { AnyHandler, HandlerContext, Handlers } from './handlers.ts';

/** Runs a call synchronously (a handler may still return a promise: see settle). */
export function invokeSync(app: App, handlers: Handlers, method: string, raw: unknown, ctx: CallContext): ApiResult<unknown> {
  try {
    const def = contract[method as MethodName];
    if (!def) throw new ApiError('UNKNOWN_METHOD', `unknown method: ${String(method).slice(0, 80)}`);
    const user: User | null = ctx.user ?? (ctx.token ? app.auth.resolve(ctx.token, app.now()) : null);
    const refused = callRefusal(user, method as MethodName);
    if (refused) throw new ApiError(refused.code, refused.message);
    // A reset (or generated) password must be changed before the account does anything else.
    const pending = app.auth.passwordChangeRefusal(user, method);
    if (pending) throw pending;
    const input = parseInput(method, raw);
    // The system principal (command line, in-process tools) keeps the actor its caller named, e.g. cli:root.
    const hctx: HandlerContext = { ...ctx, actor: user && user.id !== 0 ? user.name : (ctx.actor ?? user?.name), user };
    return { ok: true, result: (handlers[method as MethodName] as AnyHandler)(input, hctx) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toData() };
    return internalError(method, e);
  }
}

/** An unexpected failure: logged in full with a reference; the caller gets the reference only, never the internal
 * message (it can name code, tables or data the caller may not see). */
export function internalError(method: string, e: unknown): ApiResult<never> {
  const ref = randomBytes(4).toString('hex');
  console.error(`cityops core: ${method} failed (ref ${ref}):`, e);
  return { ok: false, error: { code: 'INTERNAL', message: `internal error (ref ${ref}); the server log has the details` } };
}

/** Waits for a handler's promised result and turns a rejection into an error result. */
export async function settle(r: ApiResult<unknown>): Promise<ApiResult<unknown>> {
  if (!r.ok || !(r.result instanceof Promise)) return r;
  try {
    return { ok: true, result: await r.result };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toData() };
    const msg = (e as Error).message;
    const status = (e as { status?: number }).status;
    // Replica errors carry an HTTP-like status: the caller's mistake or the replica's state, not ours.
    if (typeof status === 'number')
      return { ok: false, error: { code: status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_INPUT', message: msg } };
    console.error('cityops core: async handler failed:', e);
    return { ok: false, error: { code: 'INTERNAL', message: msg } };
  }
}
