// The catalog slice of the contract: component classes, event classes, the department tree.
import type { catalogContract } from '../../../shared/contract/app.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of catalog.* */
export function catalogHandlers(app: App): HandlersOf<typeof catalogContract> {
  return {
    'catalog.componentClasses': () => app.catalog.componentClasses(),
    'catalog.eventClasses': () => app.catalog.eventClasses(),
    'catalog.departments': () => app.catalog.departments(),
  };
}
