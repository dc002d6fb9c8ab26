// Validation at the edge: every transport parses input with the contract schema before a handler sees it.
import type { z } from 'zod';
import { contract, isMethod, type MethodName, type ParsedInputOf } from './contract/index.ts';
import { ApiError } from './errors.ts';

/** Parses raw input for `method`; throws ApiError(BAD_INPUT) naming the first bad field, or UNKNOWN_METHOD. */
export function parseInput<M extends MethodName>(method: M | string, raw: unknown): ParsedInputOf<M> {
  if (!isMethod(method)) {
    throw new ApiError('UNKNOWN_METHOD', `unknown method: ${String(method).slice(0, 80)}`);
  }
  const schema = contract[method].input as z.ZodType;
  const parsed = schema.safeParse(raw === undefined ? {} : raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
    const first = issues[0];
    throw new ApiError('BAD_INPUT', `${method}: invalid ${first.path}: ${first.message}`, { field: first.path, issues });
  }
  return parsed.data as ParsedInputOf<M>;
}
