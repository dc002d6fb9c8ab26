// Cases (案件): intake from every channel, the workflow actions, queues, search, duplicates, the map layer.
import { z } from 'zod';
import { CASE_STATES, type CaseAction } from '../workflow.ts';
import { QUEUES, type QueueName } from '../queues.ts';
import type { CaseDetail, CaseMarker, CasePage, ChannelInfo, DuplicateHit } from '../model.ts';
import { method } from './define.ts';
import { bboxSchema, caseKind, classCode, componentCode, deptCode, empty, id, lat, limitUnit, lon, phone, photo, photos, streetCode, text } from './schemas.ts';

const channelCode = z.string().regex(/^[a-z0-9_]{1,32}$/, 'a channel code is lower-case letters, digits or _');
/** One or two photos. */
const photoPair = z.array(photo).min(1, 'a photo is required').max(2);
/** 自行处置 is proven by photos of the problem before the fix and of the place after it. */
const fixPhotos = { before: photoPair, after: photoPair };

/** Intake of a new case from any channel. */
export const intakeSchema = z
  .strictObject({
    channel: channelCode,
    kind: caseKind.optional(),
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
    /** 自行处置: a supervisor fixed it on the spot; recorded and closed at once, with photos before and after. */
    selfHandled: z.boolean().optional(),
    fixPhotos: z.strictObject(fixPhotos).optional(),
  })
  .refine((i) => (i.lon === undefined) === (i.lat === undefined), { message: 'give both lon and lat, or neither', path: ['lat'] })
  .refine((i) => !i.selfHandled || !!i.fixPhotos, { message: '自行处置 needs photos before and after the fix', path: ['fixPhotos'] })
  .refine((i) => !i.fixPhotos || !!i.selfHandled, { message: 'fixPhotos go with selfHandled', path: ['fixPhotos'] });

/** Filters of a case list. */
export const caseFilterSchema = z.strictObject({
  queue: z.enum(QUEUES).optional(),
  q: text(100).optional(),
  classCode: classCode.optional(),
  status: z.enum(CASE_STATES).optional(),
  channel: z.string().max(32).optional(),
  streetCode: streetCode.optional(),
  deptCode: deptCode.optional(),
  overdue: z.boolean().optional(),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(200).optional(),
  offset: z.number().int().min(0).max(1_000_000).optional(),
});

const resultText = text(2000).min(1, 'the result text (处置结果) is required');
const extension = z.strictObject({ value: z.number().positive().max(1000), unit: limitUnit });
/** One action's input: the case, the version the caller saw (a stale one is a CONFLICT), an optional note (the
 * workflow's table says which actions need one), and what the action itself carries. */
const act = <A extends CaseAction, S extends z.ZodRawShape>(action: A, shape: S) =>
  z.strictObject({ id, version: z.number().int().positive(), action: z.literal(action), reason: text(1000).optional(), ...shape });

/** Every workflow action with its own input. */
export const caseActionSchema = z.discriminatedUnion('action', [
  act('accept', {}),
  act('sendVerify', {}),
  // passed: false records that the supervisor did not find the problem (the case still goes on to 立案 or 作废).
  act('verify', { passed: z.boolean().optional(), photos }),
  act('register', {}),
  act('void', {}),
  act('merge', { mergeInto: id }),
  // The reason says what was done (the workflow's table requires it); the photos prove it.
  act('selfHandle', fixPhotos),
  // Without dept the routing table chooses.
  act('dispatch', { dept: deptCode.optional() }),
  act('subDispatch', { dept: deptCode }),
  act('subReport', { result: resultText, photos }),
  act('handle', { result: resultText, photos }),
  act('requestReturn', {}),
  // With dept the case is re-dispatched at once; without, it goes back to 待派遣.
  act('approveReturn', { dept: deptCode.optional() }),
  act('refuseReturn', {}),
  act('requestExtension', { extension }),
  // Without extension the requested time is granted.
  act('approveExtension', { extension: extension.optional() }),
  act('refuseExtension', {}),
  act('suspend', {}),
  act('resume', {}),
  act('urge', {}),
  act('check', { passed: z.boolean(), photos }),
  act('close', {}),
  act('rework', {}),
]);
/** The input of one action. */
export type CaseActionInput = z.output<typeof caseActionSchema>;
/** The input of one particular action. */
export type CaseActionInputOf<A extends CaseAction> = Extract<CaseActionInput, { action: A }>;

/** What an action's input carries beyond id, version, action and reason, and whether it must: read from the schema,
 * so the action form asks for exactly what the core takes. */
export function actionFields(action: CaseAction): Record<string, 'required' | 'optional'> {
  const option = caseActionSchema.options.find((o) => o.shape.action.value === action);
  const out: Record<string, 'required' | 'optional'> = {};
  for (const [name, schema] of Object.entries(option?.shape ?? {})) {
    if (['id', 'version', 'action', 'reason'].includes(name)) continue;
    out[name] = (schema as z.ZodType).safeParse(undefined).success ? 'optional' : 'required';
  }
  return out;
}

/** cases.* */
export const casesContract = {
  'cases.channels': method<ChannelInfo[]>()(empty, 'Intake channels (data the centre extends).'),
  'cases.addChannel': method<ChannelInfo[]>()(
    z.strictObject({ code: channelCode, name: text(50).min(1), needsVerify: z.boolean() }),
    'Add an intake channel (administrators); returns the channel list.',
    { write: true, access: ['admin'] },
  ),
  'cases.intake': method<CaseDetail>()(intakeSchema, 'Take in a new case from a channel (信息收集).', {
    write: true,
    access: ['operator', 'shift_leader', 'supervisor', 'leader'],
  }),
  'cases.act': method<CaseDetail>()(caseActionSchema, 'Take one workflow action on a case; refused unless the state, the role and the version allow it.', {
    write: true,
  }),
  'cases.get': method<CaseDetail>()(z.strictObject({ id }), 'One case with its history, photos and the actions you may take.'),
  'cases.list': method<CasePage>()(caseFilterSchema, 'A queue or a filtered, full-text searched list of cases.'),
  'cases.counts': method<Record<QueueName, number>>()(empty, 'Case counts per queue for the calling user.'),
  'cases.duplicates': method<DuplicateHit[]>()(
    z.strictObject({ kind: caseKind, classCode, lon, lat, excludeId: id.optional() }),
    'Cases of the same class nearby in the last hours (duplicate suggestions).',
  ),
  'cases.map': method<CaseMarker[]>()(
    z.strictObject({ bbox: bboxSchema, limit: z.number().int().min(1).max(20_000).optional() }),
    'Open cases in a box for the map layer.',
  ),
  'cases.photo': method<Uint8Array>()(z.strictObject({ id }), 'The bytes of one case photo.', { binary: true }),
};
