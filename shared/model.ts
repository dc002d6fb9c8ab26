// Domain model shared by core and renderer. Coordinates are always [lon, lat] in CGCS2000 (EPSG:4490).
import type { LimitUnit } from './calendar.ts';

export type { LimitUnit };

/** A [minLon, minLat, maxLon, maxLat] box in CGCS2000 degrees. */
export type BBox = [number, number, number, number];
/** A [lon, lat] position in CGCS2000 degrees. */
export type LonLat = [number, number];

/** A street (街道): 3-digit code inside the district. */
export interface Street {
  code: string;
  name: string;
  bbox: BBox;
  cellCount: number;
}

/** A community (社区): `code` is street code + 3-digit community code (6 digits). */
export interface Community {
  code: string;
  streetCode: string;
  name: string;
  bbox: BBox;
  cellCount: number;
}

/** One unit grid cell (万米单元网格) with its derived facts. */
export interface GridCell {
  code: string;
  streetCode: string;
  streetName: string;
  communityCode: string;
  communityName: string;
  /** Area in m², computed in the Gauss–Krüger projection (EPSG:4549). */
  areaM2: number;
  bbox: BBox;
  ring: LonLat[];
  componentCount: number;
}

/** Grid cells in a compact, column form: ring i is coords[offsets[i]..offsets[i+1]) as lon,lat pairs. */
export interface PackedCells {
  codes: string[];
  /** Index into `communities` for each cell. */
  community: number[];
  communities: string[];
  offsets: number[];
  coords: number[];
}

/** A boundary polygon of a street or community (for drawing outlines). */
export interface Boundary {
  kind: 'street' | 'community';
  code: string;
  name: string;
  ring: LonLat[];
}

/** Geometry kind of a component class. */
export type GeometryKind = 'point' | 'line' | 'polygon';

/** A component class (部件小类) with its major class and default department (editable data). */
export interface ComponentClass {
  code: string;
  major: string;
  minor: string;
  name: string;
  majorName: string;
  defaultDept: string | null;
  geometry: GeometryKind;
  /** Dense index used in packed component arrays. */
  idx: number;
}

/** An event class (事件小类) with default department and default handling time limit (editable data). */
export interface EventClass {
  code: string;
  major: string;
  minor: string;
  name: string;
  majorName: string;
  defaultDept: string | null;
  limitValue: number;
  limitUnit: LimitUnit;
}

/** A department or unit at level 2 (二级), 3 (三级) or 4 (四级). */
export interface Department {
  code: string;
  name: string;
  level: 2 | 3 | 4;
  parent: string | null;
}

/** Component states (部件状态): 2007 list plus the 2026 additions. */
export const COMPONENT_STATES = ['完好', '破损', '丢失', '占用', '废弃', '移除'] as const;
/** A component state value. */
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** Data sources (数据来源) of a component record. */
export const DATA_SOURCES = ['实测', '地形图', '基础地理数据', '其他'] as const;

/** A component (部件) with every CJ/T 214 attribute. */
export interface Component {
  id: number;
  code: string;
  classCode: string;
  name: string;
  majorName: string;
  dept1Code: string | null;
  dept1Name: string | null;
  dept2Code: string | null;
  dept2Name: string | null;
  dept3Code: string | null;
  dept3Name: string | null;
  gridCode: string;
  state: ComponentState;
  orDate: string;
  chDate: string | null;
  dataSource: string;
  note: string | null;
  lon: number;
  lat: number;
  version: number;
}

/** The drawn shape of a line or polygon component (部件 such as 交通护栏, 绿地, 停车场). */
export interface ComponentShape {
  id: number;
  code: string;
  classCode: string;
  geometry: { type: 'LineString'; coordinates: LonLat[] } | { type: 'Polygon'; coordinates: LonLat[][] };
}

/** Per-class component counts. */
export interface ClassCount {
  classCode: string;
  count: number;
}

/** What a search hit points at. */
export interface SearchHit {
  kind: 'cell' | 'component' | 'street' | 'community';
  code: string;
  label: string;
  bbox: BBox;
}

/** Base-map settings: off by default; the app is fully usable offline. */
export interface BaseLayerSettings {
  kind: 'none' | 'xyz' | 'tianditu';
  url?: string;
  tiandituKey?: string;
  tiandituLayer?: 'vec' | 'img';
  opacity: number;
}

/** Duplicate suggestions: same class within radiusM metres in the last `hours` hours. */
export interface DuplicateSettings {
  radiusM: number;
  hours: number;
}

/** SMS gateway: 'log' only records messages in the outbox; 'http' posts each to a URL built from a template. */
export interface SmsSettings {
  kind: 'log' | 'http';
  /** e.g. http://sms.example/send — the message is POSTed as the body template with {phone} and {text} filled in. */
  url?: string;
  /** JSON body template, e.g. {"to":"{phone}","msg":"{text}"}. */
  template?: string;
}

/** Centre-wide settings stored in the database. */
export interface Settings {
  baseLayer: BaseLayerSettings;
  /** Working periods of a working day, e.g. [["08:30","12:00"],["14:00","17:30"]]. */
  workHours: [string, string][];
  duplicates: DuplicateSettings;
  sms: SmsSettings;
  /** What the public Open311 reads list: requests that came in through Open311, and cases of public classes taken
   * in on these other channels (shown as a public summary: class, place, status; never their text or reporter). */
  /** publicChannels: channels whose public-class cases Open311 lists; jurisdictionIds: the jurisdiction_id values
   * accepted besides the district code (e.g. the name a FixMyStreet site knows the centre by). */
  open311: { publicChannels: string[]; jurisdictionIds?: string[] };
}

/** Counts and facts about the open centre. */
export interface AppInfo {
  version: string;
  districtName: string;
  adminCode: string;
  bounds: BBox;
  gridCells: number;
  components: number;
  departments: number;
  cases: number;
  schemaVersion: number;
}

/** An account as the API shows it (never the password hash). */
export interface User {
  id: number;
  name: string;
  displayName: string;
  role: import('./roles.ts').Role;
  department: string | null;
  departmentLevel: number | null;
  streetCode: string | null;
  phone: string | null;
}

/** An Open311 API key as listed (never the key itself). */
export interface ApiKeyInfo {
  id: number;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A logged-in session. */
export interface Session {
  token: string;
  user: User;
  expiresAt: number;
}

/** An intake channel. */
export interface ChannelInfo {
  code: string;
  name: string;
  needsVerify: boolean;
}

/** Deadline facts of the stage a case is in. */
export interface CaseClock {
  stage: import('./workflow.ts').Stage | null;
  started: number | null;
  due: number | null;
  /** Clock ms left (negative when overdue), in the stage's unit; null without a running clock. */
  remainingMs: number | null;
  unit: LimitUnit | null;
  overdue: boolean;
  /** Used time is more than three times the limit. */
  overdue3x: boolean;
}

/** A component case (部件: something broken, lost or occupied) or an event case (事件: anything else). */
export type CaseKind = 'component' | 'event';

/** A case row in queues and lists. */
export interface CaseSummary {
  id: number;
  caseNo: string;
  kind: CaseKind;
  classCode: string;
  className: string;
  channel: string;
  status: import('./workflow.ts').CaseState;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  gridCode: string;
  streetCode: string;
  communityCode: string;
  deptCode: string | null;
  assigneeDept: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
  clock: CaseClock;
  closeType: 'normal' | 'overdue' | 'self' | null;
  urgeCount: number;
}

/** One step of a case's history. */
export interface CaseHistoryEntry {
  id: number;
  at: number;
  actorName: string;
  role: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  photoIds: number[];
}

/** A case with everything its detail panel shows. */
export interface CaseDetail extends CaseSummary {
  componentCode: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  reporterEmail: string | null;
  callback: boolean;
  attributes: Record<string, unknown> | null;
  supervisorId: number | null;
  extensionRequest: { value: number; unit: LimitUnit; reason: string } | null;
  suspendedFrom: string | null;
  reworkCount: number;
  extensionCount: number;
  returnCount: number;
  mergedInto: number | null;
  history: CaseHistoryEntry[];
  photoIds: number[];
  /** The photos of a 自行处置 by id: taken before or after the fix. */
  photoRoles: Record<number, 'before' | 'after'>;
  /** Actions the calling user may take now. */
  actions: import('./workflow.ts').CaseAction[];
  /** The department the routing table suggests (pending dispatch). */
  suggestedDept: string | null;
}

/** A page of cases. */
export interface CasePage {
  total: number;
  items: CaseSummary[];
}

/** An open case on the map. */
export interface CaseMarker {
  id: number;
  caseNo: string;
  lon: number;
  lat: number;
  status: import('./workflow.ts').CaseState;
  overdue: boolean;
  overdue3x: boolean;
}

/** A possible duplicate shown before registration. */
export interface DuplicateHit {
  id: number;
  caseNo: string;
  status: string;
  distanceM: number;
  createdAt: number;
  description: string;
}

/** An on-screen alert. */
export interface AlertInfo {
  id: number;
  at: number;
  caseId: number;
  caseNo: string;
  stage: string;
  kind: 'overdue' | 'overdue3x';
  message: string;
}

/** One SMS in the outbox. */
export interface SmsMessage {
  id: number;
  createdAt: number;
  toPhone: string;
  body: string;
  caseId: number | null;
  status: 'queued' | 'sent' | 'logged' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
}

/** Off-site replication as the status bar and the DR console show it. */
export interface ReplicationStatus {
  configured: boolean;
  /** Replica URL or folder (never the token). */
  target: string | null;
  mode: 'sync' | 'async' | null;
  /** ok: caught up; catching_up: entries waiting; degraded: sync mode fell back to async; disconnected. */
  state: 'ok' | 'catching_up' | 'degraded' | 'disconnected' | 'off';
  connected: boolean;
  headSeq: number;
  ackedSeq: number;
  lagChanges: number;
  lagMs: number;
  lastSnapshot: { seq: number; createdAt: number; bytes: number } | null;
  storeBytes: number | null;
  lastError: string | null;
  /** One point every 5 s over the last hour. */
  history: { t: number; lagChanges: number; lagMs: number }[];
}

/** A restore drill: restore to a temporary file, compare with the live database. */
export interface DrillResult {
  id: number;
  at: number;
  actor: string;
  ok: boolean;
  seq: number | null;
  durationMs: number;
  tables: { table: string; live: number; restored: number; liveHash: string; restoredHash: string; same: boolean }[];
  error: string | null;
}

/** What the replica's warm standby looks like (DR console). */
export interface StandbySummary {
  seq: number;
  counts: Record<string, number>;
  recentCases: { caseNo: string; status: string; description: string; updatedAt: number }[];
}

/** Result of verifying a replica. */
export interface VerifyReport {
  ok: boolean;
  snapshots: number;
  segments: number;
  firstSeq: number | null;
  lastSeq: number;
  problems: { file: string; seq: number | null; problem: string }[];
  /** The fingerprint of the centre's key every snapshot and segment was checked against; null when no key was given
   * (then the chain proves order and integrity, not who wrote it). */
  signedBy: string | null;
}
