// Component records as history keeps them, and the checks every written record passes (editor commits, imports,
// reverts and grid edits alike): code, class, place, cell, departments, state, dates, class attributes, geometry.
import { kinks, pointOnFeature, booleanPointInPolygon, polygon as turfPolygon } from '@turf/turf';
import { parseComponentCode } from '../../../shared/codes.ts';
import { COMPONENT_STATES, type BBox, type ComponentClass } from '../../../shared/model.ts';
import { ringBBox } from '../../../shared/geo.ts';
import { normalizeDate, type ClassAttribute, type ComponentRecord, type EditProblem, type ShapeGeometry } from '../../../shared/editing.ts';

/** Columns of a component row in record order. */
export const RECORD_COLUMNS = `id, code, class_code, dept1, dept2, dept3, grid_code, state, or_date, ch_date, data_source, note, lon, lat,
  geometry, attrs, version, retired_at`;
export type RecordRow = [
  number,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  string | null,
  string,
  string | null,
  number,
  number,
  string | null,
  string | null,
  number,
  string | null,
];

/** A row read with RECORD_COLUMNS (raw) as id, version and record. */
export function rowToRecord(r: RecordRow): { id: number; version: number; rec: ComponentRecord } {
  return {
    id: r[0],
    version: r[16],
    rec: {
      code: r[1],
      classCode: r[2],
      dept1: r[3],
      dept2: r[4],
      dept3: r[5],
      gridCode: r[6],
      state: r[7] as ComponentRecord['state'],
      orDate: r[8],
      chDate: r[9],
      dataSource: r[10],
      note: r[11],
      lon: r[12],
      lat: r[13],
      geometry: r[14] ? (JSON.parse(r[14]) as ShapeGeometry) : null,
      attrs: r[15] ? JSON.parse(r[15]) : null,
      retiredAt: r[17],
    },
  };
}

/** Values for INSERT/UPDATE of the record columns (without id and version). */
export function recordValues(rec: ComponentRecord): unknown[] {
  return [
    rec.code,
    rec.classCode,
    rec.dept1,
    rec.dept2,
    rec.dept3,
    rec.gridCode,
    rec.state,
    rec.orDate,
    rec.chDate,
    rec.dataSource,
    rec.note,
    rec.lon,
    rec.lat,
    rec.geometry ? JSON.stringify(rec.geometry) : null,
    rec.attrs && Object.keys(rec.attrs).length ? JSON.stringify(rec.attrs) : null,
    rec.retiredAt,
  ];
}

/** Bounding box of a record: its geometry, or its point. */
export function recordBox(rec: ComponentRecord): BBox {
  if (!rec.geometry) return [rec.lon, rec.lat, rec.lon, rec.lat];
  return ringBBox(rec.geometry.type === 'Polygon' ? rec.geometry.coordinates[0] : rec.geometry.coordinates);
}

/** The point a line or polygon component is placed by (its cell, its map marker): the middle vertex of a line,
 * a point inside a polygon (its centroid when that is inside). */
export function representativePoint(g: ShapeGeometry): [number, number] {
  if (g.type === 'LineString') return g.coordinates[Math.floor((g.coordinates.length - 1) / 2)];
  const poly = turfPolygon(g.coordinates);
  const ring = g.coordinates[0];
  let sx = 0,
    sy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    sx += ring[i][0];
    sy += ring[i][1];
  }
  const c: [number, number] = [sx / (ring.length - 1), sy / (ring.length - 1)];
  if (booleanPointInPolygon(c, poly)) return c;
  return pointOnFeature(poly).geometry.coordinates as [number, number];
}

/** What the checks need to know about the centre. */
export interface CheckEnv {
  adminCode: string;
  bounds: BBox;
  componentClass(code: string): ComponentClass | undefined;
  hasDepartment(code: string): boolean;
  classAttributes(code: string): ClassAttribute[];
  /** Cell code at a point, or null outside the grid. */
  locate(lon: number, lat: number): string | null;
}

const inBounds = (b: BBox, x: number, y: number) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

/** Problems of a geometry for a class of the given kind, or none. */
export function geometryProblems(g: ShapeGeometry | null, kind: ComponentClass['geometry'], bounds: BBox): { field: string; message: string }[] {
  if (kind === 'point') return g ? [{ field: 'geometry', message: 'this class is a point component: it has no line or polygon shape' }] : [];
  const want = kind === 'line' ? 'LineString' : 'Polygon';
  if (!g) return [{ field: 'geometry', message: `this class is a ${kind} component: draw its ${kind === 'line' ? 'line' : 'outline'}` }];
  if (g.type !== want) return [{ field: 'geometry', message: `this class needs a ${want}, not a ${g.type}` }];
  const pts = g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates;
  if (pts.some((p) => !Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])))
    return [{ field: 'geometry', message: 'a coordinate is not a number pair' }];
  if (pts.some(([x, y]) => !inBounds(bounds, x, y))) return [{ field: 'geometry', message: 'the shape reaches outside the city' }];
  if (g.type === 'LineString') {
    const distinct = new Set(g.coordinates.map(([x, y]) => `${x},${y}`)).size;
    return distinct < 2 ? [{ field: 'geometry', message: 'a line needs at least two different points' }] : [];
  }
  if (g.coordinates.length !== 1) return [{ field: 'geometry', message: 'a component polygon has one outer ring and no holes' }];
  const ring = g.coordinates[0];
  const [f, l] = [ring[0], ring[ring.length - 1]];
  if (ring.length < 4 || f[0] !== l[0] || f[1] !== l[1])
    return [{ field: 'geometry', message: 'a polygon ring needs at least three corners and must end where it starts' }];
  if (new Set(ring.slice(0, -1).map(([x, y]) => `${x},${y}`)).size < 3) return [{ field: 'geometry', message: 'a polygon needs three different corners' }];
  const k = kinks(turfPolygon(g.coordinates));
  if (k.features.length) {
    const [x, y] = k.features[0].geometry.coordinates;
    return [{ field: 'geometry', message: `the polygon crosses itself near (${x.toFixed(6)}, ${y.toFixed(6)})` }];
  }
  return [];
}

/** Checks a whole record and fixes what it can from the location (cell, department default); pushes problems. */
export function checkRecord(
  rec: ComponentRecord,
  env: CheckEnv,
  at: { index: number; ref: string },
  out: EditProblem[],
  opts: { newCode?: boolean; givenGrid?: string | null } = {},
): void {
  const p = (severity: EditProblem['severity'], field: string, message: string) =>
    out.push({ index: at.index, ref: at.ref, severity, field, message, lon: rec.lon, lat: rec.lat });
  const k = env.componentClass(rec.classCode);
  if (!k) {
    p('error', 'classCode', `component class ${rec.classCode} does not exist in the class table`);
    return;
  }
  if (opts.newCode) {
    const c = parseComponentCode(rec.code);
    if (!c.ok) p('error', 'code', c.reason);
    else if (c.value.admin !== env.adminCode) p('error', 'code', `code ${rec.code} belongs to district ${c.value.admin}, not this centre's ${env.adminCode}`);
    else if (c.value.classCode !== rec.classCode)
      p('error', 'code', `code ${rec.code} names class ${c.value.classCode}, but the record is class ${rec.classCode}`);
  }
  const bad = geometryProblems(rec.geometry, k.geometry, env.bounds);
  for (const g of bad) p('error', g.field, g.message);
  if (rec.geometry && k.geometry !== 'point' && !bad.length) {
    [rec.lon, rec.lat] = representativePoint(rec.geometry);
  }
  if (!Number.isFinite(rec.lon) || !Number.isFinite(rec.lat) || !inBounds(env.bounds, rec.lon, rec.lat)) {
    p('error', 'location', `point (${rec.lon}, ${rec.lat}) is outside the city`);
  } else {
    const cell = env.locate(rec.lon, rec.lat);
    if (!cell) p('error', 'location', `point (${rec.lon.toFixed(6)}, ${rec.lat.toFixed(6)}) is in no unit grid cell of the city`);
    else {
      const named = opts.givenGrid === undefined ? rec.gridCode : opts.givenGrid;
      if (named && named !== cell) p('fixed', 'gridCode', `the record named cell ${named}, but the point lies in ${cell}: set from the location`);
      else if (!named) p('filled', 'gridCode', `cell ${cell} set from the location`);
      rec.gridCode = cell;
    }
  }
  if (!rec.dept1) {
    if (k.defaultDept) {
      rec.dept1 = k.defaultDept;
      p('filled', 'dept1', `主管部门 missing: filled with the class default ${k.defaultDept}`);
    } else p('error', 'dept1', '主管部门 is required and the class has no default');
  }
  for (const f of ['dept1', 'dept2', 'dept3'] as const) {
    if (rec[f] && !env.hasDepartment(rec[f]!)) p('error', f, `department ${rec[f]} does not exist`);
  }
  if (!(COMPONENT_STATES as readonly string[]).includes(rec.state))
    p('error', 'state', `state ${String(rec.state)} is not one of ${COMPONENT_STATES.join('、')}`);
  const od = typeof rec.orDate === 'string' ? normalizeDate(rec.orDate) : null;
  if (!od) p('error', 'orDate', `初始日期 ${String(rec.orDate)} is not a date (YYYY-MM-DD or YYYYMMDD)`);
  else rec.orDate = od;
  if (rec.chDate != null && rec.chDate !== '') {
    const cd = typeof rec.chDate === 'string' ? normalizeDate(rec.chDate) : null;
    if (!cd) p('error', 'chDate', `变更日期 ${String(rec.chDate)} is not a date`);
    else rec.chDate = cd;
  } else rec.chDate = null;
  if (typeof rec.dataSource !== 'string' || !rec.dataSource.trim()) p('error', 'dataSource', '数据来源 is required');
  const defs = env.classAttributes(rec.classCode);
  const attrs = rec.attrs ?? {};
  for (const d of defs) {
    const v = attrs[d.key];
    if (v === undefined || v === '') {
      if (d.required) p('error', `attrs.${d.key}`, `${d.label} is required for ${k.name}`);
      continue;
    }
    if (d.type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isFinite(n)) attrs[d.key] = n;
      else p('error', `attrs.${d.key}`, `${d.label} must be a number, not ${JSON.stringify(v)}`);
    } else if (d.type === 'date') {
      const n = typeof v === 'string' ? normalizeDate(v) : null;
      if (!n) p('error', `attrs.${d.key}`, `${d.label} must be a date, not ${JSON.stringify(v)}`);
      else attrs[d.key] = n;
    } else if (d.type === 'choice' && !d.options?.includes(String(v))) {
      p('error', `attrs.${d.key}`, `${d.label} must be one of ${d.options?.join('、')}, not ${JSON.stringify(v)}`);
    } else if (d.type === 'text' && typeof v !== 'string') attrs[d.key] = String(v);
  }
  for (const key of Object.keys(attrs)) {
    if (!defs.some((d) => d.key === key)) p('error', `attrs.${key}`, `${key} is not an attribute of class ${rec.classCode} ${k.name}`);
  }
  rec.attrs = Object.keys(attrs).length ? attrs : null;
}
