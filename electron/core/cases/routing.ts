// Routing (派遣规则): the level-2 department a case goes to, and the department tree walks the rules need.
import type { Db } from '../db/connection.ts';
import type { CaseKind } from '../../../shared/model.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { ComponentService } from '../components/service.ts';
import type { CaseStore } from './store.ts';

interface RuleRow {
  class_prefix: string;
  street_code: string | null;
  dept: string;
}

/** The routing table over the department tree. */
export class Routing {
  private readonly q;

  constructor(
    db: Db,
    private readonly store: CaseStore,
    private readonly catalog: CatalogService,
    private readonly components: ComponentService,
  ) {
    this.q = {
      rules: db.prepare('SELECT class_prefix, street_code, dept FROM routing_rules WHERE kind = ?'),
      streetOffice: db.prepare('SELECT code FROM departments WHERE level = 2 AND street_code = ? ORDER BY code LIMIT 1'),
      eventDefault: db.prepare('SELECT default_dept FROM event_classes WHERE code = ?'),
    };
  }

  /** The level-2 department for a case: the owner of its component, then the rules by class and street (the longest
   * class prefix wins, a street-specific rule beats a general one; '@street' names the street's own office), then
   * the class's default department. Null when none applies (the dispatcher chooses). */
  route(kind: CaseKind, classCode: string, streetCode: string, componentCode: string | null): string | null {
    if (componentCode) {
      const c = this.components.get(componentCode);
      const top = c.dept1Code ? this.levelTwoOf(c.dept1Code) : null;
      if (top) return top;
    }
    let best: { score: number; dept: string } | null = null;
    for (const r of this.q.rules.all(kind) as RuleRow[]) {
      if (!classCode.startsWith(r.class_prefix)) continue;
      if (r.street_code && r.street_code !== streetCode) continue;
      const score = r.class_prefix.length * 2 + (r.street_code ? 1 : 0);
      const dept = r.dept === '@street' ? ((this.q.streetOffice.get(streetCode) as { code: string } | undefined)?.code ?? null) : r.dept;
      if (dept && (!best || score > best.score)) best = { score, dept };
    }
    if (best) return best.dept;
    const def =
      kind === 'event'
        ? (this.q.eventDefault.get(classCode) as { default_dept: string | null } | undefined)?.default_dept
        : this.catalog.componentClass(classCode)?.defaultDept;
    return def ? this.levelTwoOf(def) : null;
  }

  /** The level-2 department a unit belongs to (itself when level 2). */
  levelTwoOf(code: string): string | null {
    let d = this.store.dept(code);
    while (d && d.level > 2 && d.parent) d = this.store.dept(d.parent);
    return d?.level === 2 ? d.code : null;
  }

  /** True when `anc` is above `code` in the department tree. */
  isAncestor(anc: string, code: string | null): boolean {
    let d = code ? this.store.dept(code) : undefined;
    while (d?.parent) {
      if (d.parent === anc) return true;
      d = this.store.dept(d.parent);
    }
    return false;
  }
}
