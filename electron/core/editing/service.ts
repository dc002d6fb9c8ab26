// Commits of edit sessions (部件在线更新): validation, version checks, one transaction per commit, history, the
// commit log, revert, and the layer as of a past date.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import { formatComponentCode } from '../../../shared/codes.ts';
import { isoCst } from '../../../shared/calendar.ts';
import type { BBox } from '../../../shared/model.ts';
import {
  changeKey,
  differingFields,
  type ClassAttribute,
  type CommitInfo,
  type CommitResult,
  type ComponentChange,
  type ComponentFields,
  type ComponentRecord,
  type EditConflict,
  type EditProblem,
} from '../../../shared/editing.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { GridService } from '../grid/service.ts';
import type { ComponentService } from '../components/service.ts';
import { decodePhotos } from '../photos.ts';
import { ComponentPhotos } from './photos.ts';
import { CommitLog } from './log.ts';
import { RECORD_COLUMNS, checkRecord, recordBox, recordValues, rowToRecord, type CheckEnv, type RecordRow } from './records.ts';

/** A change resolved to the record it writes. */
export interface Plan {
  index: number;
  /** The change's code, or the ref of an added component. */
  ref: string;
  op: 'add' | 'update' | 'retire' | 'restore';
  id: number | null;
  version: number;
  before: ComponentRecord | null;
  after: ComponentRecord;
  photos: { mime: string; bytes: Buffer }[];
}

/** A commit about to be written. */
export interface CommitHeader {
  kind: CommitInfo['kind'];
  message: string;
  actor: string;
  reverts?: number | null;
}

/** Edit commits over one database. Every write method runs in a transaction (a savepoint inside the core's). */
export class EditService {
  private attrCache: Map<string, ClassAttribute[]> | null = null;
  private deptCodes: Set<string> | null = null;
  private readonly q: Record<string, Statement>;
  /** What record checks need to know about the centre. */
  readonly env: CheckEnv;
  /** Photos of components. */
  readonly photos: ComponentPhotos;
  /** The commit log and version history. */
  readonly log: CommitLog;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly grid: GridService,
    private readonly components: ComponentService,
    private readonly opts: { adminCode: string; bounds: BBox; now: () => number },
  ) {
    this.q = {
      byCode: db.prepare(`SELECT ${RECORD_COLUMNS} FROM components WHERE code = ?`).raw(),
      byId: db.prepare(`SELECT ${RECORD_COLUMNS} FROM components WHERE id = ?`).raw(),
      maxCode: db.prepare('SELECT max(code) AS m FROM components WHERE code BETWEEN ? AND ?'),
      insert: db.prepare(`INSERT INTO components (code, class_code, dept1, dept2, dept3, grid_code, state, or_date, ch_date, data_source, note, lon, lat,
        geometry, attrs, retired_at, version) VALUES (${'?, '.repeat(16)}?)`),
      update: db.prepare(`UPDATE components SET code = ?, class_code = ?, dept1 = ?, dept2 = ?, dept3 = ?, grid_code = ?, state = ?, or_date = ?, ch_date = ?,
        data_source = ?, note = ?, lon = ?, lat = ?, geometry = ?, attrs = ?, retired_at = ?, version = ? WHERE id = ?`),
      rtreeDel: db.prepare('DELETE FROM components_rtree WHERE id = ?'),
      rtreeIns: db.prepare('INSERT INTO components_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
      version: db.prepare('INSERT INTO component_versions (component_id, version, commit_id, op, before, after) VALUES (?, ?, ?, ?, ?, ?)'),
      commit: db.prepare('INSERT INTO edit_commits (at, actor, message, kind, reverts, added, updated, retired, cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      photo: db.prepare('INSERT INTO component_photos (component_id, commit_id, mime, data) VALUES (?, ?, ?, ?)'),
    };
    this.photos = new ComponentPhotos(db);
    this.log = new CommitLog(db);
    this.env = {
      adminCode: opts.adminCode,
      bounds: opts.bounds,
      componentClass: (c) => catalog.componentClass(c),
      hasDepartment: (c) => (this.deptCodes ??= new Set(catalog.departments().map((d) => d.code))).has(c),
      classAttributes: (c) => this.classAttributeMap().get(c) ?? [],
      locate: (lon, lat) => grid.cellLocator().locate(lon, lat),
    };
  }

  /** Class-specific attribute definitions by class. */
  private classAttributeMap(): Map<string, ClassAttribute[]> {
    if (!this.attrCache) {
      this.attrCache = new Map();
      const rows = this.db.prepare('SELECT class_code, key, label, type, required, options FROM component_class_attributes ORDER BY class_code, ord').all() as {
        class_code: string;
        key: string;
        label: string;
        type: ClassAttribute['type'];
        required: number;
        options: string | null;
      }[];
      for (const r of rows) {
        const list = this.attrCache.get(r.class_code) ?? [];
        list.push({
          classCode: r.class_code,
          key: r.key,
          label: r.label,
          type: r.type,
          required: !!r.required,
          options: r.options ? (JSON.parse(r.options) as string[]) : null,
        });
        this.attrCache.set(r.class_code, list);
      }
    }
    return this.attrCache;
  }

  classAttributes(): ClassAttribute[] {
    return [...this.classAttributeMap().values()].flat();
  }

  /** The current record of a component (retired ones included), or null. */
  current(code: string): { id: number; version: number; rec: ComponentRecord } | null {
    const r = this.q.byCode.get(code) as RecordRow | undefined;
    return r ? rowToRecord(r) : null;
  }

  private currentById(id: number): { id: number; version: number; rec: ComponentRecord } {
    return rowToRecord(this.q.byId.get(id) as RecordRow);
  }

  /** The next free code of a class in this district (the serial after the highest used, retired included). */
  nextCode(classCode: string, taken?: Map<string, number>): string {
    if (!this.catalog.componentClass(classCode)) throw new ApiError('BAD_INPUT', `component class ${classCode} does not exist`, { field: 'classCode' });
    const prefix = this.opts.adminCode + classCode;
    let serial = taken?.get(classCode);
    if (serial === undefined) {
      const m = (this.q.maxCode.get(`${prefix}000000`, `${prefix}999999`) as { m: string | null }).m;
      serial = m ? Number(m.slice(10)) : 0;
    }
    if (serial >= 999_999)
      throw new ApiError('CONFLICT', `class ${classCode} has used every serial (999999) in district ${this.opts.adminCode}`, { field: 'classCode' });
    taken?.set(classCode, serial + 1);
    return formatComponentCode(this.opts.adminCode, classCode, serial + 1);
  }

  /** Today's date in China Standard Time (变更日期 of an edit). */
  private today(): string {
    return isoCst(this.opts.now()).slice(0, 10);
  }

  /** Resolves and checks changes without writing: the records they would write, the problems and the conflicts. */
  plan(
    changes: ComponentChange[],
    opts: { allowCodes?: boolean; lookup?: (code: string) => ReturnType<EditService['current']> } = {},
  ): { plans: Plan[]; problems: EditProblem[]; conflicts: EditConflict[] } {
    const current = opts.lookup ?? ((code: string) => this.current(code));
    const problems: EditProblem[] = [];
    const conflicts: EditConflict[] = [];
    const plans: Plan[] = [];
    const seen = new Set<string>();
    const serials = new Map<string, number>();
    const newCodes = new Set<string>();
    const today = this.today();
    changes.forEach((c, index) => {
      const ref = changeKey(c);
      const err = (field: string, message: string) => problems.push({ index, ref, severity: 'error', field, message });
      if (seen.has(ref)) return err(c.op === 'add' ? 'ref' : 'code', `${ref} appears twice in this commit`);
      seen.add(ref);
      let photos: Plan['photos'] = [];
      if ((c.op === 'add' || c.op === 'update') && c.photos?.length) {
        try {
          photos = decodePhotos(c.photos);
        } catch (e) {
          return err('photos', (e as Error).message);
        }
      }
      if (c.op === 'add') {
        let code: string;
        if (c.code) {
          if (!opts.allowCodes) return err('code', 'codes of new components are assigned by the centre');
          code = c.code;
          if (newCodes.has(code) || current(code)) return err('code', `code ${code} is already used`);
        } else {
          if (!this.catalog.componentClass(c.classCode)) return err('classCode', `component class ${c.classCode} does not exist in the class table`);
          try {
            code = this.nextCode(c.classCode, serials);
          } catch (e) {
            return err('classCode', (e as Error).message);
          }
        }
        newCodes.add(code);
        const f = c.fields ?? {};
        const rec: ComponentRecord = {
          code,
          classCode: c.classCode,
          gridCode: c.gridCode ?? '',
          lon: c.lon,
          lat: c.lat,
          geometry: c.geometry ?? null,
          retiredAt: null,
          dept1: f.dept1 ?? null,
          dept2: f.dept2 ?? null,
          dept3: f.dept3 ?? null,
          state: f.state ?? '完好',
          orDate: f.orDate ?? today,
          chDate: f.chDate ?? null,
          dataSource: f.dataSource ?? '实测',
          note: f.note ?? null,
          attrs: f.attrs ? { ...f.attrs } : null,
        };
        checkRecord(rec, this.env, { index, ref }, problems, { newCode: !!c.code, givenGrid: c.gridCode ?? null });
        plans.push({ index, ref, op: 'add', id: null, version: 1, before: null, after: rec, photos });
        return;
      }
      const cur = current(c.code);
      if (!cur) return err('code', `no component with code ${c.code}`);
      if (cur.version !== c.baseVersion) {
        conflicts.push(this.conflict(index, c, cur));
        return;
      }
      const after = cloneRecord(cur.rec);
      if (c.op === 'retire') {
        if (cur.rec.retiredAt) return err('code', `component ${c.code} is already retired`);
        after.retiredAt = new Date(this.opts.now()).toISOString();
        after.chDate = today;
      } else if (c.op === 'restore') {
        if (!cur.rec.retiredAt) return err('code', `component ${c.code} is not retired`);
        after.retiredAt = null;
        after.chDate = today;
        checkRecord(after, this.env, { index, ref }, problems);
      } else {
        if (cur.rec.retiredAt) return err('code', `component ${c.code} is retired; restore it before editing`);
        applyPatch(after, c);
        if (!c.fields || c.fields.chDate === undefined) after.chDate = today;
        checkRecord(after, this.env, { index, ref }, problems, { givenGrid: c.gridCode ?? cur.rec.gridCode });
      }
      plans.push({ index, ref, op: c.op, id: cur.id, version: cur.version + 1, before: cur.rec, after, photos });
    });
    return { plans, problems, conflicts };
  }

  /** The conflict of a change whose base version is no longer current. */
  private conflict(index: number, c: Exclude<ComponentChange, { op: 'add' }>, cur: { id: number; version: number; rec: ComponentRecord }): EditConflict {
    const base = this.recordAt(cur.id, c.baseVersion) ?? cur.rec;
    const yours = structuredClone(base);
    if (c.op === 'update') applyPatch(yours, c);
    else if (c.op === 'retire') yours.retiredAt = new Date(this.opts.now()).toISOString();
    else yours.retiredAt = null;
    return {
      index,
      code: c.code,
      baseVersion: c.baseVersion,
      theirsVersion: cur.version,
      base,
      theirs: cur.rec,
      yours,
      fields: differingFields(cur.rec, yours),
      theirCommit: this.log.lastCommitOf(cur.id),
    };
  }

  /** A component's record at one of its versions (version 1 of a census row is the before-image of version 2). */
  recordAt(id: number, version: number): ComponentRecord | null {
    const v = this.log.version(id, version);
    if (v) return JSON.parse(v.after) as ComponentRecord;
    const next = this.log.version(id, version + 1);
    if (next?.before) return JSON.parse(next.before) as ComponentRecord;
    const cur = this.currentById(id);
    return cur.version === version ? cur.rec : null;
  }

  /** Checks changes as a commit would, without writing. */
  validate(changes: ComponentChange[]): { ok: boolean; problems: EditProblem[]; conflicts: EditConflict[] } {
    const { problems, conflicts } = this.plan(changes);
    return { ok: !problems.some((p) => p.severity === 'error') && conflicts.length === 0, problems, conflicts };
  }

  /** Applies an edit session's changes as one commit, or refuses all of them. */
  commit(input: { message: string; changes: ComponentChange[] }, actor: string): CommitResult {
    const { plans, problems, conflicts } = this.plan(input.changes);
    refuseOnProblems(problems, conflicts);
    return this.write({ kind: 'edit', message: input.message, actor }, plans, problems);
  }

  /** Writes planned records as one commit (inside a transaction: all or nothing). */
  write(h: CommitHeader, plans: Plan[], problems: EditProblem[] = [], cellCodes: string[] = [], cellWrites?: (commitId: number) => void): CommitResult {
    return this.db.transaction(() => {
      const count = (ops: Plan['op'][]) => plans.filter((p) => ops.includes(p.op)).length;
      const at = this.opts.now();
      const commitId = Number(
        this.q.commit.run(at, h.actor, h.message, h.kind, h.reverts ?? null, count(['add']), count(['update', 'restore']), count(['retire']), cellCodes.length)
          .lastInsertRowid,
      );
      cellWrites?.(commitId);
      const assigned: Record<string, string> = {};
      const changed: { id: number; lon: number; lat: number; classCode: string; state: string; active: boolean }[] = [];
      for (const p of plans) {
        const vals = recordValues(p.after);
        let id = p.id;
        if (id === null) id = Number(this.q.insert.run(...vals, 1).lastInsertRowid);
        else {
          this.q.update.run(...vals, p.version, id);
          this.q.rtreeDel.run(id);
        }
        const [a, b, c, d] = recordBox(p.after);
        this.q.rtreeIns.run(id, a, c, b, d);
        this.q.version.run(id, p.version, commitId, p.op, p.before ? JSON.stringify(p.before) : null, JSON.stringify(p.after));
        for (const ph of p.photos) this.q.photo.run(id, commitId, ph.mime, ph.bytes);
        if (p.op === 'add') assigned[p.ref] = p.after.code;
        changed.push({ id, lon: p.after.lon, lat: p.after.lat, classCode: p.after.classCode, state: p.after.state, active: !p.after.retiredAt });
      }
      this.components.applyChanges(changed);
      return {
        commit: this.log.commit(commitId)!,
        codes: plans.map((p) => p.after.code),
        assigned,
        problems: problems.filter((p) => p.severity !== 'error'),
        cells: cellCodes,
      };
    })();
  }

  /** Component records that differ from today's as of time `t`: id → the record then (null = did not exist). */
  asOfOverrides(t: number): Map<number, ComponentRecord | null> {
    return stateAt<ComponentRecord>(this.db, 'component_versions', 'component_id', t);
  }

  /** Every current record by code, in one scan (imports of many rows: one read instead of a look-up per row). */
  allCurrent(): Map<string, { id: number; version: number; rec: ComponentRecord }> {
    const out = new Map<string, { id: number; version: number; rec: ComponentRecord }>();
    for (const r of this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM components`).raw().iterate() as Iterable<RecordRow>) out.set(r[1], rowToRecord(r));
    return out;
  }

  /** Every component record as it was at time `t` (active then), in id order. */
  *recordsAsOf(t: number | null): Generator<{ id: number; rec: ComponentRecord }> {
    const over = t === null ? new Map<number, ComponentRecord | null>() : this.asOfOverrides(t);
    for (const r of this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM components ORDER BY id`).raw().iterate() as Iterable<RecordRow>) {
      const id = r[0];
      if (over.has(id)) {
        const rec = over.get(id);
        if (rec && !rec.retiredAt) yield { id, rec };
      } else if (!r[17]) yield { id, rec: rowToRecord(r).rec };
    }
  }

  invalidate(): void {
    this.attrCache = null;
    this.deptCodes = null;
  }
}

/** Rows of a history table (component or grid versions) changed after time `t`: id → the image at `t`, the
 * before-image of the earliest change after it (null = the row did not exist then). */
export function stateAt<T>(db: Db, table: 'component_versions' | 'grid_versions', idColumn: 'component_id' | 'cell_id', t: number): Map<number, T | null> {
  const rows = db
    .prepare(
      `SELECT v.${idColumn} AS id, v.before FROM ${table} v JOIN edit_commits c ON c.id = v.commit_id
    WHERE c.at > ? ORDER BY c.at DESC, v.version DESC`,
    )
    .all(t) as { id: number; before: string | null }[];
  const out = new Map<number, T | null>();
  // Newest first, so the last write per id is the earliest change after t.
  for (const r of rows) out.set(r.id, r.before ? JSON.parse(r.before) : null);
  return out;
}

/** Refuses a commit with errors (BAD_INPUT + the problem list) or conflicts (CONFLICT + the diffs). */
export function refuseOnProblems(problems: EditProblem[], conflicts: EditConflict[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (conflicts.length) {
    throw new ApiError(
      'CONFLICT',
      `${conflicts.length} component(s) were changed by another editor since your draft began: ${conflicts
        .slice(0, 5)
        .map((c) => c.code)
        .join(', ')}; choose theirs or yours for each`,
      { conflicts, problems: errors },
    );
  }
  if (errors.length) {
    const first = errors[0];
    throw new ApiError('BAD_INPUT', `${errors.length} problem(s) stop this commit; the first: ${first.ref} ${first.field}: ${first.message}`, {
      problems: errors,
      field: first.field,
    });
  }
}

/** A copy safe to change field by field (the geometry is replaced whole, never changed in place). */
function cloneRecord(r: ComponentRecord): ComponentRecord {
  return { ...r, attrs: r.attrs ? { ...r.attrs } : null };
}

function applyPatch(
  rec: ComponentRecord,
  c: { lon?: number; lat?: number; geometry?: ComponentRecord['geometry']; gridCode?: string; fields?: Partial<ComponentFields> },
): void {
  if (c.lon !== undefined) rec.lon = c.lon;
  if (c.lat !== undefined) rec.lat = c.lat;
  if (c.geometry !== undefined) rec.geometry = c.geometry;
  if (c.gridCode !== undefined) rec.gridCode = c.gridCode;
  // Fields are replaced whole; attributes are copied so the patch and the record never share an object.
  const fields: Partial<ComponentFields> = { ...c.fields };
  if (fields.attrs) fields.attrs = { ...fields.attrs };
  Object.assign(rec, fields);
}
