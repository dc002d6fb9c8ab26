// Deadline arithmetic over a working calendar (time limits in 紧急小时, 工作时, 工作日 and 自然日). Pure: times are
// epoch milliseconds, the centre's clock is China Standard Time (UTC+8, no daylight saving), so every civil date
// and hour is computed at a fixed offset.
//
// A time limit is turned into "clock milliseconds" of its unit: continuous units (紧急小时, 自然日) count every
// millisecond; working units (工作时, 工作日) count only milliseconds inside working hours on working days.
// A 工作日 is one working day's worth of working time (so 1 工作日 from Friday 10:00 ends Monday 10:00).

export type LimitUnit = 'urgent_hour' | 'work_hour' | 'work_day' | 'natural_day';
export const LIMIT_UNITS: readonly LimitUnit[] = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'];
export const UNIT_NAMES: Record<LimitUnit, string> = { urgent_hour: '紧急小时', work_hour: '工作时', work_day: '工作日', natural_day: '自然日' };

/** UTC+8 in milliseconds. */
export const CST_OFFSET_MS = 8 * 3600_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The working calendar: working hours per day plus exceptions to the Monday–Friday week. */
export interface WorkCalendar {
  /** Working periods of a working day as minutes after midnight, e.g. [[510, 720], [840, 1050]] for 8:30–12:00, 14:00–17:30. */
  periods: [number, number][];
  /** Statutory holidays (weekdays off), as YYYY-MM-DD. */
  holidays: ReadonlySet<string>;
  /** 调休 make-up working days (weekend days worked), as YYYY-MM-DD. */
  workdays: ReadonlySet<string>;
}

/** Parses "08:30" to minutes after midnight. */
export function parseHm(s: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new RangeError(`not a time of day (HH:MM): ${s}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Builds a calendar; periods must be ordered, non-empty and not overlap. */
export function makeCalendar(periods: [string, string][], holidays: Iterable<string>, workdays: Iterable<string>): WorkCalendar {
  const p = periods.map(([a, b]) => [parseHm(a), parseHm(b)] as [number, number]);
  if (p.length === 0) throw new RangeError('a working calendar needs at least one working period');
  for (let i = 0; i < p.length; i++) {
    if (p[i][1] <= p[i][0]) throw new RangeError(`working period ${periods[i].join('–')} ends before it starts`);
    if (i > 0 && p[i][0] < p[i - 1][1]) throw new RangeError(`working periods overlap at ${periods[i][0]}`);
  }
  return { periods: p, holidays: new Set(holidays), workdays: new Set(workdays) };
}

/** Civil date (YYYY-MM-DD) in CST of the day number (days since 1970-01-01 CST). */
export function dayKey(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}
/** CST day number of an instant. */
export function dayOf(t: number): number {
  return Math.floor((t + CST_OFFSET_MS) / DAY);
}
/** Instant of a CST day number plus minutes. */
function at(day: number, minutes: number): number {
  return day * DAY + minutes * 60_000 - CST_OFFSET_MS;
}

/** True when the CST day is a working day (Mon–Fri unless a holiday; a weekend day only if a make-up day). */
export function isWorkingDay(cal: WorkCalendar, day: number): boolean {
  const key = dayKey(day);
  if (cal.workdays.has(key)) return true;
  if (cal.holidays.has(key)) return false;
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return dow !== 0 && dow !== 6;
}

/** Working milliseconds in one working day. */
export function workDayMs(cal: WorkCalendar): number {
  return cal.periods.reduce((s, [a, b]) => s + (b - a) * 60_000, 0);
}

/** Clock milliseconds of a limit. */
export function limitMs(cal: WorkCalendar, value: number, unit: LimitUnit): number {
  switch (unit) {
    case 'urgent_hour':
    case 'work_hour':
      return value * HOUR;
    case 'natural_day':
      return value * DAY;
    case 'work_day':
      return value * workDayMs(cal);
  }
}

/** True when the unit counts only working time. */
export function isWorkingUnit(unit: LimitUnit): boolean {
  return unit === 'work_hour' || unit === 'work_day';
}

/** Working milliseconds between two instants (0 when b ≤ a). */
export function workingBetween(cal: WorkCalendar, a: number, b: number): number {
  if (b <= a) return 0;
  let total = 0;
  const last = dayOf(b);
  for (let d = dayOf(a); d <= last; d++) {
    if (!isWorkingDay(cal, d)) continue;
    for (const [s, e] of cal.periods) {
      const lo = Math.max(a, at(d, s));
      const hi = Math.min(b, at(d, e));
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** The instant when `ms` working milliseconds have passed after `start`. A limit never ends outside working hours
 * except at the end of a period (e.g. 4 工作时 from 8:30 ends at 12:00 sharp, not 14:00). */
export function addWorking(cal: WorkCalendar, start: number, ms: number): number {
  if (ms <= 0) return start;
  let left = ms;
  // A calendar with no working day for years would loop for ever: 10 years is a hard stop.
  for (let d = dayOf(start), n = 0; n < 3660; d++, n++) {
    if (!isWorkingDay(cal, d)) continue;
    for (const [s, e] of cal.periods) {
      const lo = Math.max(start, at(d, s));
      const hi = at(d, e);
      if (hi <= lo) continue;
      if (hi - lo >= left) return lo + left;
      left -= hi - lo;
    }
  }
  throw new RangeError('the working calendar has no working time in the next ten years');
}

/** Deadline of a limit that starts at `start`. */
export function deadline(cal: WorkCalendar, start: number, clockMs: number, unit: LimitUnit): number {
  return isWorkingUnit(unit) ? addWorking(cal, start, clockMs) : start + clockMs;
}

/** Clock milliseconds from a to b in the unit's clock (negative when b < a). */
export function clockBetween(cal: WorkCalendar, a: number, b: number, unit: LimitUnit): number {
  if (!isWorkingUnit(unit)) return b - a;
  return b >= a ? workingBetween(cal, a, b) : -workingBetween(cal, b, a);
}

/** Time left before a deadline in the unit's clock; negative when overdue. */
export function remaining(cal: WorkCalendar, now: number, due: number, unit: LimitUnit): number {
  return clockBetween(cal, now, due, unit);
}

/** ISO 8601 with the +08:00 offset, e.g. 2026-11-27T09:30:00+08:00. */
export function isoCst(t: number): string {
  return new Date(t + CST_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** "3 小时 20 分" style text of a duration; negative shows 超时. */
export function formatDuration(ms: number, lang: 'zh' | 'en' = 'zh'): string {
  const neg = ms < 0;
  let m = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const parts = lang === 'zh' ? [d ? `${d}天` : '', h ? `${h}小时` : '', `${m}分`] : [d ? `${d}d` : '', h ? `${h}h` : '', `${m}m`];
  const s = parts.filter(Boolean).join(lang === 'zh' ? '' : ' ');
  return neg ? (lang === 'zh' ? `超时${s}` : `overdue ${s}`) : s;
}
