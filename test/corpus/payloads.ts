// Bad payloads for every method of the combined contract, generated from its schemas: whole inputs of the wrong
// shape, and per field (per variant of a union) values the field refuses. Every payload here must be refused by the
// schema, so no handler runs and nothing can be written; the corpus checks it is refused clearly on every transport.
import type { z } from 'zod';
import { contract, type MethodName } from '../../shared/contract/index.ts';
import { badValuesFor, literalOf, objectVariants } from './arbitrary.ts';

/** One bad input: a label for the failure message, and the field the refusal must name (when there is one). */
export interface BadPayload {
  label: string;
  input: unknown;
  field?: string;
}

/** Every method of the contract. */
export const METHODS = Object.keys(contract) as MethodName[];

/** A deep nest of objects (JSON parsers and validators that recurse would overflow). */
const deepObject = (n: number): unknown => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));

/** Inputs no method takes: not an object, or an object with keys no schema declares. */
export function shapelessPayloads(): BadPayload[] {
  return [
    { label: 'null', input: null },
    { label: 'a number', input: 42 },
    { label: 'a string', input: 'hello' },
    { label: 'an array', input: [{}] },
    { label: 'true', input: true },
    { label: '"NaN" as the input', input: 'NaN' },
    { label: 'own __proto__ key', input: JSON.parse('{"__proto__":{"isAdmin":true,"role":"admin"}}') },
    { label: 'constructor.prototype', input: { constructor: { prototype: { polluted: true } } } },
    { label: 'an unknown key with a 20 kB string', input: { zzUnknown: 'y'.repeat(20_000) } },
    { label: 'an unknown key nested 1000 deep', input: { zzNested: deepObject(1000) } },
  ];
}

/** Values a method's own fields refuse, one field at a time (the other fields left out or at their literal). */
export function fieldPayloads(method: MethodName): BadPayload[] {
  const out: BadPayload[] = [];
  for (const shape of objectVariants(contract[method].input as z.ZodType)) {
    // A discriminated union's option is chosen by its literal field; keep it so the refusal is about the bad field.
    const fixed = Object.fromEntries(Object.entries(shape).flatMap(([k, s]) => (literalOf(s) === undefined ? [] : [[k, literalOf(s)]])));
    const tag = Object.values(fixed).join('/');
    for (const [field, schema] of Object.entries(shape)) {
      if (field in fixed) continue;
      for (const bad of badValuesFor(schema)) {
        out.push({ label: `${tag ? `${tag}: ` : ''}${field} = ${describe(bad)}`, input: { ...fixed, [field]: bad }, field });
      }
    }
  }
  return out;
}

/** A short description of a value for a test label. */
function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? `${Array.isArray(v) ? 'an array' : 'an object'} nested deep` : s;
}

/** Every bad payload of a method. */
export const payloadsOf = (method: MethodName): BadPayload[] => [...shapelessPayloads(), ...fieldPayloads(method)];
