// The one API contract: method name → zod input schema → result type.
// Both transports (Electron IPC, HTTP) and the preload are generic over it; inputs are parsed here at the edge.
import { z } from 'zod';
import type {
  AlertInfo,
  AppInfo,
  Boundary,
  CaseDetail,
  CasePage,
  ChannelInfo,
  ClassCount,
  Community,
  Component,
  ComponentClass,
  ComponentShape,
  Department,
  DrillResult,
  DuplicateHit,
  EventClass,
  GridCell,
  PackedCells,
  ReplicationStatus,
  SearchHit,
  Session,
  Settings,
  SmsMessage,
  Street,
  User,
} from './model.ts';
import { CASE_ACTIONS, CASE_STATES, QUEUES, ROLES, type CaseState, type QueueName, type Role } from './workflow.ts';
import { LIMIT_UNITS } from './calendar.ts';
import type { Open311Definition, Open311Request, Open311Service } from './open311.ts';
import type { ClassAttribute, CommitDetail, CommitInfo, CommitResult, ComponentRecord, ComponentVersion, EditConflict, EditProblem } from './editing.ts';
import type { ImportReport } from './gis.ts';
import { COMPONENT_STATES } from './model.ts';

/** One contract entry; `R` is a phantom type for the result. */
export interface MethodDef<I extends z.ZodType = z.ZodType, R = unknown> {
  input: I;
  doc: string;
  /** True when the result is raw bytes (Uint8Array): HTTP sends application/octet-stream. */
  binary?: boolean;
  /** Writes change the database; reads never do. */
  write?: boolean;
  /** Who may call: 'public' (no login), 'user' (any logged-in user, the default) or the roles listed (admin always). */
  access?: Access;
  readonly __result?: R;
}

/** Who may call a method. */
export type Access = 'public' | 'user' | readonly Role[];

interface MethodOpts {
  binary?: boolean;
  write?: boolean;
  access?: Access;
}

function method<R>() {
  return <I extends z.ZodType>(input: I, doc: string, opts: MethodOpts = {}): MethodDef<I, R> => ({
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
const componentCode = z
  .string()
  .max(32)
  .regex(/^\d{16}$/, 'a component code is exactly 16 digits');
const gridCode = z
  .string()
  .max(32)
  .regex(/^\d{15}$/, 'a unit grid code is exactly 15 digits');
const empty = z.strictObject({});
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().trim().max(max);
const photo = z.strictObject({
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  data: z
    .string()
    .max(2_800_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'photo data must be base64'),
});
const photos = z.array(photo).max(4).optional();
const limitUnit = z.enum(LIMIT_UNITS as unknown as [string, ...string[]]) as z.ZodType<import('./calendar.ts').LimitUnit>;
const phone = z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number is 5–20 digits');
const hm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM');

const lonLat = z.tuple([lon, lat]);
const shapeGeometry = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('LineString'), coordinates: z.array(lonLat).min(2).max(5000) }),
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(lonLat).min(4).max(5000)).min(1).max(10) }),
]);
const deptCode = z.string().max(32).nullable();
const componentFields = z
  .strictObject({
    dept1: deptCode,
    dept2: deptCode,
    dept3: deptCode,
    state: z.enum(COMPONENT_STATES),
    orDate: z.string().max(10),
    chDate: z.string().max(10).nullable(),
    dataSource: text(50),
    note: text(500).nullable(),
    attrs: z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,31}$/), z.union([z.string().max(200), z.number().finite()])).nullable(),
  })
  .partial();
const version = z.number().int().min(1);
/** One change of an edit session (see shared/editing.ts). */
export const componentChangeSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('add'),
    ref: z.string().min(1).max(64),
    classCode,
    lon,
    lat,
    geometry: shapeGeometry.optional(),
    code: componentCode.optional(),
    gridCode: gridCode.optional(),
    fields: componentFields.optional(),
    photos,
  }),
  z.strictObject({
    op: z.literal('update'),
    code: componentCode,
    baseVersion: version,
    lon: lon.optional(),
    lat: lat.optional(),
    geometry: shapeGeometry.optional(),
    gridCode: gridCode.optional(),
    fields: componentFields.optional(),
    photos,
  }),
  z.strictObject({ op: z.literal('retire'), code: componentCode, baseVersion: version }),
  z.strictObject({ op: z.literal('restore'), code: componentCode, baseVersion: version }),
]);
const commitMessage = text(500).min(1, 'a commit needs a message');
const asOf = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'asOf is a date or date-time (ISO 8601)');
const layer = z.enum(['components', 'grid']);
const crsCode = z.enum(['EPSG:4490', 'EPSG:4326', 'EPSG:3857', 'EPSG:4549', 'EPSG:4528', 'EPSG:2385']);
const uploadId = z.string().regex(/^[a-f0-9]{32}$/, 'an upload id is 32 hex digits');
/** Field mapping of an import: CityOps field → the file's column. */
const fieldMapping = z.record(z.string().max(32), z.string().max(64)).optional();

/** Intake of a new case from any channel. */
export const intakeSchema = z
  .strictObject({
    channel: z.string().regex(/^[a-z0-9_]{1,32}$/, 'a channel code is lower-case letters, digits or _'),
    kind: z.enum(['component', 'event']).optional(),
    classCode: classCode.optional(),
    componentCode: componentCode.optional(),
    lon: lon.optional(),
    lat: lat.optional(),
    address: text(200).optional(),
    description: text(2000).min(1, 'describe the problem'),
    reporterName: text(50).optional(),
    reporterPhone: phone.optional(),
    reporterEmail: z.email().max(100).optional(),
    callback: z.boolean().optional(),
    attributes: z.record(z.string().max(50), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
    photos,
    selfHandled: z.boolean().optional(),
  })
  .refine((i) => (i.lon === undefined) === (i.lat === undefined), { message: 'give both lon and lat, or neither', path: ['lat'] });

/** Filters of a case list. */
export const caseFilterSchema = z.strictObject({
  queue: z.enum(QUEUES).optional(),
  q: text(100).optional(),
  classCode: classCode.optional(),
  status: z.enum(CASE_STATES).optional(),
  channel: z.string().max(32).optional(),
  streetCode: z
    .string()
    .regex(/^\d{3}$/)
    .optional(),
  deptCode: z.string().max(16).optional(),
  overdue: z.boolean().optional(),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(200).optional(),
  offset: z.number().int().min(0).max(1_000_000).optional(),
});

const baseLayer = z
  .strictObject({
    kind: z.enum(['none', 'xyz', 'tianditu']),
    url: z
      .string()
      .max(500)
      .regex(/^https?:\/\/[^\s]+$/, 'url must be an http(s) URL')
      .refine((u) => u.includes('{z}') && u.includes('{x}') && u.includes('{y}'), 'url must contain {z}, {x} and {y}')
      .optional(),
    tiandituKey: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/, 'a Tianditu key is 32 hexadecimal characters')
      .optional(),
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
  'grid.boundaries': method<Boundary[]>()(z.strictObject({ kind: z.enum(['street', 'community']) }), 'Street or community outlines.'),
  'grid.cells': method<PackedCells>()(
    z.strictObject({ bbox: bboxSchema.optional(), asOf: asOf.optional() }),
    "Unit grid cells in a compact column form (all, or those meeting a bbox; today's or as of a past time).",
  ),
  'grid.cell': method<GridCell>()(z.strictObject({ code: gridCode }), 'One unit grid cell with area and component count.'),
  'grid.locate': method<GridCell>()(z.strictObject({ lon, lat }), 'The unit grid cell containing a point (OUTSIDE_CITY when none does).'),
  'components.view': method<Uint8Array>()(
    z.strictObject({
      bbox: bboxSchema,
      /** Map resolution in degrees per pixel; drives decimation at low zoom. */
      resolution: z.number().positive().finite(),
      classes: z.array(classCode).max(500).optional(),
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
    z.strictObject({
      bbox: bboxSchema,
      classes: z.array(classCode).max(500).optional(),
      limit: z.number().int().min(1).max(20_000).optional(),
      asOf: asOf.optional(),
    }),
    'Line and polygon geometries of the components meeting a box (drawn at street zoom), today or as of a date.',
  ),
  'components.stats': method<ClassCount[]>()(empty, 'Component counts per class.'),
  'components.record': method<{ id: number; version: number; record: ComponentRecord; photoIds: number[] }>()(
    z.strictObject({ code: componentCode }),
    'A component as the editor sees it: the whole record with its shape, attributes, version and photos.',
  ),
  'components.photo': method<Uint8Array>()(z.strictObject({ id }), 'The bytes of one component photo.', { binary: true }),
  'components.classAttributes': method<ClassAttribute[]>()(empty, 'Class-specific attributes (the edit form is generated from them).'),
  'components.nextCode': method<{ code: string }>()(z.strictObject({ classCode }), 'The code the next new component of a class would get.', {
    access: ['gis_editor'],
  }),
  'components.validate': method<{ ok: boolean; problems: EditProblem[]; conflicts: EditConflict[] }>()(
    z.strictObject({ changes: z.array(componentChangeSchema).max(5000) }),
    'Checks an edit session as a commit would, without writing: problems (error, warning, fixed, filled) and conflicts.',
    { access: ['gis_editor'] },
  ),
  'components.commit': method<CommitResult>()(
    z.strictObject({ message: commitMessage, changes: z.array(componentChangeSchema).min(1).max(5000) }),
    'Commits an edit session: all changes in one transaction, or none (BAD_INPUT with problems, CONFLICT with diffs).',
    { write: true, access: ['gis_editor'] },
  ),
  'components.history': method<ComponentVersion[]>()(z.strictObject({ code: componentCode }), 'Every version of a component, newest first.'),
  'components.commits': method<CommitInfo[]>()(
    z.strictObject({ limit: z.number().int().min(1).max(500).optional(), before: id.optional() }),
    'The commit log, newest first.',
  ),
  'components.commitDetail': method<CommitDetail>()(z.strictObject({ id }), 'What one commit changed: before and after of each component and cell.'),
  'components.revert': method<CommitResult>()(
    z.strictObject({
      id,
      message: commitMessage.optional(),
      force: z.array(componentCode).max(5000).optional(),
      skip: z.array(componentCode).max(5000).optional(),
    }),
    'Reverts a whole commit as a new commit. Components changed since are conflicts unless listed in force (revert anyway) or skip (keep theirs).',
    { write: true, access: ['gis_editor'] },
  ),
  'grid.split': method<CommitResult>()(
    z.strictObject({ code: gridCode, line: z.array(lonLat).min(2).max(200), message: commitMessage }),
    'Splits a unit grid cell in two along a line drawn across it; components inside are re-assigned.',
    { write: true, access: ['gis_editor'] },
  ),
  'grid.merge': method<CommitResult>()(
    z.strictObject({ codes: z.array(gridCode).min(2).max(20), message: commitMessage }),
    'Merges adjacent cells of one community into the lowest code; the others are retired.',
    { write: true, access: ['gis_editor'] },
  ),
  'import.upload': method<{ uploadId: string; bytes: number }>()(
    z.strictObject({
      uploadId: uploadId.optional(),
      name: z.string().min(1).max(200),
      offset: z.number().int().min(0),
      data: z
        .string()
        .max(8_000_000)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'data must be base64'),
    }),
    'Uploads a file to import, in chunks (the first without uploadId); the server keeps it for an hour.',
    { access: ['gis_editor'] },
  ),
  'import.preview': method<ImportReport>()(
    z.strictObject({ uploadId, layer, crs: crsCode.optional(), mapping: fieldMapping }),
    'Reads an uploaded file and reports per row what an import would do, changing nothing (import.progress events follow it).',
    { access: ['gis_editor'] },
  ),
  'import.apply': method<ImportReport>()(
    z.strictObject({ uploadId, layer, crs: crsCode.optional(), mapping: fieldMapping, strict: z.boolean().optional(), message: commitMessage.optional() }),
    'Imports an uploaded file as one commit: every valid row, or nothing when strict and any row has an error.',
    { write: true, access: ['gis_editor'] },
  ),
  'export.file': method<Uint8Array>()(
    z.strictObject({
      layer,
      format: z.enum(['gpkg', 'geojson', 'shp', 'csv']),
      crs: crsCode.optional(),
      classCode: classCode.optional(),
      asOf: asOf.optional(),
    }),
    'The component or grid layer as a file (GeoPackage, GeoJSON, zipped Shapefile or CSV).',
    { binary: true },
  ),
  'search.query': method<SearchHit[]>()(
    z.strictObject({ q: z.string().trim().min(1).max(MAX_TEXT), limit: z.number().int().min(1).max(50).optional() }),
    'Find a grid code, component code, street or community name.',
  ),
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
        duplicates: z
          .strictObject({
            radiusM: z.number().min(1).max(1000),
            hours: z
              .number()
              .min(1)
              .max(24 * 30),
          })
          .optional(),
        sms: z
          .strictObject({
            kind: z.enum(['log', 'http']),
            url: z
              .string()
              .max(500)
              .regex(/^https?:\/\/[^\s]+$/, 'url must be an http(s) URL')
              .optional(),
            template: z.string().max(1000).optional(),
          })
          .refine((s) => s.kind !== 'http' || !!s.url, { message: 'an HTTP SMS gateway needs a url', path: ['url'] })
          .optional(),
      })
      .refine((s) => Object.keys(s).length > 0, { message: 'name at least one setting to change' }),
    'Change centre settings (administrators).',
    { write: true, access: ['admin'] },
  ),

  'auth.login': method<Session>()(
    z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
    'Log in; returns a session token for the Authorization header (Bearer) or the desktop bridge.',
    { access: 'public', write: true },
  ),
  'auth.logout': method<null>()(empty, 'End this session.', { write: true }),
  'auth.me': method<User>()(empty, 'The logged-in user.'),
  'users.list': method<User[]>()(empty, 'Accounts of the centre.', { access: ['admin', 'shift_leader', 'dispatcher'] }),
  'users.add': method<User>()(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_.\-\u4e00-\u9fa5]{1,64}$/, 'a user name is 1–64 letters, digits, Chinese characters or _.-'),
      displayName: text(50).optional(),
      role: z.enum(ROLES),
      department: z.string().max(16).optional(),
      streetCode: z
        .string()
        .regex(/^\d{3}$/)
        .optional(),
      phone: phone.optional(),
      password: z.string().min(8, 'a password needs at least 8 characters').max(200),
    }),
    'Create an account (administrators).',
    { write: true, access: ['admin'] },
  ),

  'cases.channels': method<ChannelInfo[]>()(empty, 'Intake channels (data the centre extends).'),
  'cases.addChannel': method<ChannelInfo[]>()(
    z.strictObject({
      code: z.string().regex(/^[a-z0-9_]{1,32}$/, 'a channel code is lower-case letters, digits or _'),
      name: text(50).min(1),
      needsVerify: z.boolean(),
    }),
    'Add an intake channel (administrators); returns the channel list.',
    { write: true, access: ['admin'] },
  ),
  'cases.intake': method<CaseDetail>()(intakeSchema, 'Take in a new case from a channel (信息收集).', {
    write: true,
    access: ['operator', 'shift_leader', 'supervisor', 'leader'],
  }),
  'cases.act': method<CaseDetail>()(
    z.strictObject({
      id,
      action: z.enum(CASE_ACTIONS),
      version: z.number().int().positive(),
      reason: text(1000).optional(),
      dept: z.string().max(16).optional(),
      passed: z.boolean().optional(),
      result: text(2000).optional(),
      extension: z.strictObject({ value: z.number().positive().max(1000), unit: limitUnit }).optional(),
      mergeInto: id.optional(),
      photos,
    }),
    'Take one workflow action on a case; refused unless the state, the role and the version allow it.',
    { write: true },
  ),
  'cases.get': method<CaseDetail>()(z.strictObject({ id }), 'One case with its history, photos and the actions you may take.'),
  'cases.list': method<CasePage>()(caseFilterSchema, 'A queue or a filtered, full-text searched list of cases.'),
  'cases.counts': method<Record<QueueName, number>>()(empty, 'Case counts per queue for the calling user.'),
  'cases.duplicates': method<DuplicateHit[]>()(
    z.strictObject({ kind: z.enum(['component', 'event']), classCode, lon, lat, excludeId: id.optional() }),
    'Cases of the same class nearby in the last hours (duplicate suggestions).',
  ),
  'cases.map': method<{ id: number; caseNo: string; lon: number; lat: number; status: CaseState; overdue: boolean; overdue3x: boolean }[]>()(
    z.strictObject({ bbox: bboxSchema, limit: z.number().int().min(1).max(20_000).optional() }),
    'Open cases in a box for the map layer.',
  ),
  'cases.photo': method<Uint8Array>()(z.strictObject({ id }), 'The bytes of one case photo.', { binary: true }),
  'alerts.list': method<AlertInfo[]>()(empty, 'Overdue alerts nobody has acknowledged.'),
  'alerts.ack': method<{ acked: number }>()(z.strictObject({ ids: z.array(id).min(1).max(500) }), 'Acknowledge alerts.', { write: true }),
  'sms.outbox': method<SmsMessage[]>()(empty, 'The SMS outbox with delivery status.', { access: ['shift_leader', 'dispatcher'] }),
  'sms.retry': method<null>()(z.strictObject({ id }), 'Queue a failed SMS again.', { write: true, access: ['shift_leader'] }),

  'open311.services': method<Open311Service[]>()(empty, 'Open311 GeoReport v2: the services the public may report.', { access: 'public' }),
  'open311.service': method<Open311Definition>()(z.strictObject({ service_code: classCode }), 'Open311: one service definition.', { access: 'public' }),
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
    { access: 'public', write: true },
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
    { access: 'public' },
  ),
  'open311.request': method<Open311Request[]>()(
    z.strictObject({ id: z.string().regex(/^\d{13}$/, 'a service request id is 13 digits') }),
    'Open311: one request.',
    { access: 'public' },
  ),
  'open311.token': method<{ service_request_id: string; token: string }[]>()(
    z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }),
    'Open311: the request id of a token.',
    { access: 'public' },
  ),

  'replication.status': method<ReplicationStatus>()(empty, 'Off-site replication: connection, mode, lag, last snapshot, lag history.'),
  'replication.verify': method<VerifyReport>()(empty, 'Check every snapshot and segment on the replica end to end.', { access: ['dr_operator'] }),
  'replication.snapshot': method<{ seq: number; createdAt: number; bytes: number }>()(empty, 'Take a snapshot now and store it on the replica.', {
    access: ['dr_operator'],
  }),
  'replication.drill': method<DrillResult>()(empty, 'Restore drill: restore to a temporary file and compare with the live database; recorded.', {
    access: ['dr_operator'],
  }),
  'replication.drills': method<DrillResult[]>()(empty, 'The restore drill history.', { access: ['dr_operator'] }),
  'replication.standby': method<StandbySummary | null>()(empty, 'A read-only view of the warm standby on the replica.', { access: ['dr_operator'] }),
  'replication.configure': method<ReplicationStatus>()(
    z
      .strictObject({
        target: z.string().max(500).optional(),
        token: z.string().min(16).max(200).optional(),
        mode: z.enum(['sync', 'async']),
      })
      .refine((c) => !c.target || !/^https?:/.test(c.target) || !!c.token, { message: 'a replica URL needs its token', path: ['token'] }),
    'Point this centre at a replica (URL of cityops replica, or a folder), or switch replication off (no target).',
    { write: true, access: ['admin'] },
  ),
} as const;

/** What the replica's warm standby looks like (DR console). */
export interface StandbySummary {
  seq: number;
  counts: Record<string, number>;
  recentCases: { caseNo: string; status: string; description: string; updatedAt: number }[];
}
/** Result of verifying a replica. */
export interface VerifyReport {
  ok: boolean;
  snapshots: number;
  segments: number;
  firstSeq: number | null;
  lastSeq: number;
  problems: { file: string; seq: number | null; problem: string }[];
}

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
  'components.changed': { ids: number[]; codes: string[]; commitId?: number; cells?: string[] };
  'import.progress': { uploadId: string; phase: 'reading' | 'checking' | 'writing' | 'done'; done: number; total: number };
  'cases.changed': {
    id: number;
    caseNo: string;
    status: CaseState;
    version: number;
    action: string;
    deptCode: string | null;
    assigneeDept: string | null;
    at: number;
  };
  'alerts.raised': AlertInfo[];
  'sms.changed': { count: number };
  'replication.status': { status: ReplicationStatus; alert: string | null };
}
/** A push event as it crosses a transport. */
export type PushEvent = { [K in keyof EventMap]: { type: K; payload: EventMap[K] } }[keyof EventMap];

/** Maximum JSON request body a transport accepts (bytes). */
export const MAX_BODY_BYTES = 12_000_000;
