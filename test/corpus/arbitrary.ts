// The contract's zod schemas read back as data: the fields of a method's input, values each field must refuse, and
// fast-check arbitraries of inputs the schema accepts (for the fuzzing pass). Only the zod kinds the contract uses
// are understood; anything else yields a value the schema refuses, which the callers filter out.
import fc from 'fast-check';
import { z } from 'zod';

/** The part of a zod v4 schema's definition this file reads. */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  format?: string;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  coerce?: boolean;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (s: z.ZodType): CheckDef[] => (defOf(s).checks ?? []).map((c) => c._zod.def);

/** The objects a method's input may be: one for a plain object, one per option of a (discriminated) union. */
export function objectVariants(schema: z.ZodType): Record<string, z.ZodType>[] {
  const d = defOf(schema);
  if (d.type === 'object' && d.shape) return [d.shape];
  if (d.type === 'union' && d.options) return d.options.flatMap(objectVariants);
  return [];
}

/** The literal value a field must have (a discriminator), if it is a literal. */
export function literalOf(schema: z.ZodType): unknown {
  const d = defOf(schema);
  return d.type === 'literal' ? d.values?.[0] : undefined;
}

const HUGE = 'x'.repeat(20_000);
const DEEP = JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown;

/** Candidate bad values for any field: wrong types, numbers as strings, huge, nested garbage, operator objects. */
export const BAD_VALUES: readonly unknown[] = [
  null,
  42,
  -1,
  1.5,
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  '   ',
  HUGE,
  [],
  {},
  true,
  { $gt: '' },
  ['__proto__'],
  JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
  DEEP,
  '1e309',
  "'; DROP TABLE cases; --",
  '../../../etc/passwd',
];

/** Up to `n` values the field's schema refuses, of different kinds (the first that fail, in BAD_VALUES order). */
export function badValuesFor(field: z.ZodType, n = 2): unknown[] {
  const out: unknown[] = [];
  const kinds = new Set<string>();
  for (const v of BAD_VALUES) {
    if (field.safeParse(v).success) continue;
    const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'string' && v.length > 1000 ? 'huge' : typeof v;
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    out.push(v);
    if (out.length >= n) break;
  }
  return out;
}

// ---- arbitraries of accepted inputs ----------------------------------------------------------------------------

/** The city's area, where most interesting points lie; fuzzed coordinates come from here half the time. */
const CITY = { lon: [119.85, 120.05], lat: [32.4, 32.56] } as const;

function numberArb(s: z.ZodType, hint: string): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let int = false;
  for (const c of checksOf(s)) {
    if (c.check === 'greater_than' && c.value !== undefined) min = c.inclusive ? c.value : c.value + (Number.isInteger(c.value) ? 1 : 1e-9);
    if (c.check === 'less_than' && c.value !== undefined) max = c.inclusive ? c.value : c.value - 1e-9;
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) int = true;
  }
  if (int) return fc.integer({ min: Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER)), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) });
  const any = fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const city = hint === 'lon' ? CITY.lon : hint === 'lat' ? CITY.lat : null;
  return city ? fc.oneof(any, fc.double({ min: city[0], max: city[1], noNaN: true })) : any;
}

/** Dates and times as callers write them, and some they should not (still accepted by Date.parse). */
const dateArb = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((x) => x.toISOString()),
  fc.constantFrom('2026-11-29', '2026-11-29T10:00:00+08:00', '0', '1', '2026', 'Dec 25, 1995', '9999-12-31T23:59:59Z', '-000001-01-01T00:00:00Z'),
);

function stringArb(s: z.ZodType, hint: string): fc.Arbitrary<string> {
  const d = defOf(s);
  if (hint === 'asOf') return dateArb;
  let min = 0;
  let max = 60;
  let pattern: RegExp | undefined;
  for (const c of checksOf(s)) {
    if (c.check === 'min_length' && c.minimum !== undefined) min = c.minimum;
    if (c.check === 'max_length' && c.maximum !== undefined) max = Math.min(max, c.maximum);
    if (c.check === 'string_format' && c.format === 'regex') pattern = c.pattern;
  }
  if (d.format === 'email') return fc.emailAddress();
  if (d.format === 'url') return fc.webUrl();
  if (d.format === 'datetime') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((x) => x.toISOString());
  if (pattern) return fc.stringMatching(pattern).filter((x) => x.length <= Math.max(max, 200));
  // Text fields get the characters that break naive SQL, FTS, XML and paths as well as ordinary Chinese and ASCII.
  const special = fc.constantFrom('"', "'", '*', '%', '_', '\\', '(', ')', 'NEAR', 'AND', 'OR', '-', ':', '^', '\u0000', '\u001f', '海陵', '..', '/', '{z}');
  const chars = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), special);
  return fc
    .array(chars, { maxLength: 12 })
    .map((parts) => parts.join('').slice(0, max))
    .filter((x) => x.trim().length >= min);
}

/** An arbitrary of values `schema` accepts (mostly; the caller filters with safeParse). `hint` is the field name. */
export function arbitraryOf(schema: z.ZodType, hint = ''): fc.Arbitrary<unknown> {
  const d = defOf(schema);
  switch (d.type) {
    case 'string':
      return stringArb(schema, hint);
    case 'number':
      return numberArb(schema, hint);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(d.values ?? [null]));
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries ?? { x: 'x' }));
    case 'optional':
      return fc.option(arbitraryOf(d.innerType!, hint), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(arbitraryOf(d.innerType!, hint), { nil: null, freq: 3 });
    case 'pipe':
      return arbitraryOf(d.out!, hint);
    case 'array': {
      const c = checksOf(schema);
      const minLength = c.find((x) => x.check === 'min_length')?.minimum ?? 0;
      const maxLength = Math.min(c.find((x) => x.check === 'max_length')?.maximum ?? 5, Math.max(minLength, 5));
      return fc.array(arbitraryOf(d.element!, hint), { minLength, maxLength });
    }
    case 'tuple':
      return fc.tuple(
        ...(d.items ?? []).map((it, i) => arbitraryOf(it, hint === 'bbox' || hint === 'line' || hint === 'coordinates' ? (i % 2 ? 'lat' : 'lon') : hint)),
      );
    case 'record':
      return fc.dictionary(arbitraryOf(d.keyType!) as fc.Arbitrary<string>, arbitraryOf(d.valueType!), { maxKeys: 3 });
    case 'union':
      return fc.oneof(...(d.options ?? []).map((o) => arbitraryOf(o, hint)));
    case 'object': {
      const shape = d.shape ?? {};
      const keys = Object.keys(shape);
      const req = keys.filter((k) => !shape[k].safeParse(undefined).success);
      return fc.record(Object.fromEntries(keys.map((k) => [k, arbitraryOf(shape[k], k)])), { requiredKeys: req }).map((o) => {
        // fc.record may give an optional key with the value undefined; JSON would drop it, so drop it here too.
        for (const k of Object.keys(o)) if ((o as Record<string, unknown>)[k] === undefined) delete (o as Record<string, unknown>)[k];
        return o;
      });
    }
    default:
      return fc.constant(Symbol('unsupported'));
  }
}

/** Inputs `schema` accepts, drawn from arbitraryOf (rejected draws are skipped). */
export const validInputs = (schema: z.ZodType): fc.Arbitrary<unknown> => arbitraryOf(schema).filter((v) => schema.safeParse(v).success);
