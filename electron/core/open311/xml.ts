// The GeoReport v2 XML form of an answer, and the spec's error list (errors/error with code and description) in
// either format. Characters XML cannot carry are dropped on the way out too: a case taken in before they were
// refused, or on another channel, must not make a whole list ill-formed.
import { stripNonXml } from '../../../shared/contract/open311.ts';
import { isMethod } from '../../../shared/contract/index.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

/** XML element names of list items, per list. */
const ITEM: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
const escXml = (s: string) => stripNonXml(s).replace(/[<>&'"]/g, (c) => ENTITY[c]);

/** Serializes a JSON value as the GeoReport v2 XML form. */
export function toXml(root: string, value: unknown): string {
  const el = (name: string, v: unknown): string => {
    if (v === null || v === undefined) return `<${name}/>`;
    if (Array.isArray(v)) return `<${name}>${v.map((x) => el(ITEM[name] ?? 'item', x)).join('')}</${name}>`;
    if (typeof v === 'object')
      return `<${name}>${Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => el(k, x))
        .join('')}</${name}>`;
    return `<${name}>${escXml(String(v))}</${name}>`;
  };
  return `<?xml version="1.0" encoding="utf-8"?>${el(root, value)}`;
}

/** HTTP status of a contract error under Open311 (the spec names 400, 403 and 404). */
export const OPEN311_STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  OUTSIDE_CITY: 400,
  CONFLICT: 400,
  UNAUTHENTICATED: 403,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  RATE_LIMITED: 429,
};

/** An error description for the public: without the contract's method names ("open311.create: invalid lat: …"
 * reads "invalid lat: …") and with attribute paths as clients write them (attribute[volume], not attribute.volume). */
export function publicDescription(message: string): string {
  return message
    .replace(/^[a-z][a-z0-9]*\.[a-zA-Z]+:\s*/, (m) => (isMethod(m.replace(/:\s*$/, '')) ? '' : m))
    .replace(/\b[a-z][a-z0-9]*\.[a-z][a-zA-Z]*\b/g, (w) => (isMethod(w) ? 'this request' : w))
    .replace(/\battribute\.([^\s.:]+)(\.\d+)?/g, 'attribute[$1]')
    .replace(/\b(media_url|media)\.(\d+)/g, '$1[$2]')
    .slice(0, 500);
}

/** Open311 answer formats, by the path's extension. */
export type Open311Format = 'json' | 'xml';

/** The spec's error list and its body in one format. */
export function errorBody(fmt: Open311Format, status: number, description: string): { type: string; body: string } {
  const errors = [{ code: status, description: publicDescription(description) }];
  return fmt === 'xml'
    ? { type: 'text/xml; charset=utf-8', body: toXml('errors', errors) }
    : { type: 'application/json; charset=utf-8', body: JSON.stringify(errors) };
}
