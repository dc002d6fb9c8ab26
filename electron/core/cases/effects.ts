// What each workflow action writes beyond the state change: one entry per action, each given its own parsed input.
// The rules themselves (targets, arithmetic, close type) are pure functions of shared/workflow.ts; an entry applies
// them to the case's row and says what goes into the history step.
import { ApiError } from '../../../shared/errors.ts';
import { limitMs } from '../../../shared/calendar.ts';
import {
  closeTypeOf,
  dispatchTargetProblem,
  extendedDeadlines,
  handledLate,
  resumedDeadlines,
  STAGE_OF,
  subDispatchTargetProblem,
  timeLeftAt,
  type CaseAction,
  type CaseState,
  type Extension,
} from '../../../shared/workflow.ts';
import type { CaseActionInputOf } from '../../../shared/contract/cases.ts';
import type { CaseClocks } from './clocks.ts';
import type { Routing } from './routing.ts';
import type { CaseRow, CaseStore } from './store.ts';

/** One action in the making: the columns to set, the history data, where the case goes, and the state whose stage
 * clock starts (null: the running clock goes on). */
export interface Step {
  set: Record<string, unknown>;
  data: Record<string, unknown>;
  to: CaseState;
  clockTo: CaseState | null;
}

/** What the effects read besides the case. */
export interface EffectDeps {
  store: CaseStore;
  routing: Routing;
  clocks: CaseClocks;
  /** The supervisor a 核实/核查 task in a street goes to (the least busy), or null. */
  supervisorFor(streetCode: string): number | null;
}

type Effect<A extends CaseAction> = (s: Step, r: CaseRow, i: CaseActionInputOf<A>, now: number) => void;
/** One effect per action. */
export type Effects = { [A in CaseAction]: Effect<A> };

const none = () => {};
const bad = (message: string, field: string) => new ApiError('BAD_INPUT', message, { field });

/** The effects table over the given services. */
export function caseEffects(d: EffectDeps): Effects {
  const assignSupervisor = (s: Step, r: CaseRow) => {
    const sup = d.supervisorFor(r.street_code);
    s.set.supervisor_id = sup;
    s.data.supervisor = sup;
  };
  /** 派遣 and the re-dispatch of 同意回退: to a level-2 department, the routing table's unless one is named. */
  const dispatchTo = (s: Step, r: CaseRow, dept: string | null, now: number) => {
    if (!dept) throw bad(`the routing table has no department for class ${r.class_code}; choose one`, 'dept');
    const problem = dispatchTargetProblem(d.store.dept(dept), dept);
    if (problem) throw bad(problem, 'dept');
    Object.assign(s.set, { dept_code: dept, assignee_dept: dept, dispatched_at: now });
    s.data.dept = dept;
  };
  return {
    accept: none,
    sendVerify: (s, r) => assignSupervisor(s, r),
    verify: (s, _r, i) => {
      s.data.confirmed = i.passed !== false;
    },
    register: (s, _r, _i, now) => {
      s.set.registered_at = now;
    },
    void: none,
    merge: (s, r, i) => {
      if (i.mergeInto === r.id) throw bad('merge needs the id of another case (mergeInto)', 'mergeInto');
      const target = d.store.row(i.mergeInto);
      if (target.status === 'voided') throw new ApiError('CONFLICT', `case ${target.case_no} is void; merge into a live case`);
      s.set.merged_into = target.id;
      s.data.mergedInto = target.case_no;
    },
    selfHandle: (s, _r, _i, now) => {
      Object.assign(s.set, { close_type: 'self', closed_at: now });
    },
    dispatch: (s, r, i, now) => dispatchTo(s, r, i.dept ?? d.routing.route(r.kind, r.class_code, r.street_code, r.component_code), now),
    approveReturn: (s, r, i, now) => {
      Object.assign(s.set, { return_count: r.return_count + 1, dept_code: null, assignee_dept: null });
      if (!i.dept) return; // back to 待派遣 for a new choice
      dispatchTo(s, r, i.dept, now);
      s.to = s.clockTo = 'handling';
    },
    subDispatch: (s, r, i) => {
      const problem = subDispatchTargetProblem(d.store.dept(i.dept), i.dept, r.assignee_dept);
      if (problem) throw bad(problem, 'dept');
      s.set.assignee_dept = i.dept;
      Object.assign(s.data, { from: r.assignee_dept, to: i.dept });
    },
    subReport: (s, r, i) => {
      const parent = d.store.dept(r.assignee_dept!)?.parent ?? null;
      s.set.assignee_dept = parent;
      Object.assign(s.data, { from: r.assignee_dept, to: parent, result: i.result });
    },
    handle: (s, r, i, now) => {
      assignSupervisor(s, r);
      Object.assign(s.data, { result: i.result, late: handledLate(r.stage_due, now) });
    },
    requestReturn: (s) => {
      s.clockTo = null; // the handling clock keeps running while the dispatcher decides
    },
    refuseReturn: (s) => {
      s.clockTo = null;
    },
    requestExtension: (s, _r, i) => {
      s.set.extension_req = JSON.stringify({ ...i.extension, reason: i.reason });
      s.data.extension = i.extension;
    },
    approveExtension: (s, r, i, now) => {
      const ext: Extension = i.extension ?? (JSON.parse(r.extension_req!) as Extension);
      const next = extendedDeadlines(d.clocks.calendar(), now, r.stage_due, r.stage_due3x, ext);
      Object.assign(s.set, { stage_due: next.due, stage_due3x: next.due3x, extension_req: null, extension_count: r.extension_count + 1 });
      Object.assign(s.data, { extension: ext, due: next.due });
    },
    refuseExtension: (s) => {
      s.set.extension_req = null;
    },
    suspend: (s, r, _i, now) => {
      const left = timeLeftAt(d.clocks.calendar(), now, r.stage_due, r.stage_unit);
      Object.assign(s.set, { suspended_from: r.status, suspended_left: left });
      s.data.left = left;
    },
    resume: (s, r, _i, now) => {
      s.clockTo = null; // the clock resumes with the time that was left, not a new limit
      const stage = STAGE_OF[s.to];
      const lim = stage ? d.clocks.stageLimit(stage, r.kind, r.class_code) : null;
      if (stage && lim) {
        const cal = d.clocks.calendar();
        const unit = r.stage_unit ?? lim.unit;
        const next = resumedDeadlines(cal, now, r.suspended_left ?? limitMs(cal, lim.value, lim.unit), r.stage_limit_ms ?? 0, unit);
        Object.assign(s.set, { stage, stage_due: next.due, stage_due3x: next.due3x, stage_unit: unit });
      }
      Object.assign(s.set, { suspended_from: null, suspended_left: null });
    },
    urge: (s, r) => {
      s.set.urge_count = r.urge_count + 1;
    },
    check: (s, r, i) => {
      s.data.passed = i.passed;
      if (!i.passed) s.set.rework_count = r.rework_count + 1;
    },
    close: (s, r, _i, now) => {
      const closeType = closeTypeOf(d.store.lastHandleLate(r.id));
      Object.assign(s.set, { close_type: closeType, closed_at: now });
      s.data.closeType = closeType;
    },
    rework: (s, r) => {
      s.set.rework_count = r.rework_count + 1;
    },
  };
}
