// Deadline arithmetic over the working calendar: working hours, weekends, statutory holidays and 调休 make-up days.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  addWorking,
  clockBetween,
  deadline,
  isWorkingDay,
  dayOf,
  limitMs,
  makeCalendar,
  workingBetween,
  isoCst,
  type LimitUnit,
} from '../../shared/calendar.ts';

// The shipped calendar file, as the core loads it.
interface CalendarFile {
  workHours: [string, string][];
  years: Record<string, { holidays: Record<string, [string, string?]>; workdays: string[] }>;
}
const file = JSON.parse(readFileSync(new URL('../../data/calendar.json', import.meta.url), 'utf8')) as CalendarFile;
const holidays: string[] = [];
const workdays: string[] = [];
for (const y of Object.values(file.years)) {
  for (const [a, b = a] of Object.values(y.holidays)) {
    for (let t = Date.parse(a); t <= Date.parse(b); t += 86_400_000) holidays.push(new Date(t).toISOString().slice(0, 10));
  }
  workdays.push(...y.workdays);
}
const cal = makeCalendar(file.workHours, holidays, workdays);
const t = (s: string) => Date.parse(`${s}+08:00`);
const due = (start: string, value: number, unit: LimitUnit) => isoCst(deadline(cal, t(start), limitMs(cal, value, unit), unit)).slice(0, 16);

describe('working days', () => {
  it.each([
    ['2026-11-27', true, 'a Friday'],
    ['2026-11-28', false, 'a Saturday'],
    ['2026-10-01', false, '国庆节'],
    ['2026-10-08', true, 'the day after the National Day holiday'],
    ['2026-10-10', true, 'a Saturday worked (调休)'],
    ['2026-02-14', true, 'a Saturday worked before 春节'],
    ['2026-02-16', false, '春节 Monday'],
    ['2025-01-26', true, 'a Sunday worked (调休) in 2025'],
    ['2025-01-01', false, '元旦 2025, a one-day holiday'],
    ['2025-10-08', false, '2025 National Day / Mid-Autumn'],
  ])('%s is a working day: %s (%s)', (d, want) => {
    expect(isWorkingDay(cal, dayOf(t(`${d}T12:00:00`)))).toBe(want);
  });
});

describe('deadlines', () => {
  it.each([
    // [start, value, unit, deadline (CST)]
    ['2026-11-24T09:00:00', 4, 'work_hour', '2026-11-24T15:00', 'over the lunch break (3 h before noon, 1 h after 14:00)'],
    ['2026-11-24T08:30:00', 3.5, 'work_hour', '2026-11-24T12:00', 'ends exactly at a period end'],
    ['2026-11-24T07:00:00', 1, 'work_hour', '2026-11-24T09:30', 'starts before opening'],
    ['2026-11-27T16:30:00', 2, 'work_hour', '2026-11-30T09:30', 'Friday afternoon → Monday'],
    ['2026-11-27T10:00:00', 1, 'work_day', '2026-11-30T10:00', 'a working day over the weekend'],
    ['2026-09-30T10:00:00', 1, 'work_day', '2026-10-08T10:00', 'over 国庆 (Oct 1–7 off; Oct 8 is a working Thursday)'],
    ['2026-09-30T16:00:00', 4, 'work_hour', '2026-10-08T11:00', '4 working hours over the holiday (1.5 h + 2.5 h)'],
    ['2026-10-09T16:00:00', 4, 'work_hour', '2026-10-10T11:00', 'into the make-up Saturday'],
    ['2026-02-13T10:00:00', 1, 'work_day', '2026-02-14T10:00', 'into the make-up Saturday before 春节'],
    ['2026-02-14T10:00:00', 1, 'work_day', '2026-02-24T10:00', 'over the whole 春节 holiday'],
    ['2026-11-27T16:30:00', 2, 'urgent_hour', '2026-11-27T18:30', 'urgent hours are continuous'],
    ['2026-11-27T16:30:00', 1, 'natural_day', '2026-11-28T16:30', 'natural days count weekends'],
  ] as [string, number, LimitUnit, string, string][])('%s + %s %s = %s (%s)', (start, v, u, want) => {
    expect(due(start, v, u)).toBe(want);
  });

  it('working time between two instants is the inverse of adding it', () => {
    const a = t('2026-09-29T15:10:00');
    for (const h of [0.25, 1, 3.5, 7, 12, 40]) {
      const b = addWorking(cal, a, h * 3600_000);
      expect(workingBetween(cal, a, b)).toBe(h * 3600_000);
    }
  });

  it('time left is negative once overdue, in the unit’s clock', () => {
    const d = t('2026-11-27T17:00:00');
    expect(clockBetween(cal, t('2026-11-27T16:00:00'), d, 'work_hour')).toBe(3600_000);
    // Over the weekend no working time passes: Monday 08:30 is still only 30 working minutes late.
    expect(clockBetween(cal, t('2026-11-30T08:45:00'), d, 'work_hour')).toBe(-45 * 60_000);
    expect(clockBetween(cal, t('2026-11-30T08:45:00'), d, 'urgent_hour')).toBeLessThan(-60 * 3600_000);
  });

  it('refuses a malformed working-hours table', () => {
    expect(() => makeCalendar([['09:00', '08:00']], [], [])).toThrow(/ends before/);
    expect(() =>
      makeCalendar(
        [
          ['08:00', '12:00'],
          ['11:00', '13:00'],
        ],
        [],
        [],
      ),
    ).toThrow(/overlap/);
    expect(() => makeCalendar([['8:00', '12:00']], [], [])).toThrow(/HH:MM/);
    expect(() => makeCalendar([], [], [])).toThrow();
  });
});
