// Who may do what: the contract's access lists as mayCall answers them (the core refuses with the same answer, the UI
// shows its buttons by it), who holds a case (mayAct), and what each action's form must ask for (actionFields).
import { describe, expect, it } from 'vitest';
import { actionsFor, callRefusal, departmentScoped, mayAct, mayCall, maySelfHandle, type Caller } from '../../shared/access.ts';
import { actionFields } from '../../shared/contract/cases.ts';
import { combine } from '../../shared/contract/define.ts';
import { contract, type MethodName } from '../../shared/contract/index.ts';
import { ROLES, type Role } from '../../shared/roles.ts';
import type { CaseFacts } from '../../shared/workflow.ts';
import type { CaseHolder } from '../../shared/access.ts';

const user = (role: Role, extra: Partial<Caller> = {}): Caller => ({ id: 7, role, department: null, departmentLevel: null, ...extra });

describe('mayCall', () => {
  // The gates the hall's screens ask about, with the roles that pass them.
  it.each([
    ['cases.intake', ['operator', 'shift_leader', 'supervisor', 'leader', 'admin']],
    ['components.commit', ['gis_editor', 'admin']],
    ['replication.drill', ['dr_operator', 'admin']],
    ['settings.set', ['admin']],
    ['sms.outbox', ['shift_leader', 'dispatcher', 'admin']],
    ['sms.retry', ['shift_leader', 'admin']],
    ['users.add', ['admin']],
    ['apikeys.create', ['admin']],
    ['cases.list', [...ROLES]],
  ] as [MethodName, Role[]][])('%s is for %j', (method, roles) => {
    expect(ROLES.filter((r) => mayCall(user(r), method))).toEqual(roles);
  });

  it('every method needs a login except the public ones (auth.login and the Open311 reads and create)', () => {
    const open = (Object.keys(contract) as MethodName[]).filter((m) => mayCall(null, m));
    expect(open).toEqual([
      'auth.login',
      'open311.services',
      'open311.service',
      'open311.create',
      'open311.requests',
      'open311.request',
      'open311.token',
      'open311.updates',
    ]);
  });

  it('an administrator may call every method', () => {
    expect((Object.keys(contract) as MethodName[]).filter((m) => !mayCall(user('admin'), m))).toEqual([]);
  });

  it('says why: nobody logged in, or which roles a method needs', () => {
    expect(callRefusal(null, 'cases.list')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(callRefusal(user('operator'), 'settings.set')).toEqual({
      code: 'FORBIDDEN',
      message: 'settings.set is not allowed for the role operator; it needs admin',
    });
  });
});

describe('mayAct', () => {
  const handling = (holder: Partial<CaseHolder> = {}): CaseFacts & CaseHolder => ({
    state: 'handling',
    assigneeLevel: 2,
    caseNo: '2026112400001',
    assigneeDept: 'D03',
    supervisorId: null,
    streetCode: '001',
    ...holder,
  });
  const dept = (code: string, level: number) => user('department', { department: code, departmentLevel: level });

  it('a department acts only on a case it holds', () => {
    expect(mayAct(dept('D03', 2), handling(), 'handle', { reason: 'x' })).toMatchObject({ ok: true, to: 'pending_check' });
    expect(mayAct(dept('D07', 2), handling(), 'handle')).toEqual({
      ok: false,
      reason: 'holder',
      message: 'case 2026112400001 is held by D03, not your department D07',
    });
  });

  it('a 核实 or 核查 task assigned to another supervisor is theirs; one assigned to nobody is anyone’s', () => {
    const check: CaseFacts & CaseHolder = { ...handling({ supervisorId: 9 }), state: 'pending_check' };
    expect(mayAct(user('supervisor'), check, 'check', { passed: true })).toMatchObject({ ok: false, reason: 'holder' });
    expect(mayAct(user('supervisor', { id: 9 }), check, 'check', { passed: true })).toMatchObject({ ok: true, to: 'pending_close' });
    expect(mayAct(user('supervisor'), { ...check, supervisorId: null }, 'check', { passed: false })).toMatchObject({ ok: true, to: 'handling' });
  });

  it('the state machine answers first: a wrong state or role is refused before who holds the case', () => {
    expect(mayAct(dept('D07', 2), { ...handling(), state: 'pending_close' }, 'handle')).toMatchObject({ ok: false, reason: 'state' });
    expect(mayAct(user('operator'), handling(), 'handle')).toMatchObject({ ok: false, reason: 'role' });
  });

  it("lists a user's actions on a case: a holding department may report back, request a return or an extension", () => {
    expect(actionsFor(dept('D03', 2), handling())).toEqual(['subDispatch', 'handle', 'requestReturn', 'requestExtension']);
    expect(actionsFor(dept('D07', 2), handling())).toEqual([]);
    expect(actionsFor(user('dispatcher'), handling())).toEqual(['suspend']);
  });

  it('自行处置 is a supervisor’s; a department user sees one department’s cases', () => {
    expect(ROLES.filter((r) => maySelfHandle(user(r)))).toEqual(['supervisor', 'admin']);
    expect(ROLES.filter((r) => departmentScoped(user(r)))).toEqual(['department']);
  });
});

describe('action inputs', () => {
  it.each([
    ['accept', {}],
    ['dispatch', { dept: 'optional' }],
    ['subDispatch', { dept: 'required' }],
    ['handle', { result: 'required', photos: 'optional' }],
    ['subReport', { result: 'required', photos: 'optional' }],
    ['check', { passed: 'required', photos: 'optional' }],
    ['verify', { passed: 'optional', photos: 'optional' }],
    ['merge', { mergeInto: 'required' }],
    ['requestExtension', { extension: 'required' }],
    ['approveExtension', { extension: 'optional' }],
    ['approveReturn', { dept: 'optional' }],
  ] as const)('%s carries %j', (action, fields) => {
    expect(actionFields(action)).toEqual(fields);
  });
});

describe('contract slices', () => {
  it('a method declared twice stops at start', () => {
    expect(() => combine('contract', { 'a.b': 1 }, { 'a.c': 2 }, { 'a.b': 3 })).toThrow('contract: a.b is declared twice');
  });
});
