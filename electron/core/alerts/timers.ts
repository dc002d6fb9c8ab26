// The core's periodic work: the overdue sweep (alerts, 立案超时 SMS) and SMS delivery with retries.
import type { App } from '../app.ts';

/** How often each runs (ms). */
export interface TimerOptions {
  sweepMs?: number;
  smsMs?: number;
}

/** Starts the sweep (once now, then every sweepMs) and delivery; returns the stop function. Timers never keep the
 * process alive. */
export function startAlertTimers(app: App, opts: TimerOptions = {}): () => void {
  const sweep = () => {
    try {
      const raised = app.alerts.sweep(app.now());
      if (raised.length) app.bus.emit({ type: 'alerts.raised', payload: raised });
    } catch (e) {
      console.error('cityops core: overdue sweep failed:', e);
    }
  };
  let sending = false;
  const deliver = async () => {
    if (sending) return;
    sending = true;
    try {
      const n = await app.alerts.deliver(app.settings.get().sms, app.now());
      if (n) app.bus.emit({ type: 'sms.changed', payload: { count: n } });
    } catch (e) {
      console.error('cityops core: SMS delivery failed:', e);
    } finally {
      sending = false;
    }
  };
  sweep();
  const timers = [setInterval(sweep, opts.sweepMs ?? 15_000), setInterval(() => void deliver(), opts.smsMs ?? 5_000)];
  for (const t of timers) t.unref();
  return () => timers.forEach((t) => clearInterval(t));
}
