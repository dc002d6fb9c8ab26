// Open311 GeoReport v2 on top of the case service: services are the event classes the public may report, a request
// is a case taken in on the 'open311' channel. Reporter names, phones and e-mails are stored but never returned.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { isoCst, UNIT_NAMES, type LimitUnit } from '../../../shared/calendar.ts';
import type { CaseState } from '../../../shared/workflow.ts';
import type { Open311Definition, Open311Request, Open311Service } from '../../../shared/open311.ts';
import type { User } from '../../../shared/model.ts';
import type { AuthService } from '../auth/service.ts';
import type { CaseService } from '../cases/service.ts';
import type { CaseChange } from '../cases/store.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { SettingsService } from '../settings/service.ts';
import type { Open311Created, Open311Update } from '../../../shared/contract/open311.ts';
import { readAttributes } from './attributes.ts';
import { maskPersonal, PUBLIC_CASE_SQL } from './public.ts';
import { Open311Updates, publicStateText } from './updates.ts';

/** The account Open311 intake is recorded under. */
const OPEN311_USER = (keyId: number): User => ({
  id: 0,
  name: `open311-key-${keyId}`,
  displayName: `Open311 (key ${keyId})`,
  role: 'operator',
  department: null,
  departmentLevel: null,
  streetCode: null,
  phone: null,
});

const DATATYPE_TEXT: Record<string, string> = {
  string: '文本',
  number: '数字',
  datetime: '日期时间 (ISO 8601)',
  text: '长文本',
  singlevaluelist: '单选',
  multivaluelist: '多选',
};

interface ReqRow {
  case_no: string;
  status: CaseState;
  class_code: string;
  description: string;
  dept_code: string | null;
  stage: string | null;
  stage_due: number | null;
  created_at: number;
  updated_at: number;
  address: string | null;
  lon: number;
  lat: number;
  attributes: string | null;
  close_type: string | null;
  channel: string;
  /** Street and community names: the place a non-Open311 case is shown at. */
  place: string;
}

export class Open311Facade {
  constructor(
    private readonly db: Db,
    private readonly cases: CaseService,
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly settings: SettingsService,
  ) {}

  private updateReader: Open311Updates | null = null;

  /** The extra channels whose public-class cases the public may read (JSON, the SQL parameter). */
  private publicChannels(): string {
    return JSON.stringify(this.settings.get().open311.publicChannels);
  }

  services(): Open311Service[] {
    const rows = this.db
      .prepare(
        `SELECT e.code, e.name, m.name AS major, e.limit_value, e.limit_unit,
      EXISTS (SELECT 1 FROM event_class_attributes a WHERE a.class_code = e.code) AS meta
      FROM event_classes e JOIN event_majors m ON m.code = e.major WHERE e.public = 1 ORDER BY e.code`,
      )
      .all() as { code: string; name: string; major: string; limit_value: number; limit_unit: LimitUnit; meta: number }[];
    return rows.map((r) => ({
      service_code: r.code,
      service_name: r.name,
      description: `${r.major} · ${r.name}（处置时限 ${r.limit_value} ${UNIT_NAMES[r.limit_unit]}）`,
      metadata: !!r.meta,
      type: 'realtime',
      keywords: `${r.major},${r.name}`,
      group: r.major,
    }));
  }

  private publicClass(code: string): { code: string; name: string } {
    const r = this.db.prepare('SELECT code, name FROM event_classes WHERE code = ? AND public = 1').get(code) as { code: string; name: string } | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no service ${code.slice(0, 40)}`, { field: 'service_code' });
    return r;
  }

  definition(code: string): Open311Definition {
    this.publicClass(code);
    const rows = this.db.prepare('SELECT * FROM event_class_attributes WHERE class_code = ? ORDER BY ord').all(code) as {
      code: string;
      datatype: Open311Definition['attributes'][number]['datatype'];
      required: number;
      description: string;
      ord: number;
      vals: string | null;
    }[];
    return {
      service_code: code,
      attributes: rows.map((a) => ({
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: !!a.required,
        datatype_description: DATATYPE_TEXT[a.datatype] ?? '',
        order: a.ord,
        description: a.description,
        ...(a.vals ? { values: JSON.parse(a.vals) } : {}),
      })),
    };
  }

  /** Creates a case from a request; checks the API key, the service, the attributes and the place first. A realtime
   * service answers with the request's id only (the spec: an id or a token, not both). */
  create(i: ParsedInputOf<'open311.create'>, now: number): { result: Open311Created[]; change: CaseChange } {
    const keyId = i.api_key ? this.auth.checkApiKey(i.api_key) : null;
    if (keyId == null) throw new ApiError('FORBIDDEN', i.api_key ? 'api_key is unknown or revoked' : 'api_key is required', { field: 'api_key' });
    const cls = this.publicClass(i.service_code);
    const attrs = readAttributes(this.definition(cls.code).attributes, i.attribute);
    if ((i.lat === undefined) !== (i.long === undefined)) throw new ApiError('BAD_INPUT', 'give both lat and long', { field: 'lat' });
    const point = i.lat !== undefined && i.long !== undefined ? { lon: i.long, lat: i.lat } : i.address_id ? this.placeOfId(i.address_id) : null;
    const address = i.address_string || i.address_id;
    if (!point && !address) throw new ApiError('BAD_INPUT', 'a location is required: lat and long, address_string or address_id', { field: 'lat' });
    const media = typeof i.media_url === 'string' ? [i.media_url] : (i.media_url ?? []);
    if (media.length) attrs.media_url = media[0];
    const name = [i.last_name, i.first_name].filter(Boolean).join('') || undefined;
    const { detail, change } = this.cases.intake.take(
      {
        channel: 'open311',
        kind: 'event',
        classCode: cls.code,
        lon: point?.lon,
        lat: point?.lat,
        address: address || undefined,
        description: i.description || cls.name,
        reporterName: name,
        reporterPhone: i.phone,
        reporterEmail: i.email,
        attributes: Object.keys(attrs).length ? attrs : undefined,
        photos: i.media,
      },
      OPEN311_USER(keyId),
      now,
    );
    return { result: [{ service_request_id: detail.caseNo, service_notice: '已受理，将在核实后立案处置', account_id: i.account_id ?? null }], change };
  }

  /** The place an address_id names in the centre's own addressing: a component code (16 digits) or a unit grid cell
   * (15 digits, its centre). Anything else is read as an address text (a community or street name). */
  private placeOfId(addressId: string): { lon: number; lat: number } | null {
    if (/^\d{16}$/.test(addressId)) {
      const c = this.db.prepare('SELECT lon, lat FROM components WHERE code = ? AND retired_at IS NULL').get(addressId) as
        { lon: number; lat: number } | undefined;
      if (c) return c;
    }
    if (/^\d{15}$/.test(addressId)) {
      const g = this.db.prepare('SELECT (min_lon + max_lon) / 2 AS lon, (min_lat + max_lat) / 2 AS lat FROM grid_cells WHERE code = ?').get(addressId) as
        { lon: number; lat: number } | undefined;
      if (g) return g;
    }
    return null;
  }

  private toRequest(r: ReqRow): Open311Request {
    const closed = r.status === 'closed' || r.status === 'voided';
    // A request that came in through Open311 shows its own words and place (personal data masked); any other case a
    // public summary only: the class, the street and community, the status.
    const own = r.channel === 'open311';
    const attrs = own && r.attributes ? (JSON.parse(r.attributes) as Record<string, string>) : {};
    const serviceName =
      (this.db.prepare('SELECT name FROM event_classes WHERE code = ?').get(r.class_code) as { name: string } | undefined)?.name ?? r.class_code;
    return {
      service_request_id: r.case_no,
      status: closed ? 'closed' : 'open',
      status_notes: publicStateText(r.status, r.close_type),
      service_name: serviceName,
      service_code: r.class_code,
      description: own ? maskPersonal(r.description) : serviceName,
      agency_responsible: r.dept_code ? this.catalog.departmentName(r.dept_code) : null,
      service_notice: null,
      requested_datetime: isoCst(r.created_at),
      updated_datetime: isoCst(r.updated_at),
      expected_datetime: r.stage === 'handle' && r.stage_due ? isoCst(r.stage_due) : null,
      address: own ? (r.address ? maskPersonal(r.address) : null) : r.place,
      address_id: null,
      zipcode: null,
      lat: r.lat,
      long: r.lon,
      media_url: attrs.media_url ?? null,
    };
  }

  private static readonly COLS = `case_no, status, class_code, description, dept_code, stage, stage_due, created_at, updated_at, address, lon, lat,
    attributes, close_type, channel,
    (SELECT s.name || m.name FROM communities m JOIN streets s ON s.code = m.street_code WHERE m.code = cases.community_code) AS place`;

  /** GET requests: by id list (any other parameter then ignored, as the spec says), or by service, status and date
   * (default: the last 90 days), at most 1000. Lists are comma-delimited; an id or code that matches nothing adds
   * nothing. */
  requests(f: ParsedInputOf<'open311.requests'>, now: number): Open311Request[] {
    const w: string[] = [PUBLIC_CASE_SQL];
    const a: unknown[] = [this.publicChannels()];
    const list = (s: string | undefined) => [
      ...new Set(
        (s ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ];
    const ids = list(f.service_request_id);
    if (ids.length) {
      if (ids.length > 100) throw new ApiError('BAD_INPUT', 'service_request_id lists at most 100 ids', { field: 'service_request_id' });
      w.push(`case_no IN (${ids.map(() => '?').join(',')})`);
      a.push(...ids);
    } else {
      const end = f.end_date ? Date.parse(f.end_date) : now;
      const start = f.start_date ? Date.parse(f.start_date) : end - 90 * 86_400_000;
      if (start > end) throw new ApiError('BAD_INPUT', 'start_date is after end_date', { field: 'start_date' });
      w.push('created_at >= ? AND created_at <= ?');
      a.push(start, end);
      const codes = list(f.service_code);
      if (codes.length > 100) throw new ApiError('BAD_INPUT', 'service_code lists at most 100 codes', { field: 'service_code' });
      if (codes.length) {
        w.push(`class_code IN (${codes.map(() => '?').join(',')})`);
        a.push(...codes);
      }
      const status = list(f.status);
      if (status.length === 1) w.push(status[0] === 'closed' ? "status IN ('closed', 'voided')" : "status NOT IN ('closed', 'voided')");
    }
    const rows = this.db.prepare(`SELECT ${Open311Facade.COLS} FROM cases WHERE ${w.join(' AND ')} ORDER BY id DESC LIMIT 1000`).all(...a) as ReqRow[];
    return rows.map((r) => this.toRequest(r));
  }

  request(id: string): Open311Request[] {
    const r = this.db.prepare(`SELECT ${Open311Facade.COLS} FROM cases WHERE case_no = ? AND ${PUBLIC_CASE_SQL}`).get(id, this.publicChannels()) as
      ReqRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no service request ${id.slice(0, 40)}`, { field: 'service_request_id' });
    return [this.toRequest(r)];
  }

  token(token: string): { service_request_id: string; token: string }[] {
    const r = this.db.prepare(`SELECT case_no FROM cases WHERE open311_token = ? AND ${PUBLIC_CASE_SQL}`).get(token, this.publicChannels()) as
      { case_no: string } | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `no request for token ${token.slice(0, 40)}`, { field: 'token' });
    return [{ service_request_id: r.case_no, token }];
  }

  /** FixMyStreet's servicerequestupdates: status changes of public requests between two times. */
  updates(f: { start_date?: string; end_date?: string }, now: number): Open311Update[] {
    this.updateReader ??= new Open311Updates(this.db);
    return this.updateReader.list(f, this.publicChannels(), now);
  }
}
