// What of the cases a user may see. Department users see their own department's cases: a level-2 department those
// dispatched to it, a level-3/4 unit those it (or a unit below it) holds. Everyone else sees every case.
import { departmentScoped } from '../../../shared/access.ts';
import type { User } from '../../../shared/model.ts';
import type { Routing } from './routing.ts';
import type { CaseChange, CaseRow } from './store.ts';

/** The column and department a scoped user's lists, counts and map are limited to. */
export interface DeptFilter {
  col: 'dept_code' | 'assignee_dept';
  dept: string;
}

/** Case visibility per user. */
export class CaseScope {
  constructor(private readonly routing: Routing) {}

  /** The filter of a department user's lists, or null (no department limit). */
  filter(u: User): DeptFilter | null {
    if (!departmentScoped(u)) return null;
    return { col: u.departmentLevel === 2 ? 'dept_code' : 'assignee_dept', dept: u.department! };
  }

  /** True when a change of a case concerns the user: any case for the hall; for a department, a case it holds or
   * held until this change (so a unit that reports upwards sees its case leave its list). */
  changeVisible(u: User, c: Pick<CaseChange, 'deptCode' | 'assigneeDept' | 'previousAssigneeDept'>): boolean {
    if (!departmentScoped(u)) return true;
    if (u.departmentLevel === 2) return c.deptCode === u.department;
    return [c.assigneeDept, c.previousAssigneeDept].some((d) => d === u.department || this.routing.isAncestor(u.department!, d ?? null));
  }

  /** True when the user may open the case. */
  visible(r: CaseRow, u: User): boolean {
    if (!departmentScoped(u)) return true;
    if (u.departmentLevel === 2) return r.dept_code === u.department;
    return r.assignee_dept === u.department || this.routing.isAncestor(u.department!, r.assignee_dept);
  }
}
