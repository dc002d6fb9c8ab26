// The commit log of the component and grid layers: each commit (who, when, message, counts), what it changed
// (before and after of every component and cell), and a component's versions. History is append-only.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { CellRecord, CommitDetail, CommitInfo, ComponentRecord, ComponentVersion } from '../../../shared/editing.ts';

const COMMIT_COLUMNS = `c.id, c.at, c.actor, c.message, c.kind, c.reverts, c.added, c.updated, c.retired, c.cells,
  (SELECT r.id FROM edit_commits r WHERE r.reverts = c.id LIMIT 1) AS reverted_by`;

/** A row of edit_commits (with the commit that reverted it). */
interface CommitRow {
  id: number;
  at: number;
  actor: string;
  message: string;
  kind: CommitInfo['kind'];
  reverts: number | null;
  reverted_by: number | null;
  added: number;
  updated: number;
  retired: number;
  cells: number;
}

/** A row of component_versions or grid_versions. */
interface VersionRow {
  version: number;
  op: 'add' | 'update' | 'retire' | 'restore';
  before: string | null;
  after: string;
  commit_id: number;
}

const toCommit = (r: CommitRow): CommitInfo => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  message: r.message,
  kind: r.kind,
  reverts: r.reverts,
  revertedBy: r.reverted_by,
  added: r.added,
  updated: r.updated,
  retired: r.retired,
  cells: r.cells,
});

/** Reads of the commit log and the version tables. */
export class CommitLog {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      commit: db.prepare(`SELECT ${COMMIT_COLUMNS} FROM edit_commits c WHERE c.id = ?`),
      commits: db.prepare(`SELECT ${COMMIT_COLUMNS} FROM edit_commits c WHERE c.id < ? ORDER BY c.id DESC LIMIT ?`),
      componentVersions: db.prepare(
        'SELECT v.version, v.op, v.before, v.after, v.commit_id FROM component_versions v WHERE v.commit_id = ? ORDER BY v.component_id',
      ),
      cellVersions: db.prepare('SELECT v.version, v.op, v.before, v.after, v.commit_id FROM grid_versions v WHERE v.commit_id = ? ORDER BY v.cell_id'),
      versionsOf: db.prepare('SELECT version, op, before, after, commit_id FROM component_versions WHERE component_id = ? ORDER BY version DESC'),
      versionOf: db.prepare('SELECT version, op, before, after, commit_id FROM component_versions WHERE component_id = ? AND version = ?'),
      lastCommitOf: db.prepare('SELECT commit_id FROM component_versions WHERE component_id = ? ORDER BY version DESC LIMIT 1').pluck(),
    };
  }

  /** One commit, or null. */
  commit(id: number): CommitInfo | null {
    const r = this.q.commit.get(id) as CommitRow | undefined;
    return r ? toCommit(r) : null;
  }

  /** The commit log, newest first. */
  commits(limit: number, beforeId?: number): CommitInfo[] {
    return (this.q.commits.all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as CommitRow[]).map(toCommit);
  }

  /** What one commit changed: before and after of each component and cell. */
  detail(id: number): CommitDetail {
    const commit = this.commit(id);
    if (!commit) throw new ApiError('NOT_FOUND', `no commit ${id}`, { field: 'id' });
    const image = <T extends { code: string }>(r: VersionRow) => {
      const after = JSON.parse(r.after) as T;
      return { code: after.code, version: r.version, op: r.op, before: r.before ? (JSON.parse(r.before) as T) : null, after };
    };
    return {
      commit,
      components: (this.q.componentVersions.all(id) as VersionRow[]).map((r) => image<ComponentRecord>(r)),
      cells: (this.q.cellVersions.all(id) as VersionRow[]).map((r) => image<CellRecord>(r)),
    };
  }

  /** Every version of a component, newest first; the census (version 1 without a commit) last. */
  versions(componentId: number, current: { version: number; rec: ComponentRecord }): ComponentVersion[] {
    const rows = this.q.versionsOf.all(componentId) as VersionRow[];
    const out: ComponentVersion[] = rows.map((r) => ({
      version: r.version,
      op: r.op,
      commit: this.commit(r.commit_id),
      before: r.before ? (JSON.parse(r.before) as ComponentRecord) : null,
      after: JSON.parse(r.after) as ComponentRecord,
    }));
    const oldest = rows[rows.length - 1];
    if (!oldest) out.push({ version: current.version, op: 'census', commit: null, before: null, after: current.rec });
    else if (oldest.version > 1 && oldest.before)
      out.push({ version: oldest.version - 1, op: 'census', commit: null, before: null, after: JSON.parse(oldest.before) as ComponentRecord });
    return out;
  }

  /** One version's row of a component, if history has it. */
  version(componentId: number, version: number): VersionRow | undefined {
    return this.q.versionOf.get(componentId, version) as VersionRow | undefined;
  }

  /** The commit that last changed a component (null for a census row never edited). */
  lastCommitOf(componentId: number): CommitInfo | null {
    const id = this.q.lastCommitOf.get(componentId) as number | undefined;
    return id === undefined ? null : this.commit(id);
  }
}
