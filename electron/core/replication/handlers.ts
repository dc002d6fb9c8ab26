// The replication slice of the contract: the DR console's status, verify, snapshot, drills, standby, configuration.
import type { replicationContract } from '../../../shared/contract/replication.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';
import { verifyReplica } from './verify.ts';

/** Handlers of replication.* */
export function replicationHandlers(app: App): HandlersOf<typeof replicationContract> {
  const { replication } = app;
  return {
    'replication.status': () => replication.status(),
    'replication.verify': () => verifyReplica(replication.require().client, { publicKey: replication.signer().publicKey }),
    'replication.snapshot': async () => {
      const m = await replication.require().snapshot();
      return { seq: m.seq, createdAt: m.createdAt, bytes: m.bytes };
    },
    'replication.drill': (_i, ctx) => app.dr.drill(replication.require(), ctx.actor, replication.signer().publicKey),
    'replication.signingKey': () => replication.signingKey(),
    'replication.drills': () => app.dr.drills(),
    'replication.standby': () => replication.require().client.standbySummary(),
    'replication.configure': (i, ctx) => replication.configure(i, ctx),
  };
}
