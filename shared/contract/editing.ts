// Online editing of the component and grid layers (部件在线更新): edit sessions committed in one transaction,
// history, revert, and grid split/merge. The shapes that cross the API are in shared/editing.ts.
import { z } from 'zod';
import { COMPONENT_STATES } from '../model.ts';
import type { ClassAttribute, CommitDetail, CommitInfo, CommitResult, ComponentRecord, ComponentVersion, EditConflict, EditProblem } from '../editing.ts';
import { method } from './define.ts';
import { classCode, componentCode, empty, gridCode, id, lat, lon, lonLat, photos, text } from './schemas.ts';

const shapeGeometry = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('LineString'), coordinates: z.array(lonLat).min(2).max(5000) }),
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(lonLat).min(4).max(5000)).min(1).max(10) }),
]);
const fieldDept = z.string().max(32).nullable();
const componentFields = z
  .strictObject({
    dept1: fieldDept,
    dept2: fieldDept,
    dept3: fieldDept,
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
/** A commit message (required). */
export const commitMessage = text(500).min(1, 'a commit needs a message');
const editor = ['gis_editor'] as const;

/** components.* edits and grid edits. */
export const editingContract = {
  'components.record': method<{ id: number; version: number; record: ComponentRecord; photoIds: number[] }>()(
    z.strictObject({ code: componentCode }),
    'A component as the editor sees it: the whole record with its shape, attributes, version and photos.',
  ),
  'components.photo': method<Uint8Array>()(z.strictObject({ id }), 'The bytes of one component photo.', { binary: true }),
  'components.classAttributes': method<ClassAttribute[]>()(empty, 'Class-specific attributes (the edit form is generated from them).'),
  'components.nextCode': method<{ code: string }>()(z.strictObject({ classCode }), 'The code the next new component of a class would get.', {
    access: editor,
  }),
  'components.validate': method<{ ok: boolean; problems: EditProblem[]; conflicts: EditConflict[] }>()(
    z.strictObject({ changes: z.array(componentChangeSchema).max(5000) }),
    'Checks an edit session as a commit would, without writing: problems (error, warning, fixed, filled) and conflicts.',
    { access: editor },
  ),
  'components.commit': method<CommitResult>()(
    z.strictObject({ message: commitMessage, changes: z.array(componentChangeSchema).min(1).max(5000) }),
    'Commits an edit session: all changes in one transaction, or none (BAD_INPUT with problems, CONFLICT with diffs).',
    { write: true, access: editor },
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
    { write: true, access: editor },
  ),
  'grid.split': method<CommitResult>()(
    z.strictObject({ code: gridCode, line: z.array(lonLat).min(2).max(200), message: commitMessage }),
    'Splits a unit grid cell in two along a line drawn across it; components inside are re-assigned.',
    { write: true, access: editor },
  ),
  'grid.merge': method<CommitResult>()(
    z.strictObject({ codes: z.array(gridCode).min(2).max(20), message: commitMessage }),
    'Merges adjacent cells of one community into the lowest code; the others are retired.',
    { write: true, access: editor },
  ),
};
