// Cases (案件): intake from every channel, the seven-step workflow enforced through shared/workflow.ts, two-level
// dispatch, stage clocks over the working calendar, queues, full-text search, duplicates and the map layer.
// Every write is one transaction that appends to case_history; the caller gets the new state or an ApiError.
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Statement } from 'better-sqlite3';
import { ApiError } from '../../../shared/errors.ts';
import {
  allowedActions,
  decide,
  FINAL_STATES,
  STAGE_OF,
  type ActionInput,
  type CaseAction,
  type CaseFacts,
  type CaseState,
  type QueueName,
  type Stage,
} from '../../../shared/workflow.ts';
import { clockBetween, dayKey, dayOf, deadline, limitMs, makeCalendar, type LimitUnit, type WorkCalendar } from '../../../shared/calendar.ts';
import type { CaseClock, CaseDetail, CaseHistoryEntry, CasePage, CaseSummary, ChannelInfo, DuplicateHit, User } from '../../../shared/model.ts';
import { distanceM, metresToDegrees } from '../../../shared/geo.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { GridService } from '../grid/service.ts';
import type { ComponentService } from '../components/service.ts';
import type { SettingsService } from '../settings/service.ts';
import { audit, type CallContext } from '../context.ts';

/** A photo as it arrives (base64). */
export interface PhotoInput {
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  data: string;
}

/** Intake of a new case (信息收集). */
export interface IntakeInput {
  channel: string;
  kind?: 'component' | 'event';
  classCode?: string;
  componentCode?: string;
  lon?: number;
  lat?: number;
  address?: string;
  description: string;
  reporterName?: string;
  reporterPhone?: string;
  reporterEmail?: string;
  callback?: boolean;
  attributes?: Record<string, unknown>;
  photos?: PhotoInput[];
  /** 自行处置: a supervisor fixed it on the spot; recorded and closed at once. */
  selfHandled?: boolean;
  /** Open311: the API key that created it. */
  open311Token?: string;
}

/** Input of one workflow action. */
export interface ActInput {
  id: number;
  action: CaseAction;
  /** The version the caller saw: a stale version is a CONFLICT (exactly one of two concurrent actions wins). */
  version: number;
  reason?: string;
  /** dispatch / subDispatch target; approveReturn may re-dispatch at once. */
  dept?: string;
  /** check result. */
  passed?: boolean;
  /** handle / subReport result text. */
  result?: string;
  /** requestExtension / approveExtension: extra time. */
  extension?: { value: number; unit: LimitUnit };
  /** merge: the case this one duplicates. */
  mergeInto?: number;
  photos?: PhotoInput[];
}

/** Filters of a case list. */
export interface CaseFilter {
  queue?: QueueName;
  q?: string;
  classCode?: string;
  status?: CaseState;
  channel?: string;
  streetCode?: string;
  deptCode?: string;
  overdue?: boolean;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

/** The change a write made, for push events. */
export interface CaseChange {
  id: number;
  caseNo: string;
  status: CaseState;
  version: number;
  action: string;
  deptCode: string | null;
  assigneeDept: string | null;
}

interface CaseRow {
  id: number;
  case_no: string;
  kind: 'component' | 'event';
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

const MAX_PHOTO_BYTES = 2_000_000;
const MAGIC: Record<PhotoInput['mime'], (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Decodes and checks photos before anything is written. */
export function decodePhotos(photos: PhotoInput[] | undefined): { mime: string; bytes: Buffer; sha256: string }[] {
  return (photos ?? []).map((p, i) => {
    const bytes = Buffer.from(p.data, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) {
      throw new ApiError('BAD_INPUT', `photo ${i + 1}: ${bytes.length} bytes; a photo must be 1 byte to ${MAX_PHOTO_BYTES / 1e6} MB`, { field: `photos.${i}` });
    }
    if (!MAGIC[p.mime](bytes)) throw new ApiError('BAD_INPUT', `photo ${i + 1} is not a ${p.mime} image`, { field: `photos.${i}` });
    return { mime: p.mime, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** Statuses with a running clock or awaiting someone. */
const OPEN_STATES: CaseState[] = [
  'pending_accept',
  'pending_verify',
  'pending_register',
  'pending_dispatch',
  'handling',
  'return_requested',
  'pending_check',
  'pending_close',
  'suspended',
];

export class CaseService {
  private cal: WorkCalendar | null = null;
  private statusCounts: Map<string, number> | null = null;
  private readonly scoped = new Map<string, Map<string, number>>();
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly grid: GridService,
    private readonly components: ComponentService,
    private readonly settings: SettingsService,
  ) {
    this.q = {
      byId: db.prepare('SELECT * FROM cases WHERE id = ?'),
      history: db.prepare('SELECT * FROM case_history WHERE case_id = ? ORDER BY id'),
      photosOf: db.prepare('SELECT id, history_id FROM case_photos WHERE case_id = ? ORDER BY id'),
      insertHistory: db.prepare(`INSERT INTO case_history (case_id, at, actor_id, actor_name, role, action, from_status, to_status, reason, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertPhoto: db.prepare('INSERT INTO case_photos (case_id, history_id, mime, bytes, sha256, at) VALUES (?, ?, ?, ?, ?, ?)'),
      serial: db.prepare(`INSERT INTO case_serials (day, n) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1 RETURNING n`),
      channel: db.prepare('SELECT code, name, needs_verify FROM channels WHERE code = ?'),
      limit: db.prepare('SELECT value, unit FROM stage_limits WHERE stage = ? AND kind = ? AND class_code = ?'),
      eventLimit: db.prepare('SELECT limit_value AS value, limit_unit AS unit FROM event_classes WHERE code = ?'),
      eventClass: db.prepare('SELECT code, name, default_dept, public FROM event_classes WHERE code = ?'),
      dept: db.prepare('SELECT code, name, level, parent, street_code FROM departments WHERE code = ?'),
      streetOffice: db.prepare('SELECT code FROM departments WHERE level = 2 AND street_code = ? ORDER BY code LIMIT 1'),
      rules: db.prepare('SELECT class_prefix, street_code, dept FROM routing_rules WHERE kind = ?'),
      supervisor: db.prepare(`SELECT u.id FROM users u WHERE u.role = 'supervisor' AND u.disabled = 0 AND (u.street_code = ? OR u.street_code IS NULL)
        ORDER BY (u.street_code IS NULL), (SELECT count(*) FROM cases c WHERE c.supervisor_id = u.id AND c.status IN ('pending_verify', 'pending_check')), u.id LIMIT 1`),
      recentSameClass: db.prepare(`SELECT id, case_no, status, lon, lat, created_at, description FROM cases
        WHERE class_code = ? AND kind = ? AND created_at >= ? AND status != 'voided' AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? LIMIT 200`),
    };
  }

  /** A prepared statement per SQL text: queue queries and writes are built from a few templates, prepared once. */
  private readonly prepared = new Map<string, Statement<unknown[], unknown>>();
  private sql(text: string): Statement<unknown[], unknown> {
    let st = this.prepared.get(text);
    if (!st) {
      st = this.db.prepare<unknown[], unknown>(text);
      this.prepared.set(text, st);
    }
    return st;
  }

  // ---- reference data --------------------------------------------------------------------------------------------

  /** The working calendar (settings' working hours + calendar_days); cached until invalidated. */
  calendar(): WorkCalendar {
    if (!this.cal) {
      const rows = this.sql('SELECT date, kind FROM calendar_days').all() as { date: string; kind: string }[];
      this.cal = makeCalendar(
        this.settings.get().workHours,
        rows.filter((r) => r.kind === 'holiday').map((r) => r.date),
        rows.filter((r) => r.kind === 'workday').map((r) => r.date),
      );
    }
    return this.cal;
  }

  invalidateCalendar(): void {
    this.cal = null;
  }

  channels(): ChannelInfo[] {
    return (this.sql('SELECT code, name, needs_verify FROM channels ORDER BY ord').all() as { code: string; name: string; needs_verify: number }[]).map(
      (r) => ({ code: r.code, name: r.name, needsVerify: !!r.needs_verify }),
    );
  }

  /** Adds an intake channel at the end of the list; a code in use is a conflict. */
  addChannel(c: ChannelInfo, ctx: CallContext): ChannelInfo[] {
    if (this.q.channel.get(c.code)) throw new ApiError('CONFLICT', `channel ${c.code} already exists`, { field: 'code' });
    this.db.transaction(() => {
      this.sql('INSERT INTO channels (code, name, needs_verify, ord) VALUES (?, ?, ?, (SELECT coalesce(max(ord), 0) + 1 FROM channels))').run(
        c.code,
        c.name,
        c.needsVerify ? 1 : 0,
      );
      audit(this.db, ctx, 'channels.add', c.code, JSON.stringify(c));
    })();
    return this.channels();
  }

  /** The time limit of a stage for a case's class (most specific row wins). */
  stageLimit(stage: Stage, kind: 'component' | 'event', classCode: string): { value: number; unit: LimitUnit } {
    const exact = this.q.limit.get(stage, kind, classCode) as { value: number; unit: LimitUnit } | undefined;
    if (exact) return exact;
    if (stage === 'handle' && kind === 'event') {
      const ev = this.q.eventLimit.get(classCode) as { value: number; unit: LimitUnit } | undefined;
      if (ev) return ev;
    }
    return (this.q.limit.get(stage, kind, '') ?? this.q.limit.get(stage, '', '') ?? { value: 1, unit: 'work_day' }) as { value: number; unit: LimitUnit };
  }

  /** The level-2 department the routing table names: component ownership, then rules by class and street, then
   * the class default. */
  route(kind: 'component' | 'event', classCode: string, streetCode: string, componentCode: string | null): string | null {
    if (componentCode) {
      const c = this.components.get(componentCode);
      const top = c.dept1Code ? this.levelTwoOf(c.dept1Code) : null;
      if (top) return top;
    }
    let best: { score: number; dept: string } | null = null;
    for (const r of this.q.rules.all(kind) as { class_prefix: string; street_code: string | null; dept: string }[]) {
      if (!classCode.startsWith(r.class_prefix)) continue;
      if (r.street_code && r.street_code !== streetCode) continue;
      const score = r.class_prefix.length * 2 + (r.street_code ? 1 : 0);
      const dept = r.dept === '@street' ? ((this.q.streetOffice.get(streetCode) as { code: string } | undefined)?.code ?? null) : r.dept;
      if (dept && (!best || score > best.score)) best = { score, dept };
    }
    if (best) return best.dept;
    const def =
      kind === 'event'
        ? (this.q.eventClass.get(classCode) as { default_dept: string | null } | undefined)?.default_dept
        : this.catalog.componentClass(classCode)?.defaultDept;
    return def ? this.levelTwoOf(def) : null;
  }

  private levelTwoOf(code: string): string | null {
    let d = this.q.dept.get(code) as { code: string; level: number; parent: string | null } | undefined;
    while (d && d.level > 2 && d.parent) d = this.q.dept.get(d.parent) as typeof d;
    return d?.level === 2 ? d.code : null;
  }

  private className(kind: 'component' | 'event', code: string): string {
    if (kind === 'component') return this.catalog.componentClass(code)?.name ?? code;
    return (this.q.eventClass.get(code) as { name: string } | undefined)?.name ?? code;
  }

  // ---- clocks ----------------------------------------------------------------------------------------------------

  /** Clock columns for entering `state` at `now` (null clock when the state has none). */
  private clockFor(state: CaseState, kind: 'component' | 'event', classCode: string, now: number) {
    const stage = STAGE_OF[state];
    if (!stage) return { stage: null, stage_started: null, stage_limit_ms: null, stage_unit: null, stage_due: null, stage_due3x: null };
    const lim = this.stageLimit(stage, kind, classCode);
    const cal = this.calendar();
    const ms = limitMs(cal, lim.value, lim.unit);
    return {
      stage,
      stage_started: now,
      stage_limit_ms: Math.round(ms),
      stage_unit: lim.unit,
      stage_due: deadline(cal, now, ms, lim.unit),
      stage_due3x: deadline(cal, now, 3 * ms, lim.unit),
    };
  }

  private clockOf(r: CaseRow, now: number): CaseClock {
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

  // ---- reads -----------------------------------------------------------------------------------------------------

  private row(id: number): CaseRow {
    const r = this.q.byId.get(id) as CaseRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no case ${id}`, { field: 'id' });
    return r;
  }

  private summary(r: CaseRow, now: number): CaseSummary {
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
      clock: this.clockOf(r, now),
      closeType: r.close_type,
      urgeCount: r.urge_count,
    };
  }

  private facts(r: CaseRow): CaseFacts {
    const level = r.assignee_dept ? ((this.q.dept.get(r.assignee_dept) as { level: number } | undefined)?.level ?? null) : null;
    return { state: r.status, suspendedFrom: r.suspended_from, extensionRequested: !!r.extension_req, assigneeLevel: level };
  }

  /** True when the user may see the case (department users: their cases only). */
  private visible(r: CaseRow, u: User): boolean {
    if (u.role !== 'department') return true;
    if (u.departmentLevel === 2) return r.dept_code === u.department;
    return r.assignee_dept === u.department || this.isAncestor(u.department!, r.assignee_dept);
  }

  private isAncestor(anc: string, code: string | null): boolean {
    let d = code ? (this.q.dept.get(code) as { parent: string | null } | undefined) : undefined;
    while (d?.parent) {
      if (d.parent === anc) return true;
      d = this.q.dept.get(d.parent) as typeof d;
    }
    return false;
  }

  get(id: number, u: User, now: number, afterWrite = false): CaseDetail {
    const r = this.row(id);
    // After a write the actor gets the result even when the case has just left their hands (e.g. reported upwards).
    if (!afterWrite && !this.visible(r, u)) throw new ApiError('FORBIDDEN', `case ${r.case_no} is not assigned to your department`);
    const photos = this.q.photosOf.all(id) as { id: number; history_id: number | null }[];
    const history: CaseHistoryEntry[] = (this.q.history.all(id) as any[]).map((h) => ({
      id: h.id,
      at: h.at,
      actorName: h.actor_name,
      role: h.role,
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      reason: h.reason,
      data: h.data ? JSON.parse(h.data) : null,
      photoIds: photos.filter((p) => p.history_id === h.id).map((p) => p.id),
    }));
    const actions = allowedActions(this.facts(r), u.role).filter((a) => this.actorMayAct(r, a, u) === null);
    return {
      ...this.summary(r, now),
      componentCode: r.component_code,
      reporterName: r.reporter_name,
      reporterPhone: r.reporter_phone,
      reporterEmail: r.reporter_email,
      callback: !!r.callback,
      attributes: r.attributes ? JSON.parse(r.attributes) : null,
      supervisorId: r.supervisor_id,
      extensionRequest: r.extension_req ? JSON.parse(r.extension_req) : null,
      suspendedFrom: r.suspended_from,
      reworkCount: r.rework_count,
      extensionCount: r.extension_count,
      returnCount: r.return_count,
      mergedInto: r.merged_into,
      history,
      photoIds: photos.map((p) => p.id),
      actions,
      suggestedDept:
        r.status === 'pending_dispatch' || r.status === 'return_requested' ? this.route(r.kind, r.class_code, r.street_code, r.component_code) : null,
    };
  }

  photo(id: number, u: User): Uint8Array {
    const p = this.sql('SELECT case_id, bytes FROM case_photos WHERE id = ?').get(id) as { case_id: number; bytes: Buffer } | undefined;
    if (!p) throw new ApiError('NOT_FOUND', `no photo ${id}`);
    if (!this.visible(this.row(p.case_id), u)) throw new ApiError('FORBIDDEN', 'the photo belongs to a case of another department');
    return new Uint8Array(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  }

  /** WHERE clause and parameters of a filter, scoped to what the user may see. */
  private where(f: CaseFilter, u: User, now: number): { sql: string; args: unknown[]; order: string } {
    const w: string[] = [];
    const a: unknown[] = [];
    let order = 'c.id DESC';
    const queue = f.queue ?? 'all';
    if (queue === 'overdue') {
      w.push('c.stage_due < ?');
      a.push(now);
      order = 'c.stage_due ASC';
    } else if (queue !== 'all') {
      w.push('c.status = ?');
      a.push(queue);
      if (!FINAL_STATES.includes(queue as CaseState) && queue !== 'suspended') order = 'c.stage_due ASC';
    }
    if (u.role === 'department') {
      if (u.departmentLevel === 2) w.push('c.dept_code = ?');
      else w.push('c.assignee_dept = ?');
      a.push(u.department);
    }
    if (u.role === 'supervisor' && (queue === 'pending_verify' || queue === 'pending_check')) {
      w.push('(c.supervisor_id = ? OR c.supervisor_id IS NULL)');
      a.push(u.id);
    }
    if (f.classCode) {
      w.push('c.class_code = ?');
      a.push(f.classCode);
    }
    if (f.status) {
      w.push('c.status = ?');
      a.push(f.status);
    }
    if (f.channel) {
      w.push('c.channel = ?');
      a.push(f.channel);
    }
    if (f.streetCode) {
      w.push('c.street_code = ?');
      a.push(f.streetCode);
    }
    if (f.deptCode) {
      w.push('c.dept_code = ?');
      a.push(f.deptCode);
    }
    if (f.overdue === true) {
      w.push('c.stage_due < ?');
      a.push(now);
    }
    if (f.overdue === false) {
      w.push('(c.stage_due IS NULL OR c.stage_due >= ?)');
      a.push(now);
    }
    if (f.from != null) {
      w.push('c.created_at >= ?');
      a.push(f.from);
    }
    if (f.to != null) {
      w.push('c.created_at < ?');
      a.push(f.to);
    }
    return { sql: w.length ? w.join(' AND ') : '1', args: a, order };
  }

  /** A page of cases for a queue and filters. Totals are exact up to 10,000 (then reported as 10,000). */
  list(f: CaseFilter, u: User, now: number): CasePage {
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    const { sql, args, order } = this.where(f, u, now);
    const q = f.q?.trim();
    // What the text (if any) adds: the row source, its condition, the page order and how far the total counts.
    let from = 'cases c';
    let text = '1';
    let textArgs: unknown[] = [];
    let pageOrder = order;
    let cap = 10_000;
    if (q && /^\d{4,13}$/.test(q)) {
      // A case number, or its leading digits (e.g. the date part): a range on the unique index.
      text = 'c.case_no >= ? AND c.case_no < ?';
      textArgs = [q, `${q}:`];
      pageOrder = 'c.case_no DESC';
    } else if (q && [...q].length >= 3) {
      // Trigram FTS: rowids come newest first and the join stops at the page end.
      from = 'cases_fts f JOIN cases c ON c.id = f.rowid';
      text = 'cases_fts MATCH ?';
      textArgs = [`"${q.replace(/"/g, '""')}"`];
      pageOrder = 'f.rowid DESC';
    } else if (q) {
      // One or two characters are below the trigram size: scan newest first until the page is full.
      const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      text = "(c.description LIKE ? ESCAPE '\\' OR c.address LIKE ? ESCAPE '\\')";
      textArgs = [like, like];
      pageOrder = 'c.id DESC';
      cap = 1000;
    }
    const rows = this.sql(`SELECT c.* FROM ${from} WHERE ${text} AND ${sql} ORDER BY ${pageOrder} LIMIT ? OFFSET ?`).all(
      ...textArgs,
      ...args,
      limit,
      offset,
    ) as CaseRow[];
    const total = (
      this.sql(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${text} AND ${sql} LIMIT ${cap})`).get(...textArgs, ...args) as { n: number }
    ).n;
    return { total, items: rows.map((r) => this.summary(r, now)) };
  }

  /** Counts of every queue the user can open. */
  counts(u: User, now: number): Record<QueueName, number> {
    const out = {} as Record<QueueName, number>;
    let byStatus: Map<string, number>;
    if (u.role === 'department') {
      byStatus = this.scopedCounts(u.departmentLevel === 2 ? 'dept_code' : 'assignee_dept', u.department!);
    } else {
      byStatus = this.allStatusCounts();
    }
    if (u.role === 'supervisor') {
      // A supervisor's verification and check queues hold the tasks assigned to them (or to nobody yet).
      byStatus = new Map(byStatus);
      for (const s of ['pending_verify', 'pending_check'] as const) {
        const w = this.where({ queue: s }, u, now);
        byStatus.set(s, (this.sql(`SELECT count(*) AS n FROM cases c WHERE ${w.sql}`).get(...w.args) as { n: number }).n);
      }
    }
    let all = 0;
    for (const [, n] of byStatus) all += n;
    for (const s of OPEN_STATES) out[s as QueueName] = byStatus.get(s) ?? 0;
    out.closed = byStatus.get('closed') ?? 0;
    out.all = all;
    const w = this.where({ queue: 'overdue' }, u, now);
    out.overdue = (this.sql(`SELECT count(*) AS n FROM cases c WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
    return out;
  }

  /** Centre-wide counts per status: computed once, then kept up to date by every write. */
  private allStatusCounts(): Map<string, number> {
    if (!this.statusCounts) {
      this.statusCounts = new Map(
        (this.sql('SELECT status, count(*) AS n FROM cases GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
      );
    }
    return this.statusCounts;
  }

  /** Per-status counts of one department's cases (by dispatch or by current holder), kept like the global ones. */
  private scopedCounts(col: 'dept_code' | 'assignee_dept', dept: string): Map<string, number> {
    const key = `${col}:${dept}`;
    let m = this.scoped.get(key);
    if (!m) {
      m = new Map(
        (this.sql(`SELECT status, count(*) AS n FROM cases WHERE ${col} = ? GROUP BY status`).all(dept) as { status: string; n: number }[]).map((r) => [
          r.status,
          r.n,
        ]),
      );
      this.scoped.set(key, m);
    }
    return m;
  }

  /** Keeps the cached counts in step with one case moving from (status, depts) to (status, depts). */
  private bump(
    from: { status: string; dept: string | null; assignee: string | null } | null,
    to: { status: string; dept: string | null; assignee: string | null },
  ): void {
    const add = (m: Map<string, number> | null | undefined, status: string, d: number) => {
      if (m) m.set(status, (m.get(status) ?? 0) + d);
    };
    if (from) {
      add(this.statusCounts, from.status, -1);
      if (from.dept) add(this.scoped.get(`dept_code:${from.dept}`), from.status, -1);
      if (from.assignee) add(this.scoped.get(`assignee_dept:${from.assignee}`), from.status, -1);
    }
    add(this.statusCounts, to.status, 1);
    if (to.dept) add(this.scoped.get(`dept_code:${to.dept}`), to.status, 1);
    if (to.assignee) add(this.scoped.get(`assignee_dept:${to.assignee}`), to.status, 1);
  }

  /** Drops cached counts (after writes that bypass the service, such as the history generator). */
  invalidateCounts(): void {
    this.statusCounts = null;
    this.scoped.clear();
  }

  /** Cases of the same class within the duplicate radius in the last hours (before registration). */
  duplicates(p: { kind: 'component' | 'event'; classCode: string; lon: number; lat: number; excludeId?: number }, now: number): DuplicateHit[] {
    const { radiusM, hours } = this.settings.get().duplicates;
    const d = metresToDegrees(radiusM, p.lat);
    const rows = this.q.recentSameClass.all(p.classCode, p.kind, now - hours * 3600_000, p.lon - d.dLon, p.lon + d.dLon, p.lat - d.dLat, p.lat + d.dLat) as {
      id: number;
      case_no: string;
      status: string;
      lon: number;
      lat: number;
      created_at: number;
      description: string;
    }[];
    return rows
      .filter((r) => r.id !== p.excludeId)
      .map((r) => ({
        id: r.id,
        caseNo: r.case_no,
        status: r.status,
        distanceM: Math.round(distanceM([p.lon, p.lat], [r.lon, r.lat]) * 10) / 10,
        createdAt: r.created_at,
        description: r.description,
      }))
      .filter((h) => h.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM);
  }

  /** Open cases in a box for the map layer (status and overdue flags). */
  inBox(
    bbox: [number, number, number, number],
    limit: number,
    now: number,
    u: User,
  ): { id: number; caseNo: string; lon: number; lat: number; status: CaseState; overdue: boolean; overdue3x: boolean }[] {
    const marks = OPEN_STATES.map(() => '?').join(', ');
    // Department users see their own cases on the map, as in their queues.
    const scope = u.role === 'department' ? (u.departmentLevel === 2 ? ' AND dept_code = ?' : ' AND assignee_dept = ?') : '';
    const rows = this.sql(
      `SELECT id, case_no, lon, lat, status, stage_due, stage_due3x FROM cases
      WHERE status IN (${marks}) AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?${scope} ORDER BY id DESC LIMIT ?`,
    ).all(...OPEN_STATES, bbox[0], bbox[2], bbox[1], bbox[3], ...(scope ? [u.department] : []), limit) as {
      id: number;
      case_no: string;
      lon: number;
      lat: number;
      status: CaseState;
      stage_due: number | null;
      stage_due3x: number | null;
    }[];
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

  // ---- writes ----------------------------------------------------------------------------------------------------

  /** Resolves where a report is: a component code sets class, place and owner; else a point; else an address that
   * names a community or street (its centre, marked approximate). */
  private locate(i: IntakeInput): {
    kind: 'component' | 'event';
    classCode: string;
    lon: number;
    lat: number;
    componentCode: string | null;
    approximate: boolean;
  } {
    if (i.componentCode) {
      const c = this.components.get(i.componentCode);
      return { kind: 'component', classCode: c.classCode, lon: c.lon, lat: c.lat, componentCode: c.code, approximate: false };
    }
    if (!i.classCode) throw new ApiError('BAD_INPUT', 'a case needs a class (classCode) or a component code', { field: 'classCode' });
    const kind = i.kind ?? 'event';
    if (kind === 'event' && !this.q.eventClass.get(i.classCode)) throw new ApiError('BAD_INPUT', `unknown event class ${i.classCode}`, { field: 'classCode' });
    if (kind === 'component' && !this.catalog.componentClass(i.classCode))
      throw new ApiError('BAD_INPUT', `unknown component class ${i.classCode}`, { field: 'classCode' });
    if (i.lon != null && i.lat != null) return { kind, classCode: i.classCode, lon: i.lon, lat: i.lat, componentCode: null, approximate: false };
    if (i.address) {
      const hit = this.sql(
        `SELECT name, min_lon, min_lat, max_lon, max_lat FROM communities WHERE instr(?, name) > 0
        UNION ALL SELECT name, min_lon, min_lat, max_lon, max_lat FROM streets WHERE instr(?, name) > 0 LIMIT 1`,
      ).get(i.address, i.address) as { min_lon: number; min_lat: number; max_lon: number; max_lat: number } | undefined;
      if (hit)
        return {
          kind,
          classCode: i.classCode,
          lon: (hit.min_lon + hit.max_lon) / 2,
          lat: (hit.min_lat + hit.max_lat) / 2,
          componentCode: null,
          approximate: true,
        };
      throw new ApiError('BAD_INPUT', `the address "${i.address.slice(0, 60)}" names no community or street of the district; pick the place on the map`, {
        field: 'address',
      });
    }
    throw new ApiError('BAD_INPUT', 'a case needs a location: lon/lat, a component code or an address', { field: 'lon' });
  }

  /** The next case number of the CST day of `at`: YYYYMMDD + a 5-digit serial. Call inside the write's transaction. */
  nextCaseNo(at: number): string {
    const day = dayKey(dayOf(at)).replaceAll('-', '');
    return `${day}${String((this.q.serial.get(day) as { n: number }).n).padStart(5, '0')}`;
  }

  /** Takes in a new case; returns it with the change for push. */
  intake(i: IntakeInput, u: User, now: number): { detail: CaseDetail; change: CaseChange } {
    const ch = this.q.channel.get(i.channel) as { code: string } | undefined;
    if (!ch)
      throw new ApiError(
        'BAD_INPUT',
        `unknown channel ${i.channel}; channels are ${this.channels()
          .map((c) => c.code)
          .join(', ')}`,
        { field: 'channel' },
      );
    if (i.selfHandled && u.role !== 'supervisor' && u.role !== 'admin') throw new ApiError('FORBIDDEN', '自行处置 is recorded by a supervisor (监督员) only');
    if (i.selfHandled && i.channel !== 'supervisor') throw new ApiError('BAD_INPUT', '自行处置 cases come from the supervisor channel', { field: 'channel' });
    const loc = this.locate(i);
    const cell = this.grid.locate(loc.lon, loc.lat); // OUTSIDE_CITY when the point is in no cell
    const photos = decodePhotos(i.photos);
    const id = this.db.transaction(() => {
      const caseNo = this.nextCaseNo(now);
      const clock = this.clockFor('pending_accept', loc.kind, loc.classCode, now);
      const r = this.sql(
        `INSERT INTO cases (case_no, kind, class_code, channel, status, description, address, lon, lat, grid_code,
        community_code, street_code, component_code, reporter_name, reporter_phone, reporter_email, callback, attributes,
        stage, stage_started, stage_limit_ms, stage_unit, stage_due, stage_due3x, open311_token, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'pending_accept', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        caseNo,
        loc.kind,
        loc.classCode,
        i.channel,
        i.description,
        i.address ?? null,
        loc.lon,
        loc.lat,
        cell.code,
        cell.communityCode,
        cell.streetCode,
        loc.componentCode,
        i.reporterName ?? null,
        i.reporterPhone ?? null,
        i.reporterEmail ?? null,
        i.callback ? 1 : 0,
        i.attributes ? JSON.stringify(i.attributes) : null,
        clock.stage,
        clock.stage_started,
        clock.stage_limit_ms,
        clock.stage_unit,
        clock.stage_due,
        clock.stage_due3x,
        i.open311Token ?? null,
        now,
        now,
      );
      const caseId = Number(r.lastInsertRowid);
      const h = this.q.insertHistory.run(
        caseId,
        now,
        u.id || null,
        u.displayName,
        u.role,
        'intake',
        null,
        'pending_accept',
        null,
        JSON.stringify({ channel: i.channel, approximate: loc.approximate || undefined }),
      );
      for (const p of photos) this.q.insertPhoto.run(caseId, Number(h.lastInsertRowid), p.mime, p.bytes, p.sha256, now);
      this.bump(null, { status: 'pending_accept', dept: null, assignee: null });
      if (i.selfHandled) this.applyAction(this.row(caseId), 'selfHandle', { id: caseId, action: 'selfHandle', version: 1 }, u, now, []);
      return caseId;
    })();
    const detail = this.get(id, u, now, true);
    return { detail, change: this.changeOf(detail, i.selfHandled ? 'selfHandle' : 'intake') };
  }

  private changeOf(c: CaseSummary, action: string): CaseChange {
    return { id: c.id, caseNo: c.caseNo, status: c.status, version: c.version, action, deptCode: c.deptCode, assigneeDept: c.assigneeDept };
  }

  /** Checks that are about the actor and the case, beyond role and state (department scope, task owner). */
  private actorMayAct(r: CaseRow, action: CaseAction, u: User): string | null {
    if (u.role === 'department') {
      if (r.assignee_dept !== u.department) return `case ${r.case_no} is held by ${r.assignee_dept ?? 'no department'}, not your department ${u.department}`;
    }
    if (u.role === 'supervisor' && (action === 'verify' || action === 'check') && r.supervisor_id != null && r.supervisor_id !== u.id) {
      return `the ${action === 'verify' ? '核实' : '核查'} task of case ${r.case_no} is assigned to another supervisor`;
    }
    return null;
  }

  /** Runs one workflow action; refuses illegal ones with a message naming the states that allow it. */
  act(i: ActInput, u: User, now: number): { detail: CaseDetail; change: CaseChange } {
    const photos = decodePhotos(i.photos);
    this.db.transaction(() => {
      const r = this.row(i.id);
      if (!this.visible(r, u)) throw new ApiError('FORBIDDEN', `case ${r.case_no} is not assigned to your department`);
      if (r.version !== i.version) {
        throw new ApiError('CONFLICT', `case ${r.case_no} was changed by someone else (version ${r.version}, you saw ${i.version}); reload it and try again`, {
          current: r.version,
        });
      }
      this.applyAction(r, i.action, i, u, now, photos);
    })();
    const detail = this.get(i.id, u, now, true);
    return { detail, change: this.changeOf(detail, i.action) };
  }

  private applyAction(r: CaseRow, action: CaseAction, i: ActInput, u: User, now: number, photos: ReturnType<typeof decodePhotos>): void {
    const d = decide(this.facts(r), action, u.role, { reason: i.reason, passed: i.passed } satisfies ActionInput & { reason?: string });
    if (!d.ok)
      throw new ApiError(d.reason === 'role' ? 'FORBIDDEN' : d.reason === 'reason' ? 'BAD_INPUT' : 'CONFLICT', d.message, {
        field: d.reason === 'reason' ? 'reason' : 'action',
      });
    const who = this.actorMayAct(r, action, u);
    if (who) throw new ApiError('FORBIDDEN', who);

    const set: Record<string, unknown> = {};
    const data: Record<string, unknown> = {};
    let to: CaseState = d.to;
    let clockTo: CaseState | null = to !== r.status ? to : null; // restart the stage clock when the state changes
    switch (action) {
      case 'sendVerify':
      case 'handle': {
        const sup = this.q.supervisor.get(r.street_code) as { id: number } | undefined;
        set.supervisor_id = sup?.id ?? null;
        data.supervisor = sup?.id ?? null;
        if (action === 'handle') {
          if (!i.result?.trim()) throw new ApiError('BAD_INPUT', '处置反馈 needs the result text', { field: 'result' });
          data.result = i.result;
          data.late = r.stage_due != null && now > r.stage_due;
        }
        break;
      }
      case 'verify':
        data.confirmed = i.passed !== false;
        break;
      case 'register':
        set.registered_at = now;
        break;
      case 'merge': {
        if (!i.mergeInto || i.mergeInto === r.id) throw new ApiError('BAD_INPUT', 'merge needs the id of another case (mergeInto)', { field: 'mergeInto' });
        const target = this.row(i.mergeInto);
        if (target.status === 'voided') throw new ApiError('CONFLICT', `case ${target.case_no} is void; merge into a live case`);
        set.merged_into = target.id;
        data.mergedInto = target.case_no;
        break;
      }
      case 'void':
        break;
      case 'selfHandle':
        set.close_type = 'self';
        set.closed_at = now;
        break;
      case 'dispatch':
      case 'approveReturn': {
        const dept = i.dept ?? (action === 'dispatch' ? this.route(r.kind, r.class_code, r.street_code, r.component_code) : null);
        if (action === 'approveReturn') {
          set.return_count = r.return_count + 1;
          set.dept_code = null;
          set.assignee_dept = null;
          if (!dept) break; // back to 待派遣 for a new choice
        }
        if (!dept) throw new ApiError('BAD_INPUT', `the routing table has no department for class ${r.class_code}; choose one`, { field: 'dept' });
        const dep = this.q.dept.get(dept) as { level: number; name: string } | undefined;
        if (!dep) throw new ApiError('BAD_INPUT', `unknown department ${dept}`, { field: 'dept' });
        if (dep.level !== 2) throw new ApiError('BAD_INPUT', `dispatch goes to a second-level department; ${dept} is level ${dep.level}`, { field: 'dept' });
        if (action === 'approveReturn') to = clockTo = 'handling';
        set.dept_code = dept;
        set.assignee_dept = dept;
        set.dispatched_at = now;
        data.dept = dept;
        break;
      }
      case 'subDispatch': {
        const dept = i.dept;
        const dep = dept ? (this.q.dept.get(dept) as { parent: string | null; level: number } | undefined) : undefined;
        if (!dept || !dep) throw new ApiError('BAD_INPUT', `下派 needs a unit below ${r.assignee_dept}`, { field: 'dept' });
        if (dep.parent !== r.assignee_dept) throw new ApiError('BAD_INPUT', `${dept} is not a unit directly below ${r.assignee_dept}`, { field: 'dept' });
        set.assignee_dept = dept;
        data.from = r.assignee_dept;
        data.to = dept;
        break;
      }
      case 'subReport': {
        if (!i.result?.trim()) throw new ApiError('BAD_INPUT', '下级反馈 needs the result text', { field: 'result' });
        const parent = (this.q.dept.get(r.assignee_dept!) as { parent: string | null }).parent;
        set.assignee_dept = parent;
        data.from = r.assignee_dept;
        data.to = parent;
        data.result = i.result;
        break;
      }
      case 'requestExtension': {
        if (!i.extension) throw new ApiError('BAD_INPUT', '申请延期 needs the extra time (extension: {value, unit})', { field: 'extension' });
        set.extension_req = JSON.stringify({ ...i.extension, reason: i.reason });
        data.extension = i.extension;
        break;
      }
      case 'approveExtension': {
        const req = JSON.parse(r.extension_req!) as { value: number; unit: LimitUnit };
        const ext = i.extension ?? req;
        const cal = this.calendar();
        const extra = limitMs(cal, ext.value, ext.unit);
        const base = Math.max(now, r.stage_due ?? now);
        set.stage_due = deadline(cal, base, extra, ext.unit);
        set.stage_due3x = Math.max(set.stage_due as number, r.stage_due3x ?? 0);
        set.extension_req = null;
        set.extension_count = r.extension_count + 1;
        data.extension = ext;
        data.due = set.stage_due;
        break;
      }
      case 'refuseExtension':
        set.extension_req = null;
        break;
      case 'requestReturn':
      case 'refuseReturn':
        clockTo = null; // the handling clock keeps running while the dispatcher decides
        break;
      case 'suspend': {
        const left = r.stage_due != null && r.stage_unit ? clockBetween(this.calendar(), now, r.stage_due, r.stage_unit) : null;
        set.suspended_from = r.status;
        set.suspended_left = left;
        data.left = left;
        break;
      }
      case 'resume': {
        clockTo = null;
        const to = r.suspended_from ?? 'pending_dispatch';
        const stage = STAGE_OF[to];
        const lim = stage ? this.stageLimit(stage, r.kind, r.class_code) : null;
        const cal = this.calendar();
        const left = r.suspended_left ?? (lim ? limitMs(cal, lim.value, lim.unit) : 0);
        if (lim && stage) {
          const unit = r.stage_unit ?? lim.unit;
          set.stage = stage;
          set.stage_due = deadline(cal, now, Math.max(0, left), unit);
          set.stage_due3x = deadline(cal, now, Math.max(0, left) + 2 * (r.stage_limit_ms ?? 0), unit);
          set.stage_unit = unit;
        }
        set.suspended_from = null;
        set.suspended_left = null;
        break;
      }
      case 'urge':
        set.urge_count = r.urge_count + 1;
        break;
      case 'check':
        data.passed = !!i.passed;
        if (!i.passed) set.rework_count = r.rework_count + 1;
        break;
      case 'rework':
        set.rework_count = r.rework_count + 1;
        break;
      case 'close': {
        const lastHandle = this.sql("SELECT data FROM case_history WHERE case_id = ? AND action = 'handle' ORDER BY id DESC LIMIT 1").get(r.id) as
          { data: string } | undefined;
        set.close_type = lastHandle && JSON.parse(lastHandle.data).late ? 'overdue' : 'normal';
        set.closed_at = now;
        data.closeType = set.close_type;
        break;
      }
      case 'accept':
        break;
    }
    if (clockTo) Object.assign(set, this.clockFor(clockTo, r.kind, r.class_code, now));
    if (to === 'suspended' || FINAL_STATES.includes(to)) Object.assign(set, { stage_due: null, stage_due3x: null, stage: null });
    set.status = to;
    set.updated_at = now;
    set.version = r.version + 1;
    const cols = Object.keys(set);
    this.sql(`UPDATE cases SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...cols.map((c) => set[c] as never), r.id);
    const h = this.q.insertHistory.run(
      r.id,
      now,
      u.id || null,
      u.displayName,
      u.role,
      action,
      r.status,
      to,
      i.reason ?? null,
      Object.keys(data).length ? JSON.stringify(data) : null,
    );
    for (const p of photos) this.q.insertPhoto.run(r.id, Number(h.lastInsertRowid), p.mime, p.bytes, p.sha256, now);
    const after = (col: 'dept_code' | 'assignee_dept') => (col in set ? (set[col] as string | null) : r[col]);
    this.bump({ status: r.status, dept: r.dept_code, assignee: r.assignee_dept }, { status: to, dept: after('dept_code'), assignee: after('assignee_dept') });
  }
}
