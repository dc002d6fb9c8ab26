// Who may do what, decided in one place for the core and the UI: the core refuses with these answers, the UI shows
// a button only when the same question answers yes. Calls are governed by each method's access list in the contract;
// case actions by the workflow's table plus who holds the case.
import { contract, type MethodName } from './contract/index.ts';
import { ACTION_NAMES, CASE_ACTIONS, decide, type ActionInput, type CaseAction, type CaseFacts, type Decision } from './workflow.ts';
import type { Role } from './roles.ts';

/** What access rules read of a user. */
export interface Caller {
  id: number;
  role: Role;
  department: string | null;
  departmentLevel: number | null;
  /** A supervisor's street (their area); null: the whole district. */
  streetCode?: string | null;
}

/** Why a call is refused: not logged in, or logged in without the role. */
export type CallRefusal = { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string };

/** Checks a caller (null: nobody logged in) against a method's access list; null when the call may go ahead. */
export function callRefusal(user: Pick<Caller, 'role'> | null, method: MethodName): CallRefusal | null {
  const access = contract[method].access ?? 'user';
  if (access === 'public') return null;
  if (!user) return { code: 'UNAUTHENTICATED', message: `${method} needs a logged-in user; log in first (auth.login)` };
  if (access === 'user' || user.role === 'admin' || access.includes(user.role)) return null;
  return { code: 'FORBIDDEN', message: `${method} is not allowed for the role ${user.role}; it needs ${access.join(' or ')}` };
}

/** True when the caller may call the method. */
export function mayCall(user: Pick<Caller, 'role'> | null, method: MethodName): boolean {
  return callRefusal(user, method) === null;
}

/** Who holds a case, beyond its state: the department working on it and the supervisor of its task. */
export interface CaseHolder {
  caseNo: string;
  /** The department (level 2, 3 or 4) holding the case while it is handled. */
  assigneeDept: string | null;
  /** The supervisor a 核实/核查 task is assigned to (null: anyone's). */
  supervisorId: number | null;
  /** The street the case is in. */
  streetCode: string;
}

/** Actions a supervisor takes in the street: only inside their own area (their street, when they have one). */
const FIELD_ACTIONS: readonly CaseAction[] = ['verify', 'check', 'selfHandle'];

/** The answer to "may this user take this action on this case now": the workflow's decision, refused with reason
 * 'holder' when the case is with another department or the task with another supervisor. */
export type ActDecision = Decision | { ok: false; reason: 'holder'; message: string };

/** Decides an action for a user: the state machine first (state, role, guard, reason), then who holds the case. */
export function mayAct(user: Caller, facts: CaseFacts & CaseHolder, action: CaseAction, input: ActionInput & { reason?: string | null } = {}): ActDecision {
  const d = decide(facts, action, user.role, input);
  if (!d.ok) return d;
  if (user.role === 'department' && facts.assigneeDept !== user.department) {
    return {
      ok: false,
      reason: 'holder',
      message: `case ${facts.caseNo} is held by ${facts.assigneeDept ?? 'no department'}, not your department ${user.department}`,
    };
  }
  if (user.role === 'supervisor' && (action === 'verify' || action === 'check') && facts.supervisorId != null && facts.supervisorId !== user.id) {
    return { ok: false, reason: 'holder', message: `the ${ACTION_NAMES[action]} task of case ${facts.caseNo} is assigned to another supervisor` };
  }
  if (user.role === 'supervisor' && FIELD_ACTIONS.includes(action) && !inArea(user, facts.streetCode)) {
    return { ok: false, reason: 'holder', message: `case ${facts.caseNo} is in street ${facts.streetCode}, outside your area (street ${user.streetCode})` };
  }
  return d;
}

/** The actions a user may take on a case now (any input the action needs assumed given). */
export function actionsFor(user: Caller, facts: CaseFacts & CaseHolder): CaseAction[] {
  return CASE_ACTIONS.filter((a) => mayAct(user, facts, a, { reason: 'x', passed: true }).ok);
}

/** True when a place in `streetCode` is inside the user's area (a user without a street covers the district). */
export function inArea(user: Pick<Caller, 'streetCode'>, streetCode: string): boolean {
  return !user.streetCode || user.streetCode === streetCode;
}

/** Who may read a reporter's name, phone and e-mail: the hall that takes calls, registers, dispatches and calls
 * back, and the supervisor who verifies on the spot; not departments, leaders, GIS editors or DR operators. */
export function maySeeReporter(user: Pick<Caller, 'role'>): boolean {
  return ['operator', 'shift_leader', 'dispatcher', 'supervisor', 'admin'].includes(user.role);
}

/** 自行处置 (a problem fixed on the spot and recorded closed) is a supervisor's. */
export function maySelfHandle(user: Pick<Caller, 'role'>): boolean {
  return user.role === 'supervisor' || user.role === 'admin';
}

/** True when the user sees the cases of one department only (their own unit's, or those dispatched to it). */
export function departmentScoped(user: Pick<Caller, 'role'>): boolean {
  return user.role === 'department';
}
