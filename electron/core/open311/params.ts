// What a client sent (query string, form body, multipart fields) as the input of one open311.* method. Real clients
// send more than a method takes and in several shapes; the spec asks the server to cope:
// - only the parameters the method takes are passed on: others (deviceid, address, a client's own) are ignored;
// - an empty value (email=, lat=&long=, status=) is as if the parameter were absent;
// - list parameters (service_code, service_request_id, status) may be repeated or comma-delimited;
// - attribute[code] and attribute[code][] (a multivaluelist) are collected into `attribute`;
// - media_url may be repeated (one per photo).

/** Parameters as name/value pairs in the order they came. */
export type Entries = Iterable<[string, string]>;

/** The parameters each method takes (besides `attribute`, collected for create). */
export const PARAMS = {
  create: [
    'api_key',
    'jurisdiction_id',
    'service_code',
    'lat',
    'long',
    'address_string',
    'address_id',
    'email',
    'device_id',
    'account_id',
    'first_name',
    'last_name',
    'phone',
    'description',
    'media_url',
  ],
  requests: ['jurisdiction_id', 'service_request_id', 'service_code', 'status', 'start_date', 'end_date'],
  updates: ['jurisdiction_id', 'api_key', 'start_date', 'end_date'],
  read: ['jurisdiction_id'],
} as const;

/** Other names clients use for a parameter (FixMyStreet sends deviceid). */
const ALIAS: Record<string, string> = { deviceid: 'device_id' };
const LISTS = new Set(['service_code', 'service_request_id', 'status']);
const MULTI = new Set(['media_url']);
const ATTRIBUTE = /^attribute\[([^[\]]{1,50})\](\[\])?$/;

/** Builds a method's input from the parameters; the first value of a single-valued parameter wins. */
export function collect(entries: Entries, names: readonly string[], withAttributes = false): Record<string, unknown> {
  // No prototype: a client's attribute[__proto__] must stay a name like any other.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const attrs = Object.create(null) as Record<string, string | string[]>;
  for (const [rawName, value] of entries) {
    if (value.trim() === '') continue;
    const a = withAttributes ? ATTRIBUTE.exec(rawName) : null;
    if (a) {
      const prev = attrs[a[1]];
      // attribute[x][] is always a list; attribute[x] given twice becomes one (the definition decides if it may be).
      attrs[a[1]] = prev === undefined ? (a[2] ? [value] : value) : [...(Array.isArray(prev) ? prev : [prev]), value];
      continue;
    }
    const name = ALIAS[rawName] ?? rawName;
    if (!names.includes(name)) continue;
    const prev = out[name];
    if (LISTS.has(name)) out[name] = prev === undefined ? value : `${String(prev)},${value}`;
    else if (MULTI.has(name)) out[name] = [...((prev as string[] | undefined) ?? []), value];
    else if (prev === undefined) out[name] = value;
  }
  if (Object.keys(attrs).length) out.attribute = attrs;
  // One media_url stays a string: the contract takes a URL or a list of them.
  if (Array.isArray(out.media_url) && out.media_url.length === 1) out.media_url = out.media_url[0];
  return out;
}
