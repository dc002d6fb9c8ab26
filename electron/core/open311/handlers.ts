// The Open311 slice of the contract (GeoReport v2; the routes and XML are transport/open311.ts).
import type { open311Contract } from '../../../shared/contract/open311.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of open311.* */
export function open311Handlers(app: App): HandlersOf<typeof open311Contract> {
  const { open311 } = app;
  return {
    'open311.services': () => open311.services(),
    'open311.service': (i) => open311.definition(i.service_code),
    'open311.create': (i) => {
      const r = open311.create(i, app.now());
      app.bus.emit({ type: 'cases.changed', payload: { ...r.change, at: app.now() } });
      return r.result;
    },
    'open311.requests': (i) => open311.requests(i, app.now()),
    'open311.request': (i) => open311.request(i.id),
    'open311.token': (i) => open311.token(i.token),
  };
}
