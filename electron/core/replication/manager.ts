// Off-site replication of this centre: starts and stops the shipper, keeps its configuration (the desktop's
// settings), and reports its state when it is off. It holds the centre's signing key (local_secrets, never
// replicated): everything shipped is signed with it, and the DR operator pins its public half for verify and restore.
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { ReplicationStatus } from '../../../shared/model.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import { audit, type CallContext } from '../context.ts';
import type { EventBus } from '../bus.ts';
import type { ChangeLog } from './changelog.ts';
import { replicaClient } from './client.ts';
import { Replicator, type ReplicatorOptions } from './replicator.ts';
import { Secrets } from '../settings/secrets.ts';
import { ChainSigner, newSigningKey } from './signing.ts';

/** Where and how to replicate. */
export type ReplicationTarget = { target: string; token?: string; mode: 'sync' | 'async' } & Partial<ReplicatorOptions>;

/** The shipper's lifecycle. */
export class ReplicationManager {
  /** The shipper, when replication is on. */
  replicator: Replicator | null = null;
  private readonly q;
  /** The replica's token is a secret: kept in local_secrets, never in the replicated settings or the audit. */
  private readonly secrets: Secrets;
  private readonly allowed: Set<string>;

  constructor(
    private readonly db: Db,
    private readonly changelog: ChangeLog,
    private readonly bus: EventBus,
    private readonly now: () => number,
    /** The targets an administrator may point the centre at through the API. */
    allowed: string[] = [],
  ) {
    this.allowed = new Set(allowed.map(normalTarget));
    this.q = {
      get: db.prepare("SELECT value FROM settings WHERE key = 'replication'"),
      set: db.prepare("INSERT INTO settings (key, value) VALUES ('replication', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
    };
    this.secrets = new Secrets(db);
  }

  /** Starts shipping the change log to a replica (URL of `cityops replica`, or a folder). */
  start(cfg: ReplicationTarget): Replicator {
    if (this.replicator) throw new Error('replication is already running');
    const client = replicaClient(cfg.target, cfg.token, { create: true });
    const onChange = (status: ReplicationStatus, alert: string | null) => {
      this.bus.emit({ type: 'replication.status', payload: { status, alert } });
      if (alert) console.error(`cityops: ${alert}`);
    };
    this.replicator = new Replicator(this.db, this.changelog, client, { ...cfg, onChange, signer: this.signer() }, this.now);
    this.replicator.start();
    return this.replicator;
  }

  /** The centre's signing key, made on first use (a restored centre makes its own: the DR operator pins the new one). */
  signer(): ChainSigner {
    let pem = this.secrets.get<{ privateKey: string }>('signing').privateKey;
    if (!pem) {
      pem = newSigningKey().privateKey;
      const key = pem;
      this.db.transaction(() => this.secrets.set('signing', { privateKey: key }))();
    }
    return new ChainSigner(pem);
  }

  /** The public half of the signing key (PEM) and its fingerprint, for verify and restore elsewhere. */
  signingKey(): { publicKey: string; fingerprint: string } {
    const s = this.signer();
    return { publicKey: s.publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: s.key };
  }

  /** Stops shipping (what was not shipped waits in the log). */
  async stop(): Promise<void> {
    const r = this.replicator;
    this.replicator = null;
    await r?.stop();
  }

  /** Starts replication from the stored configuration (desktop settings), if any. */
  startFromSettings(): void {
    const row = this.q.get.get() as { value: string } | undefined;
    const cfg = row ? (JSON.parse(row.value) as { target?: string; mode: 'sync' | 'async' }) : null;
    if (cfg?.target) this.start({ target: cfg.target, token: this.secrets.get<{ token: string }>('replication').token, mode: cfg.mode });
  }

  /** Stores a new configuration (audited) and restarts the shipper on it; no target switches replication off. */
  async configure(cfg: ParsedInputOf<'replication.configure'>, ctx: CallContext): Promise<ReplicationStatus> {
    // A replica receives a full copy of the centre's data: only a target the server itself allows.
    if (cfg.target && !this.allowed.has(normalTarget(cfg.target))) {
      throw new ApiError(
        'FORBIDDEN',
        `${cfg.target} is not an allowed replica target: allow it on the server (cityops serve --replica-allow, or CITYOPS_REPLICA_ALLOW)`,
        {
          field: 'target',
        },
      );
    }
    this.db.transaction(() => {
      this.q.set.run(JSON.stringify({ target: cfg.target, mode: cfg.mode }));
      this.secrets.set('replication', { token: cfg.token });
      audit(this.db, ctx, 'replication.configure', cfg.target ?? 'off', JSON.stringify({ mode: cfg.mode }));
    })();
    await this.stop();
    if (cfg.target) this.start({ target: cfg.target, token: cfg.token, mode: cfg.mode });
    return this.status();
  }

  /** The shipper's state, or 'off'. */
  status(): ReplicationStatus {
    if (this.replicator) return this.replicator.status();
    return {
      configured: false,
      target: null,
      mode: null,
      state: 'off',
      connected: false,
      headSeq: this.changelog.head().seq,
      ackedSeq: 0,
      lagChanges: 0,
      lagMs: 0,
      lastSnapshot: null,
      storeBytes: null,
      lastError: null,
      history: [],
    };
  }

  /** The running shipper; CONFLICT when replication is off. */
  require(): Replicator {
    if (!this.replicator) throw new ApiError('CONFLICT', 'off-site replication is not configured on this centre');
    return this.replicator;
  }
}

/** A target as the allow-list compares it: a URL without its trailing slash, a folder as an absolute path. */
export function normalTarget(t: string): string {
  const s = t.trim();
  return /^https?:\/\//i.test(s) ? s.replace(/\/+$/, '') : path.resolve(s);
}
