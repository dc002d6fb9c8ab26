// The search slice of the contract: codes and place names.
import type { searchContract } from '../../../shared/contract/app.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of search.* */
export function searchHandlers(app: App): HandlersOf<typeof searchContract> {
  return { 'search.query': (i) => app.search.query(i.q, i.limit) };
}
