// The cases table and what hangs off it (history, photos, case numbers), as rows: the SQL the other case modules
// share. Every write appends to case_history in the same transaction as the change it records.
import type { Db } from '../db/connection.ts';
import { Statements } from '../db/statements.ts';
import { ApiError } from '../../../shared/errors.ts';
import { dayKey, dayOf, type LimitUnit } from '../../../shared/calendar.ts';
import type { CaseState, Stage } from '../../../shared/workflow.ts';
import type { CaseKind, User } from '../../../shared/model.ts';
import type { DecodedPhoto } from '../photos.ts';
import type { EventMap } from '../../../shared/contract/index.ts';

/** A row of the cases table. */
export interface CaseRow {
  id: number;
  case_no: string;
  kind: CaseKind;
  class_code: string;
  channel: string;
  status: CaseState;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  grid_code: string;
  community_code: string;
  street_code: string;
  component_code: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_email: string | null;
  callback: number;
  attributes: string | null;
  dept_code: string | null;
  assignee_dept: string | null;
  supervisor_id: number | null;
  stage: Stage | null;
  stage_started: number | null;
  stage_limit_ms: number | null;
  stage_unit: LimitUnit | null;
  stage_due: number | null;
  stage_due3x: number | null;
  suspended_from: CaseState | null;
  suspended_left: number | null;
  extension_req: string | null;
  urge_count: number;
  rework_count: number;
  extension_count: number;
  return_count: number;
  close_type: 'normal' | 'overdue' | 'self' | null;
  merged_into: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** A row of case_history. */
export interface HistoryRow {
  id: number;
  at: number;
  actor_name: string;
  role: string;
  action: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  data: string | null;
}

/** A department row. */
export interface DeptRow {
  code: string;
  name: string;
  level: number;
  parent: string | null;
  street_code: string | null;
}

/** The change a write made, for push events (the cases.changed payload without its time). */
export type CaseChange = Omit<EventMap['cases.changed'], 'at'>;

/** Row access shared by the case modules. */
export class CaseStore {
  /** Prepared statements of SQL built from templates (queues, partial updates). */
  readonly sql: Statements;
  private readonly q;

  constructor(readonly db: Db) {
    this.sql = new Statements(db);
    this.q = {
      byId: db.prepare('SELECT * FROM cases WHERE id = ?'),
      history: db.prepare('SELECT * FROM case_history WHERE case_id = ? ORDER BY id'),
      photosOf: db.prepare('SELECT id, history_id, role FROM case_photos WHERE case_id = ? ORDER BY id'),
      photo: db.prepare('SELECT case_id, bytes FROM case_photos WHERE id = ?'),
      insertHistory: db.prepare(`INSERT INTO case_history (case_id, at, actor_id, actor_name, role, action, from_status, to_status, reason, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertPhoto: db.prepare('INSERT INTO case_photos (case_id, history_id, mime, bytes, sha256, at, role) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      serial: db.prepare(`INSERT INTO case_serials (day, n) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1 RETURNING n`),
      dept: db.prepare('SELECT code, name, level, parent, street_code FROM departments WHERE code = ?'),
      lastHandle: db.prepare("SELECT data FROM case_history WHERE case_id = ? AND action = 'handle' ORDER BY id DESC LIMIT 1"),
    };
  }

  /** One case; NOT_FOUND when there is none. */
  row(id: number): CaseRow {
    const r = this.q.byId.get(id) as CaseRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no case ${id}`, { field: 'id' });
    return r;
  }

  /** A case's history, oldest first. */
  history(id: number): HistoryRow[] {
    return this.q.history.all(id) as HistoryRow[];
  }

  /** A case's photos: ids, the history step each came with, and the role of a 自行处置's photos. */
  photos(id: number): { id: number; history_id: number | null; role: 'before' | 'after' | null }[] {
    return this.q.photosOf.all(id) as { id: number; history_id: number | null; role: 'before' | 'after' | null }[];
  }

  /** One photo's bytes and case. */
  photo(id: number): { case_id: number; bytes: Buffer } | undefined {
    return this.q.photo.get(id) as { case_id: number; bytes: Buffer } | undefined;
  }

  /** Appends a history step with its photos; returns nothing (the caller's transaction holds it). */
  record(
    caseId: number,
    now: number,
    u: User,
    action: string,
    from: CaseState | null,
    to: CaseState,
    reason: string | null,
    data: object | null,
    photos: DecodedPhoto[],
  ): void {
    const h = this.q.insertHistory.run(caseId, now, u.id || null, u.displayName, u.role, action, from, to, reason, data ? JSON.stringify(data) : null);
    for (const p of photos) this.q.insertPhoto.run(caseId, Number(h.lastInsertRowid), p.mime, p.bytes, p.sha256, now, p.role ?? null);
  }

  /** Whether the last 处置反馈 of a case came after its deadline. */
  lastHandleLate(id: number): boolean {
    const h = this.q.lastHandle.get(id) as { data: string } | undefined;
    return !!h && !!(JSON.parse(h.data) as { late?: boolean }).late;
  }

  /** A department by code. */
  dept(code: string): DeptRow | undefined {
    return this.q.dept.get(code) as DeptRow | undefined;
  }

  /** The next case number of the CST day of `at`: YYYYMMDD + a 5-digit serial. Call inside the write's transaction. */
  nextCaseNo(at: number): string {
    const day = dayKey(dayOf(at)).replaceAll('-', '');
    return `${day}${String((this.q.serial.get(day) as { n: number }).n).padStart(5, '0')}`;
  }
}
