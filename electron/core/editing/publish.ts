// Announcing a commit of the component or grid layer to every workstation (after the group commit, through the
// event bus), and forgetting the views it made stale.
import type { CommitResult } from '../../../shared/editing.ts';
import type { App } from '../app.ts';

/** Codes a components.changed event carries at most (beyond, it carries none: clients reload their views anyway). */
const MAX_PUSHED_CODES = 5000;

/** Publishes a commit; returns it. */
export function publishCommit(app: App, r: CommitResult): CommitResult {
  app.asOf.forget();
  const codes = r.codes.length <= MAX_PUSHED_CODES ? r.codes : [];
  app.bus.emit({ type: 'components.changed', payload: { ids: [], codes, commitId: r.commit.id, cells: r.cells } });
  return r;
}
