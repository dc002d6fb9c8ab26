// Intake (信息收集): a report from any channel becomes a case in 待受理, placed in its unit grid cell. A supervisor's
// 自行处置 (fixed on the spot) is taken in and closed in the same transaction.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { inArea, maySelfHandle } from '../../../shared/access.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import type { CaseDetail, CaseKind, User } from '../../../shared/model.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { ComponentService } from '../components/service.ts';
import type { GridService } from '../grid/service.ts';
import { decodeFixPhotos, decodePhotos } from '../photos.ts';
import type { Channels } from './channels.ts';
import type { CaseClocks } from './clocks.ts';
import type { CaseCounts } from './counts.ts';
import type { CaseReads } from './reads.ts';
import type { CaseChange, CaseStore } from './store.ts';
import type { CaseWorkflow } from './workflow.ts';

/** An intake as the contract parses it, plus what Open311 adds: the token its client follows the request by. */
export type IntakeRequest = ParsedInputOf<'cases.intake'> & { open311Token?: string };

/** Where a report is and what it is about. */
interface Placed {
  kind: CaseKind;
  classCode: string;
  lon: number;
  lat: number;
  componentCode: string | null;
  /** Placed at the centre of a community or street named in the address. */
  approximate: boolean;
}

/** Takes cases in. */
export class CaseIntake {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly store: CaseStore,
    private readonly deps: {
      catalog: CatalogService;
      grid: GridService;
      components: ComponentService;
      channels: Channels;
      clocks: CaseClocks;
      counts: CaseCounts;
      reads: CaseReads;
      workflow: CaseWorkflow;
    },
  ) {
    this.q = {
      eventClass: db.prepare('SELECT code FROM event_classes WHERE code = ?'),
      place: db.prepare(`SELECT name, min_lon, min_lat, max_lon, max_lat FROM communities WHERE instr(?, name) > 0
        UNION ALL SELECT name, min_lon, min_lat, max_lon, max_lat FROM streets WHERE instr(?, name) > 0 LIMIT 1`),
      insert: db.prepare(`INSERT INTO cases (case_no, kind, class_code, channel, status, description, address, lon, lat, grid_code,
        community_code, street_code, component_code, reporter_name, reporter_phone, reporter_email, callback, attributes,
        stage, stage_started, stage_limit_ms, stage_unit, stage_due, stage_due3x, open311_token, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'pending_accept', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    };
  }

  /** Resolves where a report is: a component code sets class, place and owner; else a point; else an address that
   * names a community or street (its centre, marked approximate). */
  private place(i: IntakeRequest): Placed {
    if (i.componentCode) {
      const c = this.deps.components.get(i.componentCode);
      return { kind: 'component', classCode: c.classCode, lon: c.lon, lat: c.lat, componentCode: c.code, approximate: false };
    }
    if (!i.classCode) throw new ApiError('BAD_INPUT', 'a case needs a class (classCode) or a component code', { field: 'classCode' });
    const kind = i.kind ?? 'event';
    if (kind === 'event' && !this.q.eventClass.get(i.classCode)) throw new ApiError('BAD_INPUT', `unknown event class ${i.classCode}`, { field: 'classCode' });
    if (kind === 'component' && !this.deps.catalog.componentClass(i.classCode))
      throw new ApiError('BAD_INPUT', `unknown component class ${i.classCode}`, { field: 'classCode' });
    if (i.lon != null && i.lat != null) return { kind, classCode: i.classCode, lon: i.lon, lat: i.lat, componentCode: null, approximate: false };
    if (!i.address) throw new ApiError('BAD_INPUT', 'a case needs a location: lon/lat, a component code or an address', { field: 'lon' });
    const hit = this.q.place.get(i.address, i.address) as { min_lon: number; min_lat: number; max_lon: number; max_lat: number } | undefined;
    if (!hit) {
      throw new ApiError('BAD_INPUT', `the address "${i.address.slice(0, 60)}" names no community or street of the district; pick the place on the map`, {
        field: 'address',
      });
    }
    const lon = (hit.min_lon + hit.max_lon) / 2;
    const lat = (hit.min_lat + hit.max_lat) / 2;
    return { kind, classCode: i.classCode, lon, lat, componentCode: null, approximate: true };
  }

  /** Takes in a new case; returns it with the change for push. */
  take(i: IntakeRequest, u: User, now: number): { detail: CaseDetail; change: CaseChange } {
    this.deps.channels.require(i.channel);
    if (i.selfHandled && !maySelfHandle(u)) throw new ApiError('FORBIDDEN', '自行处置 is recorded by a supervisor (监督员) only');
    if (i.selfHandled && i.channel !== 'supervisor') throw new ApiError('BAD_INPUT', '自行处置 cases come from the supervisor channel', { field: 'channel' });
    const loc = this.place(i);
    const cell = this.deps.grid.locate(loc.lon, loc.lat); // OUTSIDE_CITY when the point is in no cell
    if (i.selfHandled && !inArea(u, cell.streetCode)) {
      throw new ApiError('FORBIDDEN', `the place is in street ${cell.streetCode}, outside your area (street ${u.streetCode}): 自行处置 is for your own area`);
    }
    const photos = decodePhotos(i.photos);
    const fixPhotos = i.fixPhotos ? decodeFixPhotos(i.fixPhotos) : [];
    const id = this.db.transaction(() => {
      const clock = this.deps.clocks.enter('pending_accept', loc.kind, loc.classCode, now);
      const r = this.q.insert.run(
        this.store.nextCaseNo(now),
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
      this.store.record(caseId, now, u, 'intake', null, 'pending_accept', null, { channel: i.channel, approximate: loc.approximate || undefined }, photos);
      this.deps.counts.bump(null, { status: 'pending_accept', dept: null, assignee: null });
      if (i.selfHandled) {
        // What was done is the report's description; the photos (decoded above) are the report's before and after.
        const step = { id: caseId, version: 1, action: 'selfHandle' as const, reason: i.description, ...i.fixPhotos! };
        this.deps.workflow.apply(this.store.row(caseId), step, u, now, fixPhotos);
      }
      return caseId;
    })();
    const detail = this.deps.reads.detail(id, u, now, true);
    return { detail, change: this.deps.reads.change(detail, i.selfHandled ? 'selfHandle' : 'intake') };
  }
}
