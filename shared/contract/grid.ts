// The unit grid (万米单元网格), streets and communities: reads. Grid edits (split, merge) are in editing.ts.
import { z } from 'zod';
import type { Boundary, Community, GridCell, PackedCells, Street } from '../model.ts';
import { method } from './define.ts';
import { asOf, bboxSchema, empty, gridCode, lat, lon } from './schemas.ts';

/** grid.* reads. */
export const gridContract = {
  'grid.streets': method<Street[]>()(empty, 'Streets (街道) of the district.'),
  'grid.communities': method<Community[]>()(empty, 'Communities (社区) of the district.'),
  'grid.boundaries': method<Boundary[]>()(z.strictObject({ kind: z.enum(['street', 'community']) }), 'Street or community outlines.'),
  'grid.cells': method<PackedCells>()(
    z.strictObject({ bbox: bboxSchema.optional(), asOf: asOf.optional() }),
    "Unit grid cells in a compact column form (all, or those meeting a bbox; today's or as of a past time).",
  ),
  'grid.cell': method<GridCell>()(z.strictObject({ code: gridCode }), 'One unit grid cell with area and component count.'),
  'grid.locate': method<GridCell>()(z.strictObject({ lon, lat }), 'The unit grid cell containing a point (OUTSIDE_CITY when none does).'),
};
