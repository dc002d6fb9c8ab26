// Import of the component layer (部件): each row checked as an editor's commit would be (code, class, district, cell
// from the location, departments, dates, class attributes); a row that would change nothing counts as unchanged.
// The check only reads (it runs in the import worker); the write is one commit on the core's connection.
import {
  differingFields,
  type CommitResult,
  type ComponentChange,
  type ComponentFields,
  type ComponentRecord,
  type ShapeGeometry,
} from '../../../shared/editing.ts';
import type { ImportReport } from '../../../shared/gis.ts';
import type { LonLat } from '../../../shared/model.ts';
import type { Plan } from '../editing/service.ts';
import { SAME_PLACE, type ImportContext, type ImportOptions, type LayerCheck } from './importRows.ts';

/** Checks every row of a component layer; returns the records the valid rows would write. */
export const checkComponents: LayerCheck = (ctx, src, report, problems, t, opts) => {
  const classesByName = new Map(ctx.catalog.componentClasses().map((k) => [k.name, k.code]));
  const depts = ctx.catalog.departments();
  const deptCodes = new Set(depts.map((d) => d.code));
  const deptByName = new Map(depts.map((d) => [d.name, d.code]));
  const changes: ComponentChange[] = [];
  const rowOf: number[] = [];
  const attrDefs = (cls: string) => ctx.edits.env.classAttributes(cls);
  // Many rows: every current record in one scan; few: a look-up per row.
  const all = src.features.length > 5000 ? ctx.edits.allCurrent() : null;
  const lookup = (code: string) => (all ? (all.get(code) ?? null) : ctx.edits.current(code));
  src.features.forEach((f, i) => {
    const row = i + 1;
    const code = t.value(f.props, 'code') === undefined ? undefined : String(t.value(f.props, 'code'));
    const g = t.geometryOf(f.props, f.geometry);
    if (typeof g === 'string') return t.rowErr(row, code ?? null, 'geometry', g);
    let classCode = t.value(f.props, 'classCode') === undefined ? undefined : String(t.value(f.props, 'classCode')).padStart(4, '0');
    if (!classCode && code && /^\d{16}$/.test(code)) classCode = code.slice(6, 10);
    if (!classCode) {
      const n = t.value(f.props, 'name');
      classCode = n === undefined ? undefined : classesByName.get(String(n));
      if (!classCode)
        return t.rowErr(
          row,
          code ?? null,
          'classCode',
          n === undefined ? 'no class: the row has no code, class code or component name' : `部件名称 ${String(n)} is not a class of the class table`,
        );
    }
    if (code !== undefined && !/^\d{16}$/.test(code)) return t.rowErr(row, code, 'code', `code ${code} is not 16 digits`);
    const fields: Partial<ComponentFields> = {};
    for (const d of ['dept1', 'dept2', 'dept3'] as const) {
      const v = t.value(f.props, d);
      if (v === undefined) continue;
      const s = String(v);
      const resolved = deptCodes.has(s) ? s : deptByName.get(s);
      if (!resolved) return t.rowErr(row, code ?? null, d, `department ${s} is neither a department code nor a department name`);
      fields[d] = resolved;
    }
    const str = (field: 'state' | 'orDate' | 'chDate' | 'dataSource' | 'note') => {
      const v = t.value(f.props, field);
      if (v === undefined) return;
      (fields as Record<string, unknown>)[field] = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    };
    (['state', 'orDate', 'chDate', 'dataSource', 'note'] as const).forEach(str);
    const attrsRaw = t.value(f.props, 'attrs');
    const attrs: Record<string, string | number> = {};
    if (attrsRaw !== undefined) {
      try {
        Object.assign(attrs, JSON.parse(String(attrsRaw)));
      } catch {
        return t.rowErr(row, code ?? null, 'attrs', `扩展属性 is not JSON: ${String(attrsRaw).slice(0, 40)}`);
      }
    }
    // Columns named after a class attribute (key or label) fill it too.
    for (const d of attrDefs(classCode)) {
      const col = src.columns.find((c) => c === d.key || c === d.label);
      const v = col ? f.props[col] : undefined;
      if (v !== undefined && v !== null && v !== '') attrs[d.key] = typeof v === 'number' ? v : String(v).trim();
    }
    if (Object.keys(attrs).length) fields.attrs = attrs;
    const gridCode = t.value(f.props, 'gridCode') === undefined ? undefined : String(t.value(f.props, 'gridCode'));
    const point = g.type === 'Point' ? (g.coordinates as LonLat) : null;
    const geometry = point ? undefined : (g as ShapeGeometry);
    const [lon, lat] = point ?? (geometry!.type === 'Polygon' ? geometry!.coordinates[0][0] : geometry!.coordinates[0]);
    const cur = code ? lookup(code) : null;
    if (cur) {
      changes.push({
        op: 'update',
        code: code!,
        baseVersion: cur.version,
        lon,
        lat,
        geometry,
        gridCode: gridCode && /^\d{15}$/.test(gridCode) ? gridCode : undefined,
        fields,
      });
    } else {
      changes.push({
        op: 'add',
        ref: `row ${row}`,
        classCode,
        lon,
        lat,
        geometry,
        code,
        gridCode: gridCode && /^\d{15}$/.test(gridCode) ? gridCode : undefined,
        fields,
      });
    }
    rowOf.push(row);
    if ((i + 1) % 20_000 === 0) opts.onProgress?.('checking', i + 1, src.features.length);
  });
  const { plans, problems: found } = ctx.edits.plan(changes, { allowCodes: true, lookup });
  const bad = new Set<number>();
  for (const p of found) {
    const row = rowOf[p.index];
    if (p.severity === 'error') bad.add(p.index);
    problems.push({ row, code: changeCode(changes[p.index]), severity: p.severity, field: p.field, message: p.message });
  }
  const valid: Plan[] = [];
  for (const p of plans) {
    if (bad.has(p.index)) continue;
    if (p.op === 'update' && p.before && sameRecord(p.before, p.after)) {
      report.counts.unchanged++;
      continue;
    }
    if (p.op === 'add') report.counts.add++;
    else report.counts.update++;
    valid.push(p);
  }
  return { layer: 'components', plans: valid };
};

/** Writes checked component records as one commit (inside a transaction: all or nothing); null when none. */
export function writeComponents(ctx: ImportContext, plans: Plan[], report: ImportReport, opts: ImportOptions): CommitResult | null {
  return plans.length ? ctx.edits.write({ kind: 'import', message: opts.message ?? `导入 ${report.file}`, actor: opts.actor }, plans) : null;
}

/** True when an import row would not change a component (its change date aside). */
function sameRecord(a: ComponentRecord, b: ComponentRecord): boolean {
  const diff = differingFields(a, b).filter((f) => f !== 'chDate');
  const close = (p: number[], q: number[]) => Math.abs(p[0] - q[0]) < SAME_PLACE && Math.abs(p[1] - q[1]) < SAME_PLACE;
  return diff.every((f) => {
    if (f === 'lon' || f === 'lat') return close([a.lon, a.lat], [b.lon, b.lat]);
    if (f !== 'geometry' || !a.geometry || !b.geometry || a.geometry.type !== b.geometry.type) return false;
    const pa = a.geometry.type === 'Polygon' ? a.geometry.coordinates.flat() : a.geometry.coordinates;
    const pb = b.geometry.type === 'Polygon' ? b.geometry.coordinates.flat() : (b.geometry.coordinates as LonLat[]);
    if (pa.length !== pb.length) return false;
    // A shapefile stores outer rings clockwise: the same ring walked the other way is the same polygon.
    const rb = a.geometry.type === 'Polygon' ? pb.slice().reverse() : pb;
    return pa.every((p, i) => close(p, pb[i])) || pa.every((p, i) => close(p, rb[i]));
  });
}

function changeCode(c: ComponentChange): string | null {
  return c.op === 'add' ? (c.code ?? null) : c.code;
}
