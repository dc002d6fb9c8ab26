// Open311 GeoReport v2 for the public and third-party clients (served under /open311/v2/ by the HTTP transport).
import { z } from 'zod';
import type { Open311Definition, Open311Request, Open311Service } from '../open311.ts';
import { method } from './define.ts';
import { classCode, empty, lat, lon, phone, text } from './schemas.ts';

const open = { access: 'public' } as const;

/** open311.* */
export const open311Contract = {
  'open311.services': method<Open311Service[]>()(empty, 'Open311 GeoReport v2: the services the public may report.', open),
  'open311.service': method<Open311Definition>()(z.strictObject({ service_code: classCode }), 'Open311: one service definition.', open),
  'open311.create': method<{ service_request_id: string; token: string; service_notice: string; account_id: string | null }[]>()(
    z.strictObject({
      api_key: z.string().min(1).max(100),
      jurisdiction_id: text(50).optional(),
      service_code: classCode,
      lat: z.coerce.number().pipe(lat).optional(),
      long: z.coerce.number().pipe(lon).optional(),
      address_string: text(200).optional(),
      address_id: text(50).optional(),
      email: z.email().max(100).optional(),
      device_id: text(100).optional(),
      account_id: text(100).optional(),
      first_name: text(50).optional(),
      last_name: text(50).optional(),
      phone: phone.optional(),
      description: text(4000).optional(),
      media_url: z.url().max(500).optional(),
      attribute: z.record(z.string().max(50), z.string().max(500)).optional(),
    }),
    'Open311: create a service request (a case in 待受理, channel Open311).',
    { ...open, write: true },
  ),
  'open311.requests': method<Open311Request[]>()(
    z.strictObject({
      jurisdiction_id: text(50).optional(),
      service_request_id: z.string().max(2000).optional(),
      service_code: classCode.optional(),
      status: z
        .string()
        .regex(/^(open|closed)(,(open|closed))?$/, 'status is open, closed or open,closed')
        .optional(),
      start_date: z.iso.datetime({ offset: true }).optional(),
      end_date: z.iso.datetime({ offset: true }).optional(),
    }),
    'Open311: service requests by id list, service, status and date.',
    open,
  ),
  'open311.request': method<Open311Request[]>()(
    z.strictObject({ id: z.string().regex(/^\d{13}$/, 'a service request id is 13 digits') }),
    'Open311: one request.',
    open,
  ),
  'open311.token': method<{ service_request_id: string; token: string }[]>()(
    z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }),
    'Open311: the request id of a token.',
    open,
  ),
};
