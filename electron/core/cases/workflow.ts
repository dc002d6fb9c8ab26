// The workflow actions (受理, 立案, 派遣, 处置, 核查, 结案…) on stored cases. Who may take an action from which state
// is shared/workflow.ts's table, who holds the case is shared/access.ts; what each action writes is effects.ts.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { mayAct } from '../../../shared/access.ts';
import { FINAL_STATES, type CaseAction } from '../../../shared/workflow.ts';
import type { CaseActionInput, CaseActionInputOf } from '../../../shared/contract/cases.ts';
import type { CaseDetail, User } from '../../../shared/model.ts';
import { decodeFixPhotos, decodePhotos, type DecodedPhoto } from '../photos.ts';
import type { CaseClocks } from './clocks.ts';
import type { CaseCounts } from './counts.ts';
import { caseEffects, type Effects, type Step } from './effects.ts';
import type { CaseReads } from './reads.ts';
import type { Routing } from './routing.ts';
import type { CaseChange, CaseRow, CaseStore } from './store.ts';

const REFUSAL_CODES = { state: 'CONFLICT', guard: 'CONFLICT', role: 'FORBIDDEN', holder: 'FORBIDDEN', reason: 'BAD_INPUT' } as const;

/** Takes workflow actions on cases, one transaction each. */
export class CaseWorkflow {
  private readonly effects: Effects;

  constructor(
    private readonly db: Db,
    private readonly store: CaseStore,
    private readonly reads: CaseReads,
    private readonly clocks: CaseClocks,
    private readonly counts: CaseCounts,
    routing: Routing,
  ) {
    // The least busy supervisor of the street (or one without a street) gets a 核实/核查 task.
    const supervisor = db.prepare(`SELECT u.id FROM users u WHERE u.role = 'supervisor' AND u.disabled = 0 AND (u.street_code = ? OR u.street_code IS NULL)
        ORDER BY (u.street_code IS NULL), (SELECT count(*) FROM cases c WHERE c.supervisor_id = u.id AND c.status IN ('pending_verify', 'pending_check')), u.id LIMIT 1`);
    this.effects = caseEffects({
      store,
      routing,
      clocks,
      supervisorFor: (street) => (supervisor.get(street) as { id: number } | undefined)?.id ?? null,
    });
  }

  /** Runs one action; refuses an illegal one with a message naming the states that allow it, a stale version with
   * a CONFLICT (of two concurrent actions exactly one wins). Returns the case and the change for push. */
  act(i: CaseActionInput, u: User, now: number): { detail: CaseDetail; change: CaseChange } {
    const photos = i.action === 'selfHandle' ? decodeFixPhotos(i) : decodePhotos('photos' in i ? i.photos : undefined);
    let previous: string | null = null;
    this.db.transaction(() => {
      const r = this.store.row(i.id);
      previous = r.assignee_dept;
      this.reads.requireVisible(r, u);
      if (r.version !== i.version) {
        throw new ApiError('CONFLICT', `case ${r.case_no} was changed by someone else (version ${r.version}, you saw ${i.version}); reload it and try again`, {
          current: r.version,
        });
      }
      this.apply(r, i, u, now, photos);
    })();
    const detail = this.reads.detail(i.id, u, now, true);
    return { detail, change: this.reads.change(detail, i.action, previous) };
  }

  /** Applies an action to a row inside the caller's transaction: decide, write the case, record the step. */
  apply(r: CaseRow, i: CaseActionInput, u: User, now: number, photos: DecodedPhoto[]): void {
    const d = mayAct(u, this.reads.facts(r), i.action, { reason: i.reason, passed: 'passed' in i ? i.passed : undefined });
    if (!d.ok) throw new ApiError(REFUSAL_CODES[d.reason], d.message, { field: d.reason === 'reason' ? 'reason' : 'action' });
    const s: Step = { set: {}, data: {}, to: d.to, clockTo: d.to !== r.status ? d.to : null };
    (this.effects[i.action] as (s: Step, r: CaseRow, i: CaseActionInputOf<CaseAction>, now: number) => void)(s, r, i, now);
    if (s.clockTo) Object.assign(s.set, this.clocks.enter(s.clockTo, r.kind, r.class_code, now));
    if (s.to === 'suspended' || FINAL_STATES.includes(s.to)) Object.assign(s.set, { stage_due: null, stage_due3x: null, stage: null });
    Object.assign(s.set, { status: s.to, updated_at: now, version: r.version + 1 });
    const cols = Object.keys(s.set);
    this.store.sql.get(`UPDATE cases SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...cols.map((c) => s.set[c]), r.id);
    this.store.record(r.id, now, u, i.action, r.status, s.to, i.reason ?? null, Object.keys(s.data).length ? s.data : null, photos);
    const after = (col: 'dept_code' | 'assignee_dept') => (col in s.set ? (s.set[col] as string | null) : r[col]);
    this.counts.bump(
      { status: r.status, dept: r.dept_code, assignee: r.assignee_dept },
      { status: s.to, dept: after('dept_code'), assignee: after('assignee_dept') },
    );
  }
}
