// The component layer (部件) as the map and the panels read it.
import { z } from 'zod';
import type { ClassCount, Component, ComponentShape } from '../model.ts';
import { method } from './define.ts';
import { asOf, bboxSchema, classCode, componentCode, empty, lat, lon } from './schemas.ts';

const classes = z.array(classCode).max(500).optional();

/** components.* reads. */
export const componentsContract = {
  'components.view': method<Uint8Array>()(
    z.strictObject({
      bbox: bboxSchema,
      /** Map resolution in degrees per pixel; drives decimation at low zoom. */
      resolution: z.number().positive().finite(),
      classes,
      maxFeatures: z.number().int().min(1).max(400_000).optional(),
      /** The layer as it was at this date or time (history), instead of today's. */
      asOf: asOf.optional(),
    }),
    'Components in view, packed as bytes (see shared/packed.ts); decimated per class at low zoom.',
    { binary: true },
  ),
  'components.get': method<Component>()(z.strictObject({ code: componentCode }), 'One component with all attributes.'),
  'components.byId': method<Component>()(z.strictObject({ id: z.number().int().positive() }), 'One component by row id.'),
  'components.at': method<Component | null>()(
    z.strictObject({ lon, lat, radiusM: z.number().positive().max(500), classes }),
    'The nearest component within radiusM metres of a point (map click), or null.',
  ),
  'components.inExtent': method<Component[]>()(
    z.strictObject({ bbox: bboxSchema, classes, limit: z.number().int().min(1).max(10_000) }),
    'Components inside a box (spatial index look-up).',
  ),
  'components.shapes': method<ComponentShape[]>()(
    z.strictObject({ bbox: bboxSchema, classes, limit: z.number().int().min(1).max(20_000).optional(), asOf: asOf.optional() }),
    'Line and polygon geometries of the components meeting a box (drawn at street zoom), today or as of a date.',
  ),
  'components.stats': method<ClassCount[]>()(empty, 'Component counts per class.'),
};
