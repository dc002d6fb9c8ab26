// The editable class tables and the department tree (data, not code).
import type { Db } from '../db/connection.ts';
import type { ComponentClass, Department, EventClass, GeometryKind, LimitUnit } from '../../../shared/model.ts';

interface ClassRow {
  code: string;
  major: string;
  name: string;
  major_name: string;
  default_dept: string | null;
}
interface ComponentClassRow extends ClassRow {
  geometry: GeometryKind;
  idx: number;
}
interface EventClassRow extends ClassRow {
  limit_value: number;
  limit_unit: LimitUnit;
}

/** What component and event classes share: the 4-digit code of a major (大类) and minor (小类) class. */
const classOf = (r: ClassRow) => ({
  code: r.code,
  major: r.major,
  minor: r.code.slice(2),
  name: r.name,
  majorName: r.major_name,
  defaultDept: r.default_dept,
});

/** Reads of the component/event class tables and departments; cached, they change rarely. */
export class CatalogService {
  private classes: ComponentClass[] | null = null;
  private byCode: Map<string, ComponentClass> | null = null;
  private deptNames: Map<string, string> | null = null;

  constructor(private readonly db: Db) {}

  invalidate(): void {
    this.classes = null;
    this.byCode = null;
    this.deptNames = null;
  }

  componentClasses(): ComponentClass[] {
    if (!this.classes) {
      this.classes = (
        this.db
          .prepare(
            `SELECT k.code, k.major, k.name, m.name AS major_name, k.default_dept, k.geometry, k.idx
          FROM component_classes k JOIN component_majors m ON m.code = k.major ORDER BY k.code`,
          )
          .all() as ComponentClassRow[]
      ).map((r) => ({ ...classOf(r), geometry: r.geometry, idx: r.idx }));
      this.byCode = new Map(this.classes.map((c) => [c.code, c]));
    }
    return this.classes;
  }

  componentClass(code: string): ComponentClass | undefined {
    this.componentClasses();
    return this.byCode!.get(code);
  }

  eventClasses(): EventClass[] {
    return (
      this.db
        .prepare(
          `SELECT e.code, e.major, e.name, m.name AS major_name, e.default_dept, e.limit_value, e.limit_unit
        FROM event_classes e JOIN event_majors m ON m.code = e.major ORDER BY e.code`,
        )
        .all() as EventClassRow[]
    ).map((r) => ({ ...classOf(r), limitValue: r.limit_value, limitUnit: r.limit_unit }));
  }

  /** Name of a department by code (cached), or null when unknown. */
  departmentName(code: string): string | null {
    if (!this.deptNames) this.deptNames = new Map(this.departments().map((d) => [d.code, d.name]));
    return this.deptNames.get(code) ?? null;
  }

  departments(): Department[] {
    return this.db.prepare('SELECT code, name, level, parent FROM departments ORDER BY level, code').all() as Department[];
  }
}
