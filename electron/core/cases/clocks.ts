// Stage clocks (时限): the working calendar, each stage's time limit for a class, and the clock columns of a case.
// The arithmetic is shared/workflow.ts and shared/calendar.ts; this module reads the tables they need.
import type { Db } from '../db/connection.ts';
import { clockBetween, makeCalendar, type WorkCalendar } from '../../../shared/calendar.ts';
import { stageClock, STAGE_OF, type CaseState, type Stage, type StageLimit } from '../../../shared/workflow.ts';
import type { CaseClock, CaseKind } from '../../../shared/model.ts';
import type { SettingsService } from '../settings/service.ts';
import type { CaseRow } from './store.ts';

/** The clock columns of the cases table. */
export type ClockColumns = Pick<CaseRow, 'stage' | 'stage_started' | 'stage_limit_ms' | 'stage_unit' | 'stage_due' | 'stage_due3x'>;

/** The calendar and the limits, cached until invalidated (a settings or calendar change). */
export class CaseClocks {
  private cal: WorkCalendar | null = null;
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly settings: SettingsService,
  ) {
    this.q = {
      days: db.prepare('SELECT date, kind FROM calendar_days'),
      limit: db.prepare('SELECT value, unit FROM stage_limits WHERE stage = ? AND kind = ? AND class_code = ?'),
      eventLimit: db.prepare('SELECT limit_value AS value, limit_unit AS unit FROM event_classes WHERE code = ?'),
    };
  }

  /** The working calendar: the settings' working hours and the calendar_days table (holidays, 调休 workdays). */
  calendar(): WorkCalendar {
    if (!this.cal) {
      const rows = this.q.days.all() as { date: string; kind: string }[];
      this.cal = makeCalendar(
        this.settings.get().workHours,
        rows.filter((r) => r.kind === 'holiday').map((r) => r.date),
        rows.filter((r) => r.kind === 'workday').map((r) => r.date),
      );
    }
    return this.cal;
  }

  /** Forgets the calendar (working hours or days changed). */
  invalidate(): void {
    this.cal = null;
  }

  /** The time limit of a stage for a case's class: the most specific stage_limits row, the event class's own
   * handling limit, the kind's default, the stage's default; one working day when nothing is set. */
  stageLimit(stage: Stage, kind: CaseKind, classCode: string): StageLimit {
    const exact = this.q.limit.get(stage, kind, classCode) as StageLimit | undefined;
    if (exact) return exact;
    if (stage === 'handle' && kind === 'event') {
      const ev = this.q.eventLimit.get(classCode) as StageLimit | undefined;
      if (ev) return ev;
    }
    return (this.q.limit.get(stage, kind, '') ?? this.q.limit.get(stage, '', '') ?? { value: 1, unit: 'work_day' }) as StageLimit;
  }

  /** Clock columns for entering `state` at `now` (all null when the state has no clock). */
  enter(state: CaseState, kind: CaseKind, classCode: string, now: number): ClockColumns {
    const stage = STAGE_OF[state];
    if (!stage) return { stage: null, stage_started: null, stage_limit_ms: null, stage_unit: null, stage_due: null, stage_due3x: null };
    const lim = this.stageLimit(stage, kind, classCode);
    const c = stageClock(this.calendar(), now, lim);
    return { stage, stage_started: now, stage_limit_ms: c.limitMs, stage_unit: lim.unit, stage_due: c.due, stage_due3x: c.due3x };
  }

  /** A case's clock as the UI shows it at `now`. */
  of(r: CaseRow, now: number): CaseClock {
    if (r.stage_due == null || r.stage_unit == null) {
      return { stage: r.stage, started: r.stage_started, due: null, remainingMs: r.suspended_left, unit: r.stage_unit, overdue: false, overdue3x: false };
    }
    return {
      stage: r.stage,
      started: r.stage_started,
      due: r.stage_due,
      unit: r.stage_unit,
      remainingMs: clockBetween(this.calendar(), now, r.stage_due, r.stage_unit),
      overdue: now > r.stage_due,
      overdue3x: r.stage_due3x != null && now > r.stage_due3x,
    };
  }
}
