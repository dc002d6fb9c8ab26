// Reading cases: list rows, the detail panel (with the actions the caller may take), photos, the map's markers.
import { ApiError } from '../../../shared/errors.ts';
import { actionsFor, maySeeReporter } from '../../../shared/access.ts';
import { OPEN_STATES, type CaseFacts } from '../../../shared/workflow.ts';
import type { CaseDetail, CaseHistoryEntry, CaseKind, CaseMarker, CaseSummary, User } from '../../../shared/model.ts';
import type { BBox } from '../../../shared/model.ts';
import type { CaseHolder } from '../../../shared/access.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { CaseClocks } from './clocks.ts';
import type { Routing } from './routing.ts';
import type { CaseScope } from './scope.ts';
import type { CaseChange, CaseRow, CaseStore } from './store.ts';

/** Case reads for one user at a time. */
export class CaseReads {
  private readonly eventName;

  constructor(
    private readonly store: CaseStore,
    private readonly catalog: CatalogService,
    private readonly clocks: CaseClocks,
    private readonly routing: Routing,
    private readonly scope: CaseScope,
  ) {
    this.eventName = store.db.prepare('SELECT name FROM event_classes WHERE code = ?');
  }

  /** The name of a case's class. */
  className(kind: CaseKind, code: string): string {
    if (kind === 'component') return this.catalog.componentClass(code)?.name ?? code;
    return (this.eventName.get(code) as { name: string } | undefined)?.name ?? code;
  }

  /** A row as lists show it. */
  summary(r: CaseRow, now: number): CaseSummary {
    return {
      id: r.id,
      caseNo: r.case_no,
      kind: r.kind,
      classCode: r.class_code,
      className: this.className(r.kind, r.class_code),
      channel: r.channel,
      status: r.status,
      description: r.description,
      address: r.address,
      lon: r.lon,
      lat: r.lat,
      gridCode: r.grid_code,
      streetCode: r.street_code,
      communityCode: r.community_code,
      deptCode: r.dept_code,
      assigneeDept: r.assignee_dept,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: r.version,
      clock: this.clocks.of(r, now),
      closeType: r.close_type,
      urgeCount: r.urge_count,
    };
  }

  /** What the workflow and the access rules read of a case. */
  facts(r: CaseRow): CaseFacts & CaseHolder {
    const level = r.assignee_dept ? (this.store.dept(r.assignee_dept)?.level ?? null) : null;
    return {
      state: r.status,
      suspendedFrom: r.suspended_from,
      extensionRequested: !!r.extension_req,
      assigneeLevel: level,
      caseNo: r.case_no,
      assigneeDept: r.assignee_dept,
      supervisorId: r.supervisor_id,
      streetCode: r.street_code,
    };
  }

  /** Refuses a user who may not see the case. */
  requireVisible(r: CaseRow, u: User): void {
    if (!this.scope.visible(r, u)) throw new ApiError('FORBIDDEN', `case ${r.case_no} is not assigned to your department`);
  }

  /** One case with history, photos and the caller's actions. After a write the actor gets the result even when the
   * case has just left their hands (e.g. reported upwards). */
  detail(id: number, u: User, now: number, afterWrite = false): CaseDetail {
    const r = this.store.row(id);
    if (!afterWrite) this.requireVisible(r, u);
    const photos = this.store.photos(id);
    const history: CaseHistoryEntry[] = this.store.history(id).map((h) => ({
      id: h.id,
      at: h.at,
      actorName: h.actor_name,
      role: h.role,
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      reason: h.reason,
      data: h.data ? (JSON.parse(h.data) as Record<string, unknown>) : null,
      photoIds: photos.filter((p) => p.history_id === h.id).map((p) => p.id),
    }));
    return {
      ...this.summary(r, now),
      componentCode: r.component_code,
      // Personal data only for those who call back or verify (shared/access.ts maySeeReporter).
      ...(maySeeReporter(u)
        ? { reporterName: r.reporter_name, reporterPhone: r.reporter_phone, reporterEmail: r.reporter_email }
        : { reporterName: null, reporterPhone: null, reporterEmail: null }),
      callback: !!r.callback,
      attributes: r.attributes ? (JSON.parse(r.attributes) as Record<string, unknown>) : null,
      supervisorId: r.supervisor_id,
      extensionRequest: r.extension_req ? (JSON.parse(r.extension_req) as CaseDetail['extensionRequest']) : null,
      suspendedFrom: r.suspended_from,
      reworkCount: r.rework_count,
      extensionCount: r.extension_count,
      returnCount: r.return_count,
      mergedInto: r.merged_into,
      history,
      photoIds: photos.map((p) => p.id),
      photoRoles: Object.fromEntries(photos.filter((p) => p.role).map((p) => [p.id, p.role!])),
      actions: actionsFor(u, this.facts(r)),
      suggestedDept:
        r.status === 'pending_dispatch' || r.status === 'return_requested' ? this.routing.route(r.kind, r.class_code, r.street_code, r.component_code) : null,
    };
  }

  /** The change a write made, for the cases.changed push. */
  change(c: CaseSummary, action: string, previousAssigneeDept: string | null = c.assigneeDept): CaseChange {
    return {
      id: c.id,
      caseNo: c.caseNo,
      status: c.status,
      version: c.version,
      action,
      deptCode: c.deptCode,
      assigneeDept: c.assigneeDept,
      previousAssigneeDept,
    };
  }

  /** One photo's bytes, for a user who may see its case. */
  photo(id: number, u: User): Uint8Array {
    const p = this.store.photo(id);
    if (!p) throw new ApiError('NOT_FOUND', `no photo ${id}`);
    if (!this.scope.visible(this.store.row(p.case_id), u)) throw new ApiError('FORBIDDEN', 'the photo belongs to a case of another department');
    return new Uint8Array(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  }

  /** Open cases in a box for the map layer (department users: their own, as in their queues). */
  markers(bbox: BBox, limit: number, now: number, u: User): CaseMarker[] {
    const marks = OPEN_STATES.map(() => '?').join(', ');
    const f = this.scope.filter(u);
    const rows = this.store.sql
      .get(
        `SELECT id, case_no, lon, lat, status, stage_due, stage_due3x FROM cases
      WHERE status IN (${marks}) AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?${f ? ` AND ${f.col} = ?` : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...OPEN_STATES, bbox[0], bbox[2], bbox[1], bbox[3], ...(f ? [f.dept] : []), limit) as (Pick<CaseRow, 'id' | 'case_no' | 'lon' | 'lat' | 'status'> &
      Pick<CaseRow, 'stage_due' | 'stage_due3x'>)[];
    return rows.map((r) => ({
      id: r.id,
      caseNo: r.case_no,
      lon: r.lon,
      lat: r.lat,
      status: r.status,
      overdue: r.stage_due != null && now > r.stage_due,
      overdue3x: r.stage_due3x != null && now > r.stage_due3x,
    }));
  }
}
