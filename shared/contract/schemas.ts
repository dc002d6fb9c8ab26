// Schema pieces several contract slices share: places, codes, ids, text, photos.
import { z } from 'zod';
import { LIMIT_UNITS, type LimitUnit } from '../calendar.ts';

/** Longitude in degrees. */
export const lon = z.number().finite().min(-180).max(180);
/** Latitude in degrees. */
export const lat = z.number().finite().min(-90).max(90);
/** A [lon, lat] pair. */
export const lonLat = z.tuple([lon, lat]);
/** [minLon, minLat, maxLon, maxLat] with min ≤ max. */
export const bboxSchema = z
  .tuple([lon, lat, lon, lat])
  .refine((b) => b[0] <= b[2] && b[1] <= b[3], { message: 'bbox must be [minLon, minLat, maxLon, maxLat] with min ≤ max' });
/** A 4-digit class code (2 digits major class + 2 minor). */
export const classCode = z.string().regex(/^\d{4}$/, 'a class code is 4 digits (2 major + 2 minor)');
/** A 16-digit component code. */
export const componentCode = z
  .string()
  .max(32)
  .regex(/^\d{16}$/, 'a component code is exactly 16 digits');
/** A 15-digit unit grid code. */
export const gridCode = z
  .string()
  .max(32)
  .regex(/^\d{15}$/, 'a unit grid code is exactly 15 digits');
/** A 3-digit street code (within the district). */
export const streetCode = z.string().regex(/^\d{3}$/, 'a street code is 3 digits');
/** A department code (D03, D03-01…). */
export const deptCode = z.string().min(1).max(16);
/** Case kind: a component (部件) or an event (事件) case. */
export const caseKind = z.enum(['component', 'event']);
/** No input. */
export const empty = z.strictObject({});
/** A row id. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Trimmed text of at most `max` characters. */
export const text = (max: number) => z.string().trim().max(max);
/** One photo, base64. */
export const photo = z.strictObject({
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  data: z
    .string()
    .max(2_800_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'photo data must be base64'),
});
/** Up to four photos. */
export const photos = z.array(photo).max(4).optional();
/** A time-limit unit (紧急小时, 工作时, 工作日, 自然日). */
export const limitUnit = z.enum(LIMIT_UNITS as readonly LimitUnit[] as [LimitUnit, ...LimitUnit[]]);
/** A phone number. */
export const phone = z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number is 5–20 digits');
/** A time of day, HH:MM. */
export const hm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM');
/** A date or date-time (ISO 8601) for views of the past. */
export const asOf = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'asOf is a date or date-time (ISO 8601)');
/** An http(s) URL. */
export const httpUrl = z
  .string()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/, 'url must be an http(s) URL');
