// Open311 GeoReport v2 for the public and third-party clients (served under /open311/v2/ by the HTTP transport,
// which passes on only the parameters named here, with empty values left out as the spec asks).
import { z } from 'zod';
import type { Open311Definition, Open311Request, Open311Service } from '../open311.ts';
import { method } from './define.ts';
import { httpUrl, lat, lon, photo } from './schemas.ts';

const open = { access: 'public' } as const;

/** Characters XML 1.0 cannot carry (C0 controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF). */
const NON_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops the characters XML 1.0 cannot carry: one stored control character would make every XML answer that
 * lists the request ill-formed, and FixMyStreet reads XML only. */
export function stripNonXml(s: string): string {
  return s.replace(NON_XML, '');
}

/** Free text from the public: characters XML cannot carry dropped, then trimmed, at most `max` characters. */
const publicText = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform(stripNonXml)
    .pipe(z.string().trim().max(max));

/** A date-time as clients send it (W3C/ISO 8601, with or without a zone). */
const dateTime = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'a date-time is ISO 8601, e.g. 2026-11-27T10:00:00+08:00');

/** Answer of POST requests: a realtime service answers with the request's id (never with a token as well). */
export interface Open311Created {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
}

/** One status update of FixMyStreet's servicerequestupdates extension: public facts only. */
export interface Open311Update {
  update_id: string;
  service_request_id: string;
  status: 'open' | 'investigating' | 'action_scheduled' | 'in_progress' | 'fixed' | 'no_further_action';
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

const jurisdiction = { jurisdiction_id: z.string().trim().max(100).optional() };

/** open311.* */
export const open311Contract = {
  'open311.services': method<Open311Service[]>()(z.strictObject(jurisdiction), 'Open311 GeoReport v2: the services the public may report.', open),
  'open311.service': method<Open311Definition>()(
    // Any code: one that is no service is 404, whatever it looks like.
    z.strictObject({ ...jurisdiction, service_code: z.string().max(100) }),
    'Open311: one service definition.',
    open,
  ),
  'open311.create': method<Open311Created[]>()(
    z.strictObject({
      // Optional here so that a missing key is refused as the spec says (403), not as malformed input.
      api_key: z.string().max(100).optional(),
      ...jurisdiction,
      service_code: z.string().trim().min(1, 'service_code is required').max(100),
      lat: z.coerce.number().pipe(lat).optional(),
      long: z.coerce.number().pipe(lon).optional(),
      address_string: publicText(200).optional(),
      address_id: publicText(100).optional(),
      email: z.email().max(100).optional(),
      device_id: publicText(100).optional(),
      account_id: publicText(100).optional(),
      first_name: publicText(50).optional(),
      last_name: publicText(50).optional(),
      phone: z
        .string()
        .max(30)
        .regex(/^\+?[0-9][0-9 ()./-]{4,29}$/, 'a phone number is 5–30 digits')
        .optional(),
      description: publicText(4000).optional(),
      // Clients that keep several photos send media_url once per photo.
      media_url: z.union([httpUrl, z.array(httpUrl).max(4)]).optional(),
      attribute: z
        .record(z.string().max(50), z.union([publicText(500), z.array(publicText(500)).max(50)]))
        .refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes')
        .optional(),
      /** Photos uploaded with a multipart POST (the transport reads the file parts). */
      media: z.array(photo).max(4).optional(),
    }),
    'Open311: create a service request (a case in 待受理, channel Open311).',
    { ...open, write: true },
  ),
  'open311.requests': method<Open311Request[]>()(
    z.strictObject({
      ...jurisdiction,
      // Lists: comma-delimited (the transport joins a parameter given several times).
      service_request_id: z.string().max(4000).optional(),
      service_code: z.string().max(2000).optional(),
      status: z
        .string()
        .max(100)
        .regex(/^\s*(open|closed)\s*(,\s*(open|closed)\s*)*$/, 'status is open, closed or open,closed')
        .optional(),
      start_date: dateTime.optional(),
      end_date: dateTime.optional(),
    }),
    'Open311: service requests by id list, service, status and date.',
    open,
  ),
  'open311.request': method<Open311Request[]>()(
    z.strictObject({ ...jurisdiction, id: z.string().max(100) }),
    'Open311: one request (an id that is no public request is 404, whatever it looks like).',
    open,
  ),
  'open311.token': method<{ service_request_id: string; token: string }[]>()(
    z.strictObject({ ...jurisdiction, token: z.string().max(100) }),
    'Open311: the request id of a token.',
    open,
  ),
  'open311.updates': method<Open311Update[]>()(
    z.strictObject({
      ...jurisdiction,
      // FixMyStreet sends its key with every update poll; the updates are public, so it is not required.
      api_key: z.string().max(100).optional(),
      start_date: dateTime.optional(),
      end_date: dateTime.optional(),
    }),
    'Open311 (FixMyStreet servicerequestupdates): status updates of public requests between two times.',
    open,
  ),
};
