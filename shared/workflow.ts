// The case workflow (案件流程) as pure rules: states, actions, who may take each action from where (the transition
// table), and the per-action rules that are not about state (dispatch targets, extension and resume arithmetic, the
// close type). The core applies them to the database; the UI reads the same rules to offer only what the core takes.
import { ROLE_NAMES, type Role } from './roles.ts';
import { clockBetween, deadline, limitMs, type LimitUnit, type WorkCalendar } from './calendar.ts';

/** Case states. */
export const CASE_STATES = [
  'pending_accept', // 待受理
  'pending_verify', // 待核实
  'pending_register', // 待立案
  'pending_dispatch', // 待派遣
  'handling', // 处置中
  'return_requested', // 回退待审
  'pending_check', // 待核查
  'pending_close', // 待结案
  'suspended', // 挂账
  'closed', // 已结案
  'voided', // 已作废
] as const;
/** One case state. */
export type CaseState = (typeof CASE_STATES)[number];

/** Chinese names of the states. */
export const STATE_NAMES: Record<CaseState, string> = {
  pending_accept: '待受理',
  pending_verify: '待核实',
  pending_register: '待立案',
  pending_dispatch: '待派遣',
  handling: '处置中',
  return_requested: '回退待审',
  pending_check: '待核查',
  pending_close: '待结案',
  suspended: '挂账',
  closed: '已结案',
  voided: '已作废',
};

/** States in which a case is finished. */
export const FINAL_STATES: readonly CaseState[] = ['closed', 'voided'];
/** States in which a case is open: someone has to act on it, or it waits suspended (挂账). */
export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !FINAL_STATES.includes(s));

/** The stage clock that runs in each state (受理, 核实, 立案, 派遣, 处置, 核查, 结案 each have a time limit); null: no clock
 * (finished or suspended). A return request (回退待审) waits on the dispatcher, so the dispatch clock runs. */
/** One stage of the case clock. */
export type Stage = 'accept' | 'verify' | 'register' | 'dispatch' | 'handle' | 'check' | 'close';
/** The stage whose clock runs in each state. */
export const STAGE_OF: Record<CaseState, Stage | null> = {
  pending_accept: 'accept',
  pending_verify: 'verify',
  pending_register: 'register',
  pending_dispatch: 'dispatch',
  handling: 'handle',
  return_requested: 'dispatch',
  pending_check: 'check',
  pending_close: 'close',
  suspended: null,
  closed: null,
  voided: null,
};
/** Chinese names of the stages. */
export const STAGE_NAMES: Record<Stage, string> = {
  accept: '受理',
  verify: '核实',
  register: '立案',
  dispatch: '派遣',
  handle: '处置',
  check: '核查',
  close: '结案',
};

/** Actions on an existing case. */
export const CASE_ACTIONS = [
  'accept', // 受理 → 待立案
  'sendVerify', // 受理并派核实 → 待核实
  'verify', // 监督员核实 → 待立案
  'register', // 立案 → 待派遣
  'void', // 作废
  'merge', // 合并到重复案件 (作废, merged_into)
  'selfHandle', // 自行处置 (监督员 fixed it on the spot) → 已结案
  'dispatch', // 派遣 to a level-2 department → 处置中
  'subDispatch', // 二级派遣: department passes down to its level-3/4 unit
  'subReport', // the level-3/4 unit reports back up to its parent
  'handle', // 处置反馈 → 待核查
  'requestReturn', // 申请回退
  'approveReturn', // 同意回退 → 待派遣 (re-dispatch)
  'refuseReturn', // 不同意回退 → 处置中
  'requestExtension', // 申请延期
  'approveExtension', // 批准延期 (new deadline)
  'refuseExtension', // 驳回延期
  'suspend', // 挂账 (clock stops)
  'resume', // 恢复
  'urge', // 督办
  'check', // 核查: passed → 待结案, failed → 返工 (处置中)
  'close', // 结案
  'rework', // 返工 from 待结案
] as const;
/** One workflow action. */
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** Chinese names of the actions. */
export const ACTION_NAMES: Record<CaseAction, string> = {
  accept: '受理',
  sendVerify: '派核实',
  verify: '核实',
  register: '立案',
  void: '作废',
  merge: '合并',
  selfHandle: '自行处置',
  dispatch: '派遣',
  subDispatch: '下派',
  subReport: '下级反馈',
  handle: '处置反馈',
  requestReturn: '申请回退',
  approveReturn: '同意回退',
  refuseReturn: '不同意回退',
  requestExtension: '申请延期',
  approveExtension: '批准延期',
  refuseExtension: '驳回延期',
  suspend: '挂账',
  resume: '恢复',
  urge: '督办',
  check: '核查',
  close: '结案',
  rework: '返工',
};

/** Facts about the case that guards read (never the database). */
export interface CaseFacts {
  state: CaseState;
  /** State to return to on resume (set while suspended). */
  suspendedFrom?: CaseState | null;
  /** A pending extension request. */
  extensionRequested?: boolean;
  /** Level of the department currently holding the case (2, 3 or 4), while handling. */
  assigneeLevel?: number | null;
}

/** Extra input some actions carry. */
export interface ActionInput {
  /** check: whether the check passed. */
  passed?: boolean;
}

interface Rule {
  from: readonly CaseState[];
  roles: readonly Role[];
  /** Next state; a function where it depends on the case or the input. */
  to: CaseState | ((c: CaseFacts, i: ActionInput) => CaseState);
  /** Extra condition with the refusal message. */
  guard?: (c: CaseFacts) => string | null;
  /** A reason text is required. */
  needsReason?: boolean;
}

/** The transition table. Admin may take every action (a single-workstation centre has one user). */
export const RULES: Record<CaseAction, Rule> = {
  accept: { from: ['pending_accept'], roles: ['operator', 'shift_leader'], to: 'pending_register' },
  sendVerify: { from: ['pending_accept'], roles: ['operator', 'shift_leader'], to: 'pending_verify' },
  verify: { from: ['pending_verify'], roles: ['supervisor', 'operator', 'shift_leader'], to: 'pending_register' },
  register: { from: ['pending_register'], roles: ['shift_leader'], to: 'pending_dispatch' },
  void: { from: ['pending_accept', 'pending_verify', 'pending_register'], roles: ['shift_leader', 'operator'], to: 'voided', needsReason: true },
  merge: { from: ['pending_accept', 'pending_verify', 'pending_register'], roles: ['operator', 'shift_leader'], to: 'voided' },
  selfHandle: { from: ['pending_accept'], roles: ['supervisor'], to: 'closed', needsReason: true },
  dispatch: { from: ['pending_dispatch'], roles: ['dispatcher'], to: 'handling' },
  subDispatch: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    guard: (c) => (c.assigneeLevel != null && c.assigneeLevel >= 4 ? 'a fourth-level unit has no unit below it' : null),
  },
  subReport: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    guard: (c) => (c.assigneeLevel == null || c.assigneeLevel <= 2 ? 'only a third- or fourth-level unit reports back to its parent' : null),
  },
  handle: {
    from: ['handling'],
    roles: ['department'],
    to: 'pending_check',
    guard: (c) => (c.assigneeLevel != null && c.assigneeLevel > 2 ? 'the case is with a lower-level unit: it reports back to its parent first' : null),
  },
  requestReturn: { from: ['handling'], roles: ['department'], to: 'return_requested', needsReason: true },
  approveReturn: { from: ['return_requested'], roles: ['dispatcher'], to: 'pending_dispatch' },
  refuseReturn: { from: ['return_requested'], roles: ['dispatcher'], to: 'handling', needsReason: true },
  requestExtension: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    needsReason: true,
    guard: (c) => (c.extensionRequested ? 'an extension request is already waiting for approval' : null),
  },
  approveExtension: {
    from: ['handling'],
    roles: ['dispatcher'],
    to: 'handling',
    guard: (c) => (c.extensionRequested ? null : 'there is no extension request to approve'),
  },
  refuseExtension: {
    from: ['handling'],
    roles: ['dispatcher'],
    to: 'handling',
    needsReason: true,
    guard: (c) => (c.extensionRequested ? null : 'there is no extension request to refuse'),
  },
  suspend: { from: ['pending_dispatch', 'handling'], roles: ['dispatcher', 'shift_leader'], to: 'suspended', needsReason: true },
  resume: {
    from: ['suspended'],
    roles: ['dispatcher', 'shift_leader'],
    to: (c) => c.suspendedFrom ?? 'pending_dispatch',
  },
  urge: { from: OPEN_STATES, roles: ['leader', 'shift_leader'], to: (c) => c.state, needsReason: true },
  check: { from: ['pending_check'], roles: ['supervisor', 'operator'], to: (_c, i) => (i.passed ? 'pending_close' : 'handling') },
  close: { from: ['pending_close'], roles: ['shift_leader'], to: 'closed' },
  rework: { from: ['pending_close'], roles: ['shift_leader'], to: 'handling', needsReason: true },
};

/** The outcome of asking the machine. */
export type Decision = { ok: true; to: CaseState } | { ok: false; reason: 'state' | 'role' | 'guard' | 'reason'; message: string };

/** Decides whether `role` may take `action` on a case with `facts`, and where it leads. Pure. */
export function decide(facts: CaseFacts, action: CaseAction, role: Role, input: ActionInput & { reason?: string | null } = {}): Decision {
  const rule = RULES[action];
  if (!rule.from.includes(facts.state)) {
    const allowed = rule.from.map((s) => `${STATE_NAMES[s]} (${s})`).join(', ');
    return {
      ok: false,
      reason: 'state',
      message: `${ACTION_NAMES[action]} (${action}) is not allowed in ${STATE_NAMES[facts.state]} (${facts.state}); it is allowed in: ${allowed}`,
    };
  }
  if (role !== 'admin' && !rule.roles.includes(role)) {
    const who = rule.roles.map((r) => ROLE_NAMES[r]).join('、');
    return { ok: false, reason: 'role', message: `${ACTION_NAMES[action]} (${action}) needs the role ${who}; you are ${ROLE_NAMES[role]}` };
  }
  const g = rule.guard?.(facts);
  if (g) return { ok: false, reason: 'guard', message: `${ACTION_NAMES[action]} (${action}): ${g}` };
  if (rule.needsReason && !input.reason?.trim()) {
    return { ok: false, reason: 'reason', message: `${ACTION_NAMES[action]} (${action}) needs a reason` };
  }
  const to = typeof rule.to === 'function' ? rule.to(facts, input) : rule.to;
  return { ok: true, to };
}

/** The actions a role can take on a case now (for the UI; the core decides again). */
export function allowedActions(facts: CaseFacts, role: Role): CaseAction[] {
  return CASE_ACTIONS.filter((a) => {
    const d = decide(facts, a, role, { reason: 'x', passed: true });
    return d.ok;
  });
}

// ---- per-action rules --------------------------------------------------------------------------------------------

/** A department as the dispatch rules see it. */
export interface DeptFacts {
  code: string;
  level: number;
  parent: string | null;
}

/** Why a department cannot receive a dispatch (派遣 and 同意回退 re-dispatch go to a level-2 department), or null. */
export function dispatchTargetProblem(target: DeptFacts | undefined, code: string): string | null {
  if (!target) return `unknown department ${code}`;
  if (target.level !== 2) return `dispatch goes to a second-level department; ${code} is level ${target.level}`;
  return null;
}

/** Why a unit cannot receive a 下派 from the department holding the case (only a unit directly below it), or null. */
export function subDispatchTargetProblem(target: DeptFacts | undefined, code: string | undefined, holder: string | null): string | null {
  if (!code || !target) return `下派 needs a unit below ${holder}`;
  if (target.parent !== holder) return `${code} is not a unit directly below ${holder}`;
  return null;
}

/** A 处置反馈 after the stage deadline is late; a case closed after a late one is closed as 超期 (overdue). */
export function handledLate(due: number | null, now: number): boolean {
  return due != null && now > due;
}

/** How a case closes (结案): 'overdue' when its last 处置反馈 came after the deadline, else 'normal'. */
export function closeTypeOf(lastHandleLate: boolean): 'normal' | 'overdue' {
  return lastHandleLate ? 'overdue' : 'normal';
}

/** Extra time of an extension (延期). */
export interface Extension {
  value: number;
  unit: LimitUnit;
}

/** The deadlines after an approved extension: the extra time counts from the old deadline (or from now, when that
 * has passed), in the extension's unit; the 3× mark never moves earlier. */
export function extendedDeadlines(cal: WorkCalendar, now: number, due: number | null, due3x: number | null, ext: Extension): { due: number; due3x: number } {
  const next = deadline(cal, Math.max(now, due ?? now), limitMs(cal, ext.value, ext.unit), ext.unit);
  return { due: next, due3x: Math.max(next, due3x ?? 0) };
}

/** A stage limit: so much time in a unit. */
export interface StageLimit {
  value: number;
  unit: LimitUnit;
}

/** The clock of a stage entered at `now`: its limit in clock milliseconds, the deadline and the 3× mark. */
export function stageClock(cal: WorkCalendar, now: number, limit: StageLimit): { limitMs: number; due: number; due3x: number } {
  const ms = limitMs(cal, limit.value, limit.unit);
  return { limitMs: Math.round(ms), due: deadline(cal, now, ms, limit.unit), due3x: deadline(cal, now, 3 * ms, limit.unit) };
}

/** Clock time left at 挂账 (suspend): it is kept and given back at 恢复 (resume); null without a running clock. */
export function timeLeftAt(cal: WorkCalendar, now: number, due: number | null, unit: LimitUnit | null): number | null {
  return due != null && unit ? clockBetween(cal, now, due, unit) : null;
}

/** The deadlines at 恢复: the time that was left runs from now (the whole stage limit when nothing was kept); the 3×
 * mark keeps its distance of two limits beyond the deadline. */
export function resumedDeadlines(cal: WorkCalendar, now: number, left: number, stageLimitMs: number, unit: LimitUnit): { due: number; due3x: number } {
  const rest = Math.max(0, left);
  return { due: deadline(cal, now, rest, unit), due3x: deadline(cal, now, rest + 2 * stageLimitMs, unit) };
}

/** The channel a role's intake form starts on (a supervisor reports from the street, a leader gives instructions). */
export function defaultChannel(role: Role): string {
  return role === 'supervisor' ? 'supervisor' : role === 'leader' ? 'leader' : 'hotline';
}
