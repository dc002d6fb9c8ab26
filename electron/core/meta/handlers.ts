// The app slice of the contract: facts and counts of the centre.
import type { appContract } from '../../../shared/contract/app.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of app.* */
export function appHandlers(app: App): HandlersOf<typeof appContract> {
  return { 'app.info': () => app.meta.info() };
}
