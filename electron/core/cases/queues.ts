// Queues and search: a queue (a state, 超时 or 全部) with filters and full-text search, a page at a time, and the
// counts behind every queue badge.
import type { z } from 'zod';
import { FINAL_STATES, OPEN_STATES, type CaseState } from '../../../shared/workflow.ts';
import type { QueueName } from '../../../shared/queues.ts';
import type { CasePage, User } from '../../../shared/model.ts';
import type { caseFilterSchema } from '../../../shared/contract/cases.ts';
import type { CaseCounts } from './counts.ts';
import type { CaseReads } from './reads.ts';
import type { CaseScope } from './scope.ts';
import type { CaseRow, CaseStore } from './store.ts';

/** Filters of a case list, as the contract parses them. */
export type CaseFilter = z.output<typeof caseFilterSchema>;

/** Lists and counts. */
export class CaseQueues {
  constructor(
    private readonly store: CaseStore,
    private readonly scope: CaseScope,
    private readonly counters: CaseCounts,
    private readonly reads: CaseReads,
  ) {}

  /** WHERE clause and parameters of a filter, scoped to what the user may see. */
  private where(f: CaseFilter, u: User, now: number): { sql: string; args: unknown[]; order: string } {
    const w: string[] = [];
    const a: unknown[] = [];
    let order = 'c.id DESC';
    const queue = f.queue ?? 'all';
    if (queue === 'overdue') {
      w.push('c.stage_due < ?');
      a.push(now);
      order = 'c.stage_due ASC';
    } else if (queue !== 'all') {
      w.push('c.status = ?');
      a.push(queue);
      if (!FINAL_STATES.includes(queue as CaseState) && queue !== 'suspended') order = 'c.stage_due ASC';
    }
    const scope = this.scope.filter(u);
    if (scope) {
      w.push(`c.${scope.col} = ?`);
      a.push(scope.dept);
    }
    if (u.role === 'supervisor' && (queue === 'pending_verify' || queue === 'pending_check')) {
      // A supervisor's verification and check queues hold the tasks assigned to them (or to nobody yet).
      w.push('(c.supervisor_id = ? OR c.supervisor_id IS NULL)');
      a.push(u.id);
    }
    const eq: [keyof CaseFilter, string][] = [
      ['classCode', 'c.class_code'],
      ['status', 'c.status'],
      ['channel', 'c.channel'],
      ['streetCode', 'c.street_code'],
      ['deptCode', 'c.dept_code'],
    ];
    for (const [key, col] of eq) {
      if (!f[key]) continue; // an empty filter (a select's "all") filters nothing
      w.push(`${col} = ?`);
      a.push(f[key]);
    }
    if (f.overdue === true) {
      w.push('c.stage_due < ?');
      a.push(now);
    }
    if (f.overdue === false) {
      w.push('(c.stage_due IS NULL OR c.stage_due >= ?)');
      a.push(now);
    }
    if (f.from != null) {
      w.push('c.created_at >= ?');
      a.push(f.from);
    }
    if (f.to != null) {
      w.push('c.created_at < ?');
      a.push(f.to);
    }
    return { sql: w.length ? w.join(' AND ') : '1', args: a, order };
  }

  /** A page of cases for a queue and filters. Totals are exact up to 10,000 (then reported as 10,000). */
  list(f: CaseFilter, u: User, now: number): CasePage {
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    const { sql, args, order } = this.where(f, u, now);
    const q = f.q?.trim();
    // What the text (if any) adds: the row source, its condition, the page order and how far the total counts.
    let from = 'cases c';
    let text = '1';
    let textArgs: unknown[] = [];
    let pageOrder = order;
    let cap = 10_000;
    if (q && /^\d{4,13}$/.test(q)) {
      // A case number, or its leading digits (e.g. the date part): a range on the unique index.
      text = 'c.case_no >= ? AND c.case_no < ?';
      textArgs = [q, `${q}:`];
      pageOrder = 'c.case_no DESC';
    } else if (q && [...q].length >= 3) {
      // Trigram FTS: rowids come newest first and the join stops at the page end.
      from = 'cases_fts f JOIN cases c ON c.id = f.rowid';
      text = 'cases_fts MATCH ?';
      textArgs = [`"${q.replace(/"/g, '""')}"`];
      pageOrder = 'f.rowid DESC';
    } else if (q) {
      // One or two characters are below the trigram size: scan newest first until the page is full.
      const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      text = "(c.description LIKE ? ESCAPE '\\' OR c.address LIKE ? ESCAPE '\\')";
      textArgs = [like, like];
      pageOrder = 'c.id DESC';
      cap = 1000;
    }
    const rows = this.store.sql
      .get(`SELECT c.* FROM ${from} WHERE ${text} AND ${sql} ORDER BY ${pageOrder} LIMIT ? OFFSET ?`)
      .all(...textArgs, ...args, limit, offset) as CaseRow[];
    const total = (
      this.store.sql.get(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${text} AND ${sql} LIMIT ${cap})`).get(...textArgs, ...args) as { n: number }
    ).n;
    return { total, items: rows.map((r) => this.reads.summary(r, now)) };
  }

  /** Counts of every queue the user can open. */
  counts(u: User, now: number): Record<QueueName, number> {
    const out = {} as Record<QueueName, number>;
    let byStatus = this.counters.byStatus(this.scope.filter(u));
    if (u.role === 'supervisor') {
      // A supervisor's verification and check queues hold the tasks assigned to them (or to nobody yet).
      byStatus = new Map(byStatus);
      for (const s of ['pending_verify', 'pending_check'] as const) byStatus.set(s, this.count({ queue: s }, u, now));
    }
    let all = 0;
    for (const [, n] of byStatus) all += n;
    for (const s of OPEN_STATES) out[s as QueueName] = byStatus.get(s) ?? 0;
    out.closed = byStatus.get('closed') ?? 0;
    out.all = all;
    out.overdue = this.count({ queue: 'overdue' }, u, now);
    return out;
  }

  private count(f: CaseFilter, u: User, now: number): number {
    const w = this.where(f, u, now);
    return (this.store.sql.get(`SELECT count(*) AS n FROM cases c WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
  }
}
