// The cases slice of the contract: intake, actions, reads, queues, duplicates, the map layer, channels.
import type { casesContract } from '../../../shared/contract/cases.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';
import type { CaseChange } from './store.ts';
import type { CaseDetail } from '../../../shared/model.ts';

/** Handlers of cases.* */
export function caseHandlers(app: App): HandlersOf<typeof casesContract> {
  const { cases } = app;
  /** Announces a case write once it is committed, and answers with the case. */
  const written = (r: { detail: CaseDetail; change: CaseChange }) => {
    app.bus.emit({ type: 'cases.changed', payload: { ...r.change, at: app.now() } });
    return r.detail;
  };
  return {
    'cases.channels': () => cases.channels.list(),
    'cases.addChannel': (i, ctx) => cases.channels.add(i, ctx),
    'cases.intake': (i, ctx) => written(cases.intake.take(i, ctx.user, app.now())),
    'cases.act': (i, ctx) => written(cases.workflow.act(i, ctx.user, app.now())),
    'cases.get': (i, ctx) => cases.reads.detail(i.id, ctx.user, app.now()),
    'cases.list': (i, ctx) => cases.queues.list(i, ctx.user, app.now()),
    'cases.counts': (_i, ctx) => cases.queues.counts(ctx.user, app.now()),
    'cases.duplicates': (i, ctx) => cases.duplicates.find(i, app.now(), cases.scope.filter(ctx.user)),
    'cases.map': (i, ctx) => cases.reads.markers(i.bbox, i.limit ?? 5000, app.now(), ctx.user),
    'cases.photo': (i, ctx) => cases.reads.photo(i.id, ctx.user),
  };
}
