// The alerts slice of the contract: overdue alerts and the SMS outbox.
import type { alertsContract } from '../../../shared/contract/alerts.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of alerts.* and sms.* */
export function alertHandlers(app: App): HandlersOf<typeof alertsContract> {
  const { alerts } = app;
  return {
    'alerts.list': () => alerts.open(app.now()),
    'alerts.ack': (i, ctx) => ({ acked: alerts.ack(i.ids, ctx.actor, app.now()) }),
    'sms.outbox': () => alerts.outbox(),
    'sms.retry': (i) => {
      alerts.retry(i.id, app.now());
      app.bus.emit({ type: 'sms.changed', payload: { count: 1 } });
      return null;
    },
  };
}
