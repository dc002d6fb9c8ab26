// The Open311 slice of the contract (GeoReport v2; the routes and XML are transport/open311.ts).
import type { open311Contract } from '../../../shared/contract/open311.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';
import { jurisdictionIds, requireJurisdiction } from './jurisdiction.ts';

/** Handlers of open311.* */
export function open311Handlers(app: App): HandlersOf<typeof open311Contract> {
  const { open311 } = app;
  /** Every call names this centre's jurisdiction or none. */
  const here = (i: { jurisdiction_id?: string }) => requireJurisdiction(i.jurisdiction_id, jurisdictionIds(app.meta.adminCode, app.settings.get()));
  return {
    'open311.services': (i) => {
      here(i);
      return open311.services();
    },
    'open311.service': (i) => {
      here(i);
      return open311.definition(i.service_code);
    },
    'open311.create': (i) => {
      here(i);
      const r = open311.create(i, app.now());
      app.bus.emit({ type: 'cases.changed', payload: { ...r.change, at: app.now() } });
      return r.result;
    },
    'open311.requests': (i) => {
      here(i);
      return open311.requests(i, app.now());
    },
    'open311.request': (i) => {
      here(i);
      return open311.request(i.id);
    },
    'open311.token': (i) => {
      here(i);
      return open311.token(i.token);
    },
    'open311.updates': (i) => {
      here(i);
      return open311.updates(i, app.now());
    },
  };
}
