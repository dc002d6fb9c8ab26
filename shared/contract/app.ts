// The centre as a whole: facts and counts, the catalogue tables, search and settings.
import { z } from 'zod';
import type { AppInfo, ComponentClass, Department, EventClass, SearchHit, Settings } from '../model.ts';
import { method } from './define.ts';
import { empty, hm, httpUrl } from './schemas.ts';

/** app.* */
export const appContract = {
  'app.info': method<AppInfo>()(empty, 'Counts and facts about the open centre.'),
};

/** catalog.*: the reference tables. */
export const catalogContract = {
  'catalog.componentClasses': method<ComponentClass[]>()(empty, 'Component class table (部件大类/小类) with default departments.'),
  'catalog.eventClasses': method<EventClass[]>()(empty, 'Event class table (事件大类/小类) with default department and time limit.'),
  'catalog.departments': method<Department[]>()(empty, 'Department tree: second-, third- and fourth-level units.'),
};

/** search.* */
export const searchContract = {
  'search.query': method<SearchHit[]>()(
    z.strictObject({ q: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(50).optional() }),
    'Find a grid code, component code, street or community name.',
  ),
};

const baseLayer = z
  .strictObject({
    kind: z.enum(['none', 'xyz', 'tianditu']),
    url: httpUrl.refine((u) => u.includes('{z}') && u.includes('{x}') && u.includes('{y}'), 'url must contain {z}, {x} and {y}').optional(),
    tiandituKey: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/, 'a Tianditu key is 32 hexadecimal characters')
      .optional(),
    tiandituLayer: z.enum(['vec', 'img']).optional(),
    opacity: z.number().min(0).max(1),
  })
  .refine((b) => b.kind !== 'xyz' || !!b.url, { message: 'an XYZ base layer needs a url', path: ['url'] })
  .refine((b) => b.kind !== 'tianditu' || !!b.tiandituKey, { message: 'a Tianditu base layer needs a key', path: ['tiandituKey'] });

/** settings.*: centre-wide settings. */
export const settingsContract = {
  'settings.get': method<Settings>()(empty, 'Centre settings.'),
  'settings.set': method<Settings>()(
    z
      .strictObject({
        baseLayer: baseLayer.optional(),
        workHours: z
          .array(z.tuple([hm, hm]))
          .min(1)
          .max(6)
          .optional(),
        duplicates: z.strictObject({ radiusM: z.number().min(1).max(1000), hours: z.number().min(1).max(720) }).optional(),
        sms: z
          .strictObject({ kind: z.enum(['log', 'http']), url: httpUrl.optional(), template: z.string().max(1000).optional() })
          .refine((s) => s.kind !== 'http' || !!s.url, { message: 'an HTTP SMS gateway needs a url', path: ['url'] })
          .optional(),
        open311: z
          .strictObject({
            publicChannels: z.array(z.string().regex(/^[a-z0-9_]{1,32}$/)).max(20),
            jurisdictionIds: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
          })
          .optional(),
      })
      .refine((s) => Object.keys(s).length > 0, { message: 'name at least one setting to change' }),
    'Change centre settings (administrators).',
    { write: true, access: ['admin'] },
  ),
};
