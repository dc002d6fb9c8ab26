// The attributes of a service request (attribute[code], attribute[code][] for multivaluelist) checked against the
// service definition. Attributes the service does not define are left out, not refused: clients such as
// FixMyStreet send their own (attribute[uprn]) to every back-end.
import { ApiError } from '../../../shared/errors.ts';
import type { Open311Attribute } from '../../../shared/open311.ts';

/** The attribute values a client sent, as the contract parses them. */
export type GivenAttributes = Record<string, string | string[]> | undefined;

const fail = (code: string, why: string) => new ApiError('BAD_INPUT', `attribute[${code}] ${why}`, { field: `attribute[${code}]` });

/** Checks the given values against the definition; returns the values to store (a multivaluelist as its keys joined
 * by commas). */
export function readAttributes(defs: Open311Attribute[], given: GivenAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of defs) {
    const raw = given?.[a.code];
    const values = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter((v) => v !== '');
    if (values.length === 0) {
      if (a.required) throw fail(a.code, `(${a.description}) is required`);
      continue;
    }
    if (a.datatype !== 'multivaluelist' && values.length > 1) throw fail(a.code, 'takes one value');
    for (const v of values) {
      if (a.datatype === 'number' && !Number.isFinite(Number(v))) throw fail(a.code, 'must be a number');
      if (a.datatype === 'datetime' && Number.isNaN(Date.parse(v))) throw fail(a.code, 'must be a date-time (ISO 8601)');
      if (a.values && !a.values.some((x) => x.key === v)) throw fail(a.code, `must be one of ${a.values.map((x) => x.key).join(', ')}`);
    }
    out[a.code] = [...new Set(values)].join(',');
  }
  return out;
}
