// The per-action rules of the workflow, table-driven: dispatch targets, the close type, and the clock arithmetic of
// a new stage, an extension, a suspension and a resumption — over a plain 08:30–12:00 / 14:00–17:30 week.
import { describe, expect, it } from 'vitest';
import { isoCst, makeCalendar, type LimitUnit } from '../../shared/calendar.ts';
import {
  closeTypeOf,
  defaultChannel,
  dispatchTargetProblem,
  extendedDeadlines,
  handledLate,
  resumedDeadlines,
  stageClock,
  subDispatchTargetProblem,
  timeLeftAt,
  type DeptFacts,
} from '../../shared/workflow.ts';
import { ROLES, type Role } from '../../shared/roles.ts';

const cal = makeCalendar(
  [
    ['08:30', '12:00'],
    ['14:00', '17:30'],
  ],
  [],
  [],
);
const t = (s: string) => Date.parse(`${s}+08:00`);
const cst = (ms: number) => isoCst(ms).slice(0, 16);
const HOUR = 3_600_000;
const WORK_DAY = 7 * HOUR; // 3.5 h + 3.5 h

const D03: DeptFacts = { code: 'D03', level: 2, parent: null };
const D03_01: DeptFacts = { code: 'D03-01', level: 3, parent: 'D03' };
const D03_01_01: DeptFacts = { code: 'D03-01-01', level: 4, parent: 'D03-01' };

describe('dispatch targets', () => {
  it.each([
    [D03, 'D03', null],
    [D03_01, 'D03-01', 'dispatch goes to a second-level department; D03-01 is level 3'],
    [undefined, 'D99', 'unknown department D99'],
  ] as const)('派遣 to %j (%s)', (target, code, problem) => {
    expect(dispatchTargetProblem(target, code)).toBe(problem);
  });

  it.each([
    [D03_01, 'D03-01', 'D03', null],
    [D03_01_01, 'D03-01-01', 'D03-01', null],
    [D03_01_01, 'D03-01-01', 'D03', 'D03-01-01 is not a unit directly below D03'],
    [D03, 'D03', 'D03-01', 'D03 is not a unit directly below D03-01'],
    [undefined, 'D99', 'D03', '下派 needs a unit below D03'],
    [undefined, undefined, 'D03', '下派 needs a unit below D03'],
  ] as const)('下派 to %j (%s) from %s', (target, code, holder, problem) => {
    expect(subDispatchTargetProblem(target, code, holder)).toBe(problem);
  });
});

describe('close type', () => {
  it.each([
    [t('2026-11-24T10:00'), t('2026-11-24T09:59'), true, 'overdue'],
    [t('2026-11-24T10:00'), t('2026-11-24T10:00'), false, 'normal'],
    [t('2026-11-24T10:00'), t('2026-11-24T10:01'), false, 'normal'],
    [t('2026-11-24T10:00'), null, false, 'normal'],
  ] as [number, number | null, boolean, string][])('a 处置反馈 at %s against due %s is late: %s; the case closes as %s', (now, due, late, type) => {
    expect(handledLate(due, now)).toBe(late);
    expect(closeTypeOf(handledLate(due, now))).toBe(type);
  });
});

describe('stage clocks', () => {
  it.each([
    ['2026-11-24T09:00', 2, 'work_hour', 2 * HOUR, '2026-11-24T11:00', '2026-11-24T17:00'],
    ['2026-11-27T10:00', 1, 'work_day', WORK_DAY, '2026-11-30T10:00', '2026-12-02T10:00'],
    ['2026-11-24T09:00', 2, 'urgent_hour', 2 * HOUR, '2026-11-24T11:00', '2026-11-24T15:00'],
    ['2026-11-24T09:00', 1, 'natural_day', 24 * HOUR, '2026-11-25T09:00', '2026-11-27T09:00'],
  ] as [string, number, LimitUnit, number, string, string][])(
    'a stage entered at %s with %d %s: %d ms of clock, due %s, 3× at %s',
    (start, value, unit, ms, due, due3x) => {
      const c = stageClock(cal, t(start), { value, unit });
      expect(c.limitMs).toBe(ms);
      expect(cst(c.due)).toBe(due);
      expect(cst(c.due3x)).toBe(due3x);
    },
  );

  it('an extension counts from the old deadline while it is ahead, from now once it has passed; the 3× mark never moves earlier', () => {
    const due = t('2026-11-24T11:00');
    const ext = { value: 1, unit: 'work_day' } as const;
    expect(cst(extendedDeadlines(cal, t('2026-11-24T10:00'), due, t('2026-11-26T11:00'), ext).due)).toBe('2026-11-25T11:00');
    expect(cst(extendedDeadlines(cal, t('2026-11-24T15:00'), due, t('2026-11-26T11:00'), ext).due)).toBe('2026-11-25T15:00');
    const late = extendedDeadlines(cal, t('2026-11-24T10:00'), due, t('2026-11-24T11:30'), ext);
    expect(late.due3x).toBe(late.due);
    const early = extendedDeadlines(cal, t('2026-11-24T10:00'), due, t('2026-12-10T11:00'), ext);
    expect(cst(early.due3x)).toBe('2026-12-10T11:00');
    expect(cst(extendedDeadlines(cal, t('2026-11-24T10:00'), null, null, ext).due)).toBe('2026-11-25T10:00');
  });

  it('挂账 keeps the clock time left (negative when overdue); 恢复 gives it back from the day of resumption', () => {
    expect(timeLeftAt(cal, t('2026-11-24T09:00'), t('2026-11-24T15:00'), 'work_hour')).toBe(4 * HOUR);
    expect(timeLeftAt(cal, t('2026-11-24T16:00'), t('2026-11-24T15:00'), 'work_hour')).toBe(-HOUR);
    expect(timeLeftAt(cal, t('2026-11-24T09:00'), null, 'work_hour')).toBeNull();
    expect(timeLeftAt(cal, t('2026-11-24T09:00'), t('2026-11-24T15:00'), null)).toBeNull();
    // Resumed on Friday 16:00 with 4.5 working hours left and a 7-hour stage limit.
    const r = resumedDeadlines(cal, t('2026-11-27T16:00'), 4.5 * HOUR, WORK_DAY, 'work_hour');
    expect(cst(r.due)).toBe('2026-11-30T11:30');
    expect(cst(r.due3x)).toBe('2026-12-02T11:30');
    // Overdue when suspended: due at once.
    expect(cst(resumedDeadlines(cal, t('2026-11-27T16:00'), -HOUR, WORK_DAY, 'work_hour').due)).toBe('2026-11-27T16:00');
  });
});

describe('intake', () => {
  it.each(ROLES.map((r): [Role, string] => [r, r === 'supervisor' ? 'supervisor' : r === 'leader' ? 'leader' : 'hotline']))(
    'a %s starts on the %s channel',
    (role, channel) => {
      expect(defaultChannel(role)).toBe(channel);
    },
  );
});
