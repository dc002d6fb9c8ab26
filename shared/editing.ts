// Online editing of the component and grid layers (部件在线更新): the shapes that cross the API.
// An edit session is a draft held by the editor's workstation; a commit sends all of its changes at once and the
// core applies them in one transaction, or none. Updates carry the version the editor started from, so a change
// another editor committed in the meantime is never overwritten silently.
import type { ComponentState, LonLat } from './model.ts';

/** Geometry of a line or polygon component (GeoJSON, lon/lat CGCS2000). Point components have none. */
export type ShapeGeometry = { type: 'LineString'; coordinates: LonLat[] } | { type: 'Polygon'; coordinates: LonLat[][] };

/** Values of class-specific attributes (材质, 树种…). */
export type AttrValues = Record<string, string | number>;

/** The editable attributes of a component (CJ/T 214 names in comments). */
export interface ComponentFields {
  dept1: string | null; // DeptCode1 主管部门
  dept2: string | null; // DeptCode2 权属单位
  dept3: string | null; // DeptCode3 养护单位
  state: ComponentState; // ObjState 部件状态
  orDate: string; // ORDate 初始日期 (YYYY-MM-DD)
  chDate: string | null; // CHDate 变更日期
  dataSource: string; // DataSource 数据来源
  note: string | null; // Note 备注
  attrs: AttrValues | null;
}

/** A whole component record as history keeps it (one version's image). */
export interface ComponentRecord extends ComponentFields {
  code: string;
  classCode: string;
  gridCode: string;
  lon: number;
  lat: number;
  geometry: ShapeGeometry | null;
  retiredAt: string | null;
}

/** A photo attached to a component in an edit. */
export interface EditPhoto {
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  data: string;
}

/** One change of an edit session. `ref` names a new component until the commit assigns its code. */
export type ComponentChange =
  | {
      op: 'add';
      ref: string;
      classCode: string;
      lon: number;
      lat: number;
      geometry?: ShapeGeometry;
      code?: string;
      gridCode?: string;
      fields?: Partial<ComponentFields>;
      photos?: EditPhoto[];
    }
  | {
      op: 'update';
      code: string;
      baseVersion: number;
      lon?: number;
      lat?: number;
      geometry?: ShapeGeometry;
      gridCode?: string;
      fields?: Partial<ComponentFields>;
      photos?: EditPhoto[];
    }
  | { op: 'retire'; code: string; baseVersion: number }
  | { op: 'restore'; code: string; baseVersion: number };

/** How bad a problem is: errors stop the commit; the others are reported and the commit goes on. */
export type ProblemSeverity = 'error' | 'warning' | 'fixed' | 'filled';

/** One finding of validation, addressed to a change (index, code or ref) and a field; lon/lat to zoom to. */
export interface EditProblem {
  index: number;
  ref: string;
  severity: ProblemSeverity;
  field: string;
  message: string;
  lon?: number;
  lat?: number;
}

/** A summary of one commit. */
export interface CommitInfo {
  id: number;
  at: number;
  actor: string;
  message: string;
  kind: 'edit' | 'import' | 'revert' | 'grid';
  reverts: number | null;
  revertedBy: number | null;
  added: number;
  updated: number;
  retired: number;
  cells: number;
}

/** What a commit did. */
export interface CommitResult {
  commit: CommitInfo;
  /** Codes of every component the commit wrote, new ones included. */
  codes: string[];
  /** Codes assigned to added components, by their ref. */
  assigned: Record<string, string>;
  /** Warnings, auto-fixes and filled-in values. */
  problems: EditProblem[];
  /** Grid cells the commit wrote. */
  cells: string[];
}

/** A component another editor changed after the draft began: base (what the draft started from), theirs (now)
 * and yours (the draft's change applied to base). */
export interface EditConflict {
  index: number;
  code: string;
  baseVersion: number;
  theirsVersion: number;
  base: ComponentRecord;
  theirs: ComponentRecord;
  yours: ComponentRecord;
  /** The fields that differ between theirs and yours. */
  fields: string[];
  theirCommit: CommitInfo | null;
}

/** One version of a component in its history. */
export interface ComponentVersion {
  version: number;
  op: 'census' | 'add' | 'update' | 'retire' | 'restore';
  commit: CommitInfo | null;
  before: ComponentRecord | null;
  after: ComponentRecord;
}

/** A grid cell record as grid history keeps it. */
export interface CellRecord {
  code: string;
  communityCode: string;
  ring: LonLat[];
  areaM2: number;
  retiredAt: string | null;
}

/** What a commit contains, for the commit log. */
export interface CommitDetail {
  commit: CommitInfo;
  components: { code: string; version: number; op: string; before: ComponentRecord | null; after: ComponentRecord }[];
  cells: { code: string; version: number; op: string; before: CellRecord | null; after: CellRecord }[];
}

/** A class-specific attribute definition (the edit form is generated from the standard fields plus these). */
export interface ClassAttribute {
  classCode: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'choice';
  required: boolean;
  options: string[] | null;
}

/** Fields compared in a conflict and shown in the diff. */
export const RECORD_FIELDS: (keyof ComponentRecord)[] = [
  'gridCode',
  'lon',
  'lat',
  'geometry',
  'dept1',
  'dept2',
  'dept3',
  'state',
  'orDate',
  'chDate',
  'dataSource',
  'note',
  'attrs',
  'retiredAt',
];

/** The fields whose values differ between two records. */
export function differingFields(a: ComponentRecord, b: ComponentRecord): string[] {
  const out: string[] = [];
  for (const f of RECORD_FIELDS) {
    const x = a[f] ?? null,
      y = b[f] ?? null;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || JSON.stringify(x) !== JSON.stringify(y)) out.push(f);
  }
  return out;
}

/** The code or ref a change is about. */
export function changeKey(c: ComponentChange): string {
  return c.op === 'add' ? c.ref : c.code;
}

/** A YYYY-MM-DD date (also accepts YYYYMMDD and YYYY/MM/DD), or null when it is not a real date. */
export function normalizeDate(s: string): string | null {
  const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return null;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
