// Off-site replication (异地容灾): status, verify, snapshots, restore drills, the warm standby, configuration.
import { z } from 'zod';
import type { DrillResult, ReplicationStatus, StandbySummary, VerifyReport } from '../model.ts';
import { method } from './define.ts';
import { empty } from './schemas.ts';

const dr = { access: ['dr_operator'] } as const;

/** replication.* */
export const replicationContract = {
  'replication.status': method<ReplicationStatus>()(empty, 'Off-site replication: connection, mode, lag, last snapshot, lag history.'),
  'replication.verify': method<VerifyReport>()(empty, 'Check every snapshot and segment on the replica end to end.', dr),
  'replication.snapshot': method<{ seq: number; createdAt: number; bytes: number }>()(empty, 'Take a snapshot now and store it on the replica.', dr),
  'replication.drill': method<DrillResult>()(empty, 'Restore drill: restore to a temporary file and compare with the live database; recorded.', dr),
  'replication.drills': method<DrillResult[]>()(empty, 'The restore drill history.', dr),
  'replication.signingKey': method<{ publicKey: string; fingerprint: string }>()(
    empty,
    'The public half of the key this centre signs its replicated history with (PEM) and its fingerprint: pin it where the replica is verified or restored.',
    { access: ['dr_operator', 'admin'] },
  ),
  'replication.standby': method<StandbySummary | null>()(empty, 'A read-only view of the warm standby on the replica.', dr),
  'replication.configure': method<ReplicationStatus>()(
    z
      .strictObject({
        target: z.string().max(500).optional(),
        /** The target typed a second time: a full copy of the centre's data goes there. */
        confirm: z.string().max(500).optional(),
        token: z.string().min(16).max(200).optional(),
        mode: z.enum(['sync', 'async']),
      })
      .refine((c) => !c.target || !/^https?:/.test(c.target) || !!c.token, { message: 'a replica URL needs its token', path: ['token'] })
      .refine((c) => !c.target || c.confirm === c.target, { message: 'type the replica target a second time to confirm it', path: ['confirm'] }),
    'Point this centre at a replica (URL of cityops replica, or a folder) on the server’s allow-list, confirmed, or switch replication off (no target).',
    { write: true, access: ['admin'] },
  ),
};
