// Revert (撤销提交): a whole commit undone as a new commit. Components changed again since are conflicts unless
// `force` lists them (reapply the revert over the newer change) or `skip` does (keep theirs); a grid commit's
// cells are put back too.
import { ApiError } from '../../../shared/errors.ts';
import { differingFields, type CommitResult, type ComponentRecord, type EditConflict, type EditProblem } from '../../../shared/editing.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import { checkRecord } from './records.ts';
import { refuseOnProblems, type EditService, type Plan } from './service.ts';
import type { GridEditor } from './grid.ts';

/** Reverts commit `i.id` as a new commit by `actor`; refuses with the conflicts and problems it finds. */
export function revertCommit(edits: EditService, gridEditor: GridEditor, i: ParsedInputOf<'components.revert'>, actor: string, now: number): CommitResult {
  const detail = edits.log.detail(i.id);
  if (detail.commit.revertedBy) throw new ApiError('CONFLICT', `commit ${i.id} was already reverted by commit ${detail.commit.revertedBy}`);
  const plans: Plan[] = [];
  const conflicts: EditConflict[] = [];
  const problems: EditProblem[] = [];
  const force = new Set(i.force ?? []);
  const skip = new Set(i.skip ?? []);
  detail.components.forEach((v, index) => {
    if (skip.has(v.after.code)) return;
    const cur = edits.current(v.after.code)!;
    const target: ComponentRecord = v.before ? structuredClone(v.before) : { ...structuredClone(v.after), retiredAt: new Date(now).toISOString() };
    if (cur.version !== v.version && !force.has(v.after.code)) {
      conflicts.push({
        index,
        code: v.after.code,
        baseVersion: v.version,
        theirsVersion: cur.version,
        base: v.after,
        theirs: cur.rec,
        yours: target,
        fields: differingFields(cur.rec, target),
        theirCommit: edits.log.lastCommitOf(cur.id),
      });
      return;
    }
    const op: Plan['op'] = !v.before
      ? 'retire'
      : cur.rec.retiredAt && !target.retiredAt
        ? 'restore'
        : !cur.rec.retiredAt && target.retiredAt
          ? 'retire'
          : 'update';
    // A grid commit's components go back to cells the same revert restores: the grid as it is now would
    // "fix" them into the wrong cells, so only component commits are checked against it.
    if (!target.retiredAt && !detail.cells.length) checkRecord(target, edits.env, { index, ref: target.code }, problems, { givenGrid: target.gridCode });
    plans.push({ index, ref: target.code, op, id: cur.id, version: cur.version + 1, before: cur.rec, after: target, photos: [] });
  });
  refuseOnProblems(problems, conflicts);
  const cells = detail.cells.length ? gridEditor.revertCells(detail) : null;
  const message = i.message ?? `撤销提交 #${i.id}：${detail.commit.message}`;
  return edits.write({ kind: 'revert', message, actor, reverts: i.id }, plans, problems, cells?.codes ?? [], cells?.write);
}
