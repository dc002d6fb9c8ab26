// The editing slice of the contract: edit sessions, history, revert, grid split and merge.
import type { editingContract } from '../../../shared/contract/editing.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';
import { publishCommit } from './publish.ts';
import { revertCommit } from './revert.ts';

/** Handlers of the editing methods. */
export function editingHandlers(app: App): HandlersOf<typeof editingContract> {
  const { edits, gridEditor } = app;
  return {
    'components.record': (i) => {
      const c = edits.current(i.code);
      if (!c) throw new ApiError('NOT_FOUND', `no component with code ${i.code}`, { field: 'code' });
      return { id: c.id, version: c.version, record: c.rec, photoIds: edits.photos.ids(c.id) };
    },
    'components.photo': (i) => edits.photos.bytes(i.id),
    'components.classAttributes': () => edits.classAttributes(),
    'components.nextCode': (i) => ({ code: edits.nextCode(i.classCode) }),
    'components.validate': (i) => edits.validate(i.changes),
    'components.commit': (i, ctx) => publishCommit(app, edits.commit(i, ctx.actor)),
    'components.history': (i) => {
      const c = edits.current(i.code);
      if (!c) throw new ApiError('NOT_FOUND', `no component with code ${i.code}`, { field: 'code' });
      return edits.log.versions(c.id, c);
    },
    'components.commits': (i) => edits.log.commits(i.limit ?? 100, i.before),
    'components.commitDetail': (i) => edits.log.detail(i.id),
    'components.revert': (i, ctx) => publishCommit(app, revertCommit(edits, gridEditor, i, ctx.actor, app.now())),
    'grid.split': (i, ctx) => publishCommit(app, gridEditor.split(i.code, i.line, i.message, ctx.actor)),
    'grid.merge': (i, ctx) => publishCommit(app, gridEditor.merge(i.codes, i.message, ctx.actor)),
  };
}
