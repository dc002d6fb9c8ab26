// FixMyStreet's servicerequestupdates extension of GeoReport v2: the status changes of public requests between two
// times, so a FixMyStreet site can use this centre as its back-end. An update is a change of state in the case
// history; it carries the public name of the new state only — never the reason, the actor or any internal text.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { isoCst } from '../../../shared/calendar.ts';
import { STATE_NAMES, type CaseState } from '../../../shared/workflow.ts';
import type { Open311Update } from '../../../shared/contract/open311.ts';
import { PUBLIC_CASE_SQL } from './public.ts';

/** The status FixMyStreet understands for each state (it maps in_progress to "in progress", fixed to "fixed -
 * council", no_further_action to "unable to fix", open to "confirmed"). */
const FMS_STATUS: Record<CaseState, Open311Update['status']> = {
  pending_accept: 'open',
  pending_verify: 'investigating',
  pending_register: 'investigating',
  pending_dispatch: 'action_scheduled',
  handling: 'in_progress',
  return_requested: 'in_progress',
  pending_check: 'in_progress',
  pending_close: 'in_progress',
  suspended: 'action_scheduled',
  closed: 'fixed',
  voided: 'no_further_action',
};

/** The public words of a state a request entered (the same as status_notes of GET requests). */
export function publicStateText(status: CaseState, closeType: string | null): string {
  if (status === 'closed') return closeType === 'self' ? '已结案（现场自行处置）' : '已结案';
  return STATE_NAMES[status];
}

const MAX_UPDATES = 1000;
const DAY = 86_400_000;

/** Reads status updates of the requests the public may see. */
export class Open311Updates {
  private readonly q;

  constructor(db: Db) {
    this.q = db.prepare(`SELECT h.id, h.at, h.to_status, c.case_no, c.close_type
      FROM case_history h JOIN cases c ON c.id = h.case_id
      WHERE h.at >= ? AND h.at <= ? AND h.from_status IS NOT NULL AND h.from_status <> h.to_status AND ${PUBLIC_CASE_SQL}
      ORDER BY h.at, h.id LIMIT ${MAX_UPDATES}`);
  }

  /** Updates between start and end (ISO 8601; default the last day up to now), oldest first, at most 1000. */
  list(f: { start_date?: string; end_date?: string }, publicChannels: string, now: number): Open311Update[] {
    const end = f.end_date ? Date.parse(f.end_date) : now;
    const start = f.start_date ? Date.parse(f.start_date) : end - DAY;
    if (start > end) throw new ApiError('BAD_INPUT', 'start_date is after end_date', { field: 'start_date' });
    const rows = this.q.all(start, end, publicChannels) as { id: number; at: number; to_status: CaseState; case_no: string; close_type: string | null }[];
    return rows.map((r) => ({
      update_id: String(r.id),
      service_request_id: r.case_no,
      status: FMS_STATUS[r.to_status],
      updated_datetime: isoCst(r.at),
      description: publicStateText(r.to_status, r.close_type),
      media_url: null,
    }));
  }
}
