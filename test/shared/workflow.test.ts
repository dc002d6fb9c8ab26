// The workflow state machine, table-driven: every allowed transition, and every refusal by state and by role.
import { describe, expect, it } from 'vitest';
import { allowedActions, CASE_ACTIONS, CASE_STATES, decide, RULES, type CaseAction, type CaseFacts, type CaseState } from '../../shared/workflow.ts';
import { ROLES, type Role } from '../../shared/roles.ts';

// [action, from, role, facts/input, to]
const ALLOWED: [CaseAction, CaseState, Role, Partial<CaseFacts> & { passed?: boolean }, CaseState][] = [
  ['accept', 'pending_accept', 'operator', {}, 'pending_register'],
  ['sendVerify', 'pending_accept', 'operator', {}, 'pending_verify'],
  ['verify', 'pending_verify', 'supervisor', {}, 'pending_register'],
  ['register', 'pending_register', 'shift_leader', {}, 'pending_dispatch'],
  ['void', 'pending_register', 'shift_leader', {}, 'voided'],
  ['void', 'pending_accept', 'operator', {}, 'voided'],
  ['merge', 'pending_verify', 'operator', {}, 'voided'],
  ['selfHandle', 'pending_accept', 'supervisor', {}, 'closed'],
  ['dispatch', 'pending_dispatch', 'dispatcher', {}, 'handling'],
  ['subDispatch', 'handling', 'department', { assigneeLevel: 2 }, 'handling'],
  ['subDispatch', 'handling', 'department', { assigneeLevel: 3 }, 'handling'],
  ['subReport', 'handling', 'department', { assigneeLevel: 3 }, 'handling'],
  ['subReport', 'handling', 'department', { assigneeLevel: 4 }, 'handling'],
  ['handle', 'handling', 'department', { assigneeLevel: 2 }, 'pending_check'],
  ['requestReturn', 'handling', 'department', {}, 'return_requested'],
  ['approveReturn', 'return_requested', 'dispatcher', {}, 'pending_dispatch'],
  ['refuseReturn', 'return_requested', 'dispatcher', {}, 'handling'],
  ['requestExtension', 'handling', 'department', { extensionRequested: false }, 'handling'],
  ['approveExtension', 'handling', 'dispatcher', { extensionRequested: true }, 'handling'],
  ['refuseExtension', 'handling', 'dispatcher', { extensionRequested: true }, 'handling'],
  ['suspend', 'handling', 'dispatcher', {}, 'suspended'],
  ['suspend', 'pending_dispatch', 'shift_leader', {}, 'suspended'],
  ['resume', 'suspended', 'dispatcher', { suspendedFrom: 'handling' }, 'handling'],
  ['resume', 'suspended', 'shift_leader', { suspendedFrom: 'pending_dispatch' }, 'pending_dispatch'],
  ['urge', 'handling', 'leader', {}, 'handling'],
  ['urge', 'pending_accept', 'leader', {}, 'pending_accept'],
  ['check', 'pending_check', 'supervisor', { passed: true }, 'pending_close'],
  ['check', 'pending_check', 'supervisor', { passed: false }, 'handling'],
  ['close', 'pending_close', 'shift_leader', {}, 'closed'],
  ['rework', 'pending_close', 'shift_leader', {}, 'handling'],
  ['dispatch', 'pending_dispatch', 'admin', {}, 'handling'],
];

describe('allowed transitions', () => {
  it.each(ALLOWED)('%s from %s by %s', (action, from, role, extra, to) => {
    const { passed, ...facts } = extra;
    expect(decide({ state: from, ...facts }, action, role, { reason: 'because', passed })).toEqual({ ok: true, to });
  });
  it('covers every action at least once', () => {
    expect(new Set(ALLOWED.map((r) => r[0]))).toEqual(new Set(CASE_ACTIONS));
  });
});

describe('refusals by state: every action from every state its rule does not list', () => {
  const rows: [CaseAction, CaseState][] = [];
  for (const a of CASE_ACTIONS) for (const s of CASE_STATES) if (!RULES[a].from.includes(s)) rows.push([a, s]);
  it.each(rows)('%s from %s', (action, state) => {
    const d = decide({ state, assigneeLevel: 2, extensionRequested: true }, action, 'admin', { reason: 'r', passed: true });
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.reason).toBe('state');
    // The message names the state it was asked in and every state that allows the action.
    expect(d.message).toContain(state);
    for (const s of RULES[action].from) expect(d.message).toContain(s);
  });
  it('closed and voided cases allow nothing', () => {
    for (const r of ROLES) {
      expect(allowedActions({ state: 'closed' }, r)).toEqual([]);
      expect(allowedActions({ state: 'voided' }, r)).toEqual([]);
    }
  });
});

describe('refusals by role: every action for every role its rule does not list', () => {
  const rows: [CaseAction, Role][] = [];
  for (const a of CASE_ACTIONS) for (const r of ROLES) if (r !== 'admin' && !RULES[a].roles.includes(r)) rows.push([a, r]);
  it.each(rows)('%s by %s', (action, role) => {
    const d = decide({ state: RULES[action].from[0], assigneeLevel: 2, extensionRequested: true, suspendedFrom: 'handling' }, action, role, {
      reason: 'r',
      passed: true,
    });
    expect(d).toMatchObject({ ok: false, reason: 'role' });
  });
});

describe('guards and reasons', () => {
  it('a level-4 unit cannot pass further down; a level-2 department does not report upwards', () => {
    expect(decide({ state: 'handling', assigneeLevel: 4 }, 'subDispatch', 'department')).toMatchObject({ ok: false, reason: 'guard' });
    expect(decide({ state: 'handling', assigneeLevel: 2 }, 'subReport', 'department')).toMatchObject({ ok: false, reason: 'guard' });
    expect(decide({ state: 'handling', assigneeLevel: 3 }, 'handle', 'department')).toMatchObject({ ok: false, reason: 'guard' });
  });
  it('one extension request at a time; approval needs a request', () => {
    expect(decide({ state: 'handling', extensionRequested: true }, 'requestExtension', 'department', { reason: 'r' })).toMatchObject({
      ok: false,
      reason: 'guard',
    });
    expect(decide({ state: 'handling', extensionRequested: false }, 'approveExtension', 'dispatcher')).toMatchObject({ ok: false, reason: 'guard' });
  });
  it.each(CASE_ACTIONS.filter((a) => RULES[a].needsReason))('%s needs a reason', (action) => {
    const d = decide({ state: RULES[action].from[0], assigneeLevel: 2, extensionRequested: action !== 'requestExtension' }, action, 'admin', { reason: '  ' });
    expect(d).toMatchObject({ ok: false, reason: 'reason' });
  });
  it('offers a dispatcher exactly dispatch and suspend on a case waiting for dispatch', () => {
    expect(allowedActions({ state: 'pending_dispatch' }, 'dispatcher')).toEqual(['dispatch', 'suspend']);
  });
});
