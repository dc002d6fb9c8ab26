// The settings slice of the contract. A change of working hours moves every deadline computed from now on, so the
// case clocks forget their calendar; every workstation hears of the change.
import type { settingsContract } from '../../../shared/contract/app.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of settings.* */
export function settingsHandlers(app: App): HandlersOf<typeof settingsContract> {
  return {
    'settings.get': () => app.settings.shown(),
    'settings.set': (i, ctx) => {
      const s = app.settings.set(i, ctx);
      app.cases.clocks.invalidate();
      app.bus.emit({ type: 'settings.changed', payload: s });
      return s;
    },
  };
}
