// Overdue alerts and the SMS outbox.
import { z } from 'zod';
import type { AlertInfo, SmsMessage } from '../model.ts';
import { method } from './define.ts';
import { empty, id } from './schemas.ts';

/** Overdue alerts are the hall's: the call-takers, shift leaders and dispatchers act on them; leaders read them. */
const HALL = ['operator', 'shift_leader', 'dispatcher'] as const;

/** alerts.* and sms.* */
export const alertsContract = {
  'alerts.list': method<AlertInfo[]>()(empty, 'Overdue alerts nobody has acknowledged.', { access: [...HALL, 'leader'] }),
  'alerts.ack': method<{ acked: number }>()(z.strictObject({ ids: z.array(id).min(1).max(500) }), 'Acknowledge alerts.', { write: true, access: HALL }),
  'sms.outbox': method<SmsMessage[]>()(empty, 'The SMS outbox with delivery status.', { access: ['shift_leader', 'dispatcher'] }),
  'sms.retry': method<null>()(z.strictObject({ id }), 'Queue a failed SMS again.', { write: true, access: ['shift_leader'] }),
};
