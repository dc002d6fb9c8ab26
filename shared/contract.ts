// The one API contract: method name → zod input schema → result type.
// Both transports (Electron IPC, HTTP) and the preload are generic over it; inputs are parsed here at the edge.
import { z } from 'zod';
import type {
  AppInfo, Boundary, ClassCount, Community, Component, ComponentClass, ComponentShape, Department, EventClass, GridCell,
  PackedCells, SearchHit, Settings, Street,
} from './model.ts';

/** One contract entry; `R` is a phantom type for the result. */
export interface MethodDef<I extends z.ZodType = z.ZodType, R = unknown> {
  input: I;
  doc: string;
  /** True when the result is raw bytes (Uint8Array): HTTP sends application/octet-stream. */
  binary?: boolean;
  /** Writes change the database; reads never do. */
  write?: boolean;
  readonly __result?: R;
}

function method<R>() {
  return <I extends z.ZodType>(input: I, doc: string, opts: { binary?: boolean; write?: boolean } = {}): MethodDef<I, R> => ({
    input,
    doc,
    ...opts,
  });
}

const MAX_TEXT = 200;
const lon = z.number().finite().min(-180).max(180);
const lat = z.number().finite().min(-90).max(90);
/** [minLon, minLat, maxLon, maxLat] with min ≤ max. */
export const bboxSchema = z
  .tuple([lon, lat, lon, lat])
  .refine((b) => b[0] <= b[2] && b[1] <= b[3], { message: 'bbox must be [minLon, minLat, maxLon, maxLat] with min ≤ max' });
const classCode = z.string().regex(/^\d{4}$/, 'a class code is 4 digits (2 major + 2 minor)');
const componentCode = z.string().max(32).regex(/^\d{16}$/, 'a component code is exactly 16 digits');
const gridCode = z.string().max(32).regex(/^\d{15}$/, 'a unit grid code is exactly 15 digits');
const empty = z.strictObject({});

const baseLayer = z
  .strictObject({
    kind: z.enum(['none', 'xyz', 'tianditu']),
    url: z
      .string()
      .max(500)
      .regex(/^https?:\/\/[^\s]+$/, 'url must be an http(s) URL')
      .refine((u) => u.includes('{z}') && u.includes('{x}') && u.includes('{y}'), 'url must contain {z}, {x} and {y}')
      .optional(),
    tiandituKey: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a Tianditu key is 32 hexadecimal characters').optional(),
    tiandituLayer: z.enum(['vec', 'img']).optional(),
    opacity: z.number().min(0).max(1),
  })
  .refine((b) => b.kind !== 'xyz' || !!b.url, { message: 'an XYZ base layer needs a url', path: ['url'] })
  .refine((b) => b.kind !== 'tianditu' || !!b.tiandituKey, { message: 'a Tianditu base layer needs a key', path: ['tiandituKey'] });

/** Every method the UI (or any client) can call. */
export const contract = {
  'app.info': method<AppInfo>()(empty, 'Counts and facts about the open centre.'),
  'catalog.componentClasses': method<ComponentClass[]>()(empty, 'Component class table (部件大类/小类) with default departments.'),
  'catalog.eventClasses': method<EventClass[]>()(empty, 'Event class table (事件大类/小类) with default department and time limit.'),
  'catalog.departments': method<Department[]>()(empty, 'Department tree: second-, third- and fourth-level units.'),
  'grid.streets': method<Street[]>()(empty, 'Streets (街道) of the district.'),
  'grid.communities': method<Community[]>()(empty, 'Communities (社区) of the district.'),
  'grid.boundaries': method<Boundary[]>()(
    z.strictObject({ kind: z.enum(['street', 'community']) }),
    'Street or community outlines.',
  ),
  'grid.cells': method<PackedCells>()(
    z.strictObject({ bbox: bboxSchema.optional() }),
    'Unit grid cells in a compact column form (all, or those meeting a bbox).',
  ),
  'grid.cell': method<GridCell>()(z.strictObject({ code: gridCode }), 'One unit grid cell with area and component count.'),
  'grid.locate': method<GridCell>()(
    z.strictObject({ lon, lat }),
    'The unit grid cell containing a point (OUTSIDE_CITY when none does).',
  ),
  'components.view': method<Uint8Array>()(
    z.strictObject({
      bbox: bboxSchema,
      /** Map resolution in degrees per pixel; drives decimation at low zoom. */
      resolution: z.number().positive().finite(),
      classes: z.array(classCode).max(500).optional(),
      maxFeatures: z.number().int().min(1).max(400_000).optional(),
    }),
    'Components in view, packed as bytes (see shared/packed.ts); decimated per class at low zoom.',
    { binary: true },
  ),
  'components.get': method<Component>()(z.strictObject({ code: componentCode }), 'One component with all attributes.'),
  'components.byId': method<Component>()(z.strictObject({ id: z.number().int().positive() }), 'One component by row id.'),
  'components.at': method<Component | null>()(
    z.strictObject({
      lon,
      lat,
      radiusM: z.number().positive().max(500),
      classes: z.array(classCode).max(500).optional(),
    }),
    'The nearest component within radiusM metres of a point (map click), or null.',
  ),
  'components.inExtent': method<Component[]>()(
    z.strictObject({ bbox: bboxSchema, classes: z.array(classCode).max(500).optional(), limit: z.number().int().min(1).max(10_000) }),
    'Components inside a box (spatial index look-up).',
  ),
  'components.shapes': method<ComponentShape[]>()(
    z.strictObject({ bbox: bboxSchema, classes: z.array(classCode).max(500).optional(), limit: z.number().int().min(1).max(20_000).optional() }),
    'Line and polygon geometries of the components meeting a box (drawn at street zoom).',
  ),
  'components.stats': method<ClassCount[]>()(empty, 'Component counts per class.'),
  'search.query': method<SearchHit[]>()(
    z.strictObject({ q: z.string().trim().min(1).max(MAX_TEXT), limit: z.number().int().min(1).max(50).optional() }),
    'Find a grid code, component code, street or community name.',
  ),
  'settings.get': method<Settings>()(empty, 'Centre settings.'),
  'settings.set': method<Settings>()(z.strictObject({ baseLayer }), 'Change centre settings.', { write: true }),
} as const;

/** All method names. */
export type MethodName = keyof typeof contract;
/** What a caller passes to a method. */
export type InputOf<M extends MethodName> = z.input<(typeof contract)[M]['input']>;
/** What a handler receives after validation. */
export type ParsedInputOf<M extends MethodName> = z.output<(typeof contract)[M]['input']>;
/** What a method returns. */
export type ResultOf<M extends MethodName> = (typeof contract)[M] extends MethodDef<z.ZodType, infer R> ? R : never;

/** True when `name` is a method of the contract. */
export function isMethod(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Push events the core sends to every connected client. */
export interface EventMap {
  'settings.changed': Settings;
  'components.changed': { ids: number[]; codes: string[] };
}
/** A push event as it crosses a transport. */
export type PushEvent = { [K in keyof EventMap]: { type: K; payload: EventMap[K] } }[keyof EventMap];

/** Maximum JSON request body a transport accepts (bytes). */
export const MAX_BODY_BYTES = 1_000_000;
