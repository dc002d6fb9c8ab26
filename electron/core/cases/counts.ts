// Case counts per status, centre-wide and per department: computed once, then kept in step by every write (a queue
// badge must not count a million rows each time a case moves).
import type { Db } from '../db/connection.ts';
import type { DeptFilter } from './scope.ts';

/** Where a case is, as the counts see it. */
export interface CountKey {
  status: string;
  dept: string | null;
  assignee: string | null;
}

/** The cached counts. */
export class CaseCounts {
  private all: Map<string, number> | null = null;
  private readonly scoped = new Map<string, Map<string, number>>();
  private readonly q;

  constructor(db: Db) {
    this.q = {
      all: db.prepare('SELECT status, count(*) AS n FROM cases GROUP BY status'),
      byDept: db.prepare('SELECT status, count(*) AS n FROM cases WHERE dept_code = ? GROUP BY status'),
      byAssignee: db.prepare('SELECT status, count(*) AS n FROM cases WHERE assignee_dept = ? GROUP BY status'),
    };
  }

  /** Counts per status, centre-wide or within a department filter. */
  byStatus(f: DeptFilter | null): Map<string, number> {
    const rows = (rs: unknown[]) => new Map((rs as { status: string; n: number }[]).map((r) => [r.status, r.n]));
    if (!f) {
      this.all ??= rows(this.q.all.all());
      return this.all;
    }
    const key = `${f.col}:${f.dept}`;
    let m = this.scoped.get(key);
    if (!m) {
      m = rows((f.col === 'dept_code' ? this.q.byDept : this.q.byAssignee).all(f.dept));
      this.scoped.set(key, m);
    }
    return m;
  }

  /** Keeps the counts in step with one case moving from `from` (null: a new case) to `to`. */
  bump(from: CountKey | null, to: CountKey): void {
    const add = (m: Map<string, number> | null | undefined, status: string, d: number) => {
      if (m) m.set(status, (m.get(status) ?? 0) + d);
    };
    if (from) {
      add(this.all, from.status, -1);
      if (from.dept) add(this.scoped.get(`dept_code:${from.dept}`), from.status, -1);
      if (from.assignee) add(this.scoped.get(`assignee_dept:${from.assignee}`), from.status, -1);
    }
    add(this.all, to.status, 1);
    if (to.dept) add(this.scoped.get(`dept_code:${to.dept}`), to.status, 1);
    if (to.assignee) add(this.scoped.get(`assignee_dept:${to.assignee}`), to.status, 1);
  }

  /** Drops the cached counts (after writes that bypass the case modules, such as the history generator). */
  invalidate(): void {
    this.all = null;
    this.scoped.clear();
  }
}
