// The shipper: sends the change log to the replica in order, keeps a snapshot there, reports lag, and in sync mode
// holds each write's acknowledgement until the replica has stored it. When the replica cannot be reached the
// centre keeps working (async, "degraded", red status, an alert) and catches up by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { Statement } from 'better-sqlite3';
import type { ChangeLog } from './changelog.ts';
import type { ReplicaClient } from './client.ts';
import { fileSha256, ReplicaError, type SnapshotMeta } from './store.ts';
import type { ReplicationStatus } from '../../../shared/model.ts';
import type { ChainSigner } from './signing.ts';

export interface ReplicatorOptions {
  mode: 'sync' | 'async';
  /** How long a sync write waits for the replica before the centre degrades to async (ms). */
  syncTimeoutMs?: number;
  /** Take a new snapshot after this many changes (so restore does not replay the whole history). */
  snapshotEvery?: number;
  /** …or after this long (ms). */
  snapshotIntervalMs?: number;
  batchSize?: number;
  /** When idle, ask the replica how it is this often (ms), so a replica that died while nothing was written shows
   * as unreachable (and raises its alert) within that time instead of when the next write fails. */
  probeIntervalMs?: number;
  /** Signs what is shipped (batch heads, snapshot metadata) with the centre's key, so verify and restore can tell
   * the centre's history from one written by anyone else who can write to the replica. */
  signer?: ChainSigner;
  /** Called when the state changes in a way the hall should see (status bar, alerts). */
  onChange?: (s: ReplicationStatus, alert: string | null) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Replicator {
  private running = false;
  private acked = 0;
  private ready = false;
  private connected = false;
  private degraded = false;
  private outage = false;
  private lastError: string | null = null;
  private lastSnapshot: SnapshotMeta | null = null;
  private lastSnapshotAt = 0;
  /** When the replica last answered (performance.now()). */
  private lastContact = 0;
  private storeBytes: number | null = null;
  private wake: (() => void) | null = null;
  private waiters: { seq: number; resolve: (ok: boolean) => void }[] = [];
  private readonly history: { t: number; lagChanges: number; lagMs: number }[] = [];
  private historyTimer: NodeJS.Timeout | null = null;
  private loopDone: Promise<void> | null = null;
  private snapshotting: Promise<SnapshotMeta> | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: ChangeLog,
    readonly client: ReplicaClient,
    private readonly opts: ReplicatorOptions,
    private readonly clock: () => number = Date.now,
  ) {
    // Asked on every turn of the shipping loop and every status read.
    this.q = {
      snapshotRequired: db.prepare("SELECT value FROM replication_state WHERE key = 'snapshot_required'"),
      firstAfter: db.prepare('SELECT at FROM changelog WHERE seq > ? ORDER BY seq LIMIT 1'),
    };
  }
  private readonly q: { snapshotRequired: Statement<unknown[], unknown>; firstAfter: Statement<unknown[], unknown> };

  get mode(): 'sync' | 'async' {
    return this.opts.mode;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
    // Lag history: one point every 5 s, the last hour.
    this.historyTimer = setInterval(() => {
      const s = this.status();
      this.history.push({ t: this.clock(), lagChanges: s.lagChanges, lagMs: s.lagMs });
      if (this.history.length > 720) this.history.shift();
    }, 5000);
    this.historyTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.historyTimer) clearInterval(this.historyTimer);
    this.wake?.();
    await this.loopDone;
    for (const w of this.waiters.splice(0)) w.resolve(false);
    this.client.close();
  }

  /** New entries were committed. */
  notify(): void {
    this.wake?.();
  }

  /** Resolves true once the replica holds `seq`; false at once when degraded, or after the sync timeout. */
  waitFor(seq: number): Promise<boolean> {
    if (this.acked >= seq) return Promise.resolve(true);
    if (this.degraded || !this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w = { seq, resolve };
      this.waiters.push(w);
      this.notify();
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i < 0) return;
        this.waiters.splice(i, 1);
        // Only a sync write that waited in vain means the replica is failing us; an async caller just stops waiting.
        if (this.opts.mode === 'sync') this.degrade(`the replica did not acknowledge within ${this.opts.syncTimeoutMs ?? 2000} ms`);
        resolve(false);
      }, this.opts.syncTimeoutMs ?? 2000).unref();
    });
  }

  private degrade(reason: string): void {
    const first = !this.outage; // one alert per outage, not one per retry
    this.outage = true;
    this.degraded = this.opts.mode === 'sync';
    this.connected = false;
    this.lastError = reason;
    for (const w of this.waiters.splice(0)) w.resolve(false);
    if (first) this.opts.onChange?.(this.status(), `异地容灾副本不可用：${reason}${this.opts.mode === 'sync' ? '（已降级为异步，恢复后自动追平）' : ''}`);
  }

  private setAcked(seq: number): void {
    this.acked = seq;
    for (const w of [...this.waiters]) {
      if (w.seq <= seq) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(true);
      }
    }
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        if (!this.ready) await this.handshake();
        // After a bulk load the next thing the replica gets is a snapshot that contains it.
        if (this.q.snapshotRequired.get()) {
          await this.snapshot();
          continue;
        }
        const entries = this.log.after(this.acked, this.opts.batchSize ?? 2000);
        if (entries.length) {
          const last = entries.at(-1)!;
          const r = await this.client.append(entries, this.opts.signer?.head(last.seq, last.hash));
          this.setAcked(r.ackSeq);
          this.onConnected();
        } else {
          const head = this.log.head().seq;
          if (this.degraded && this.acked >= head) {
            this.degraded = false;
            this.opts.onChange?.(this.status(), null);
          }
          const since = this.lastSnapshot ? head - this.lastSnapshot.seq : Infinity;
          if (since >= (this.opts.snapshotEvery ?? 100_000) || this.clock() - this.lastSnapshotAt >= (this.opts.snapshotIntervalMs ?? 6 * 3600_000)) {
            await this.snapshot();
            continue;
          }
          if (performance.now() - this.lastContact >= (this.opts.probeIntervalMs ?? 5000)) {
            this.storeBytes = (await this.client.status()).bytes;
            this.onConnected();
          }
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, 500).unref();
          });
          this.wake = null;
        }
        backoff = 100;
      } catch (e) {
        if (!this.running) break; // stopping: the database may already be closed
        const err = e as ReplicaError;
        // The replica lost data or was replaced: read its state again and resend or re-snapshot.
        if (err instanceof ReplicaError && (err.status === 409 || err.status === 404)) this.ready = false;
        this.degrade(err.message);
        await sleep(backoff);
        backoff = Math.min(2000, backoff * 2);
      }
    }
  }

  private onConnected(): void {
    this.lastContact = performance.now();
    this.outage = false;
    if (!this.connected) {
      this.connected = true;
      this.lastError = null;
      this.opts.onChange?.(this.status(), null);
    }
  }

  /** Reads the replica's state; sends a snapshot first when it has none or cannot continue from what we hold. */
  private async handshake(): Promise<void> {
    const st = await this.client.status();
    this.storeBytes = st.bytes;
    const head = this.log.head();
    if (st.lastSeq > head.seq)
      throw new ReplicaError(
        409,
        `the replica holds sequence ${st.lastSeq}, beyond this centre's ${head.seq}: it belongs to another centre or this database was restored from an older copy`,
      );
    const oldest = (this.db.prepare('SELECT min(seq) AS s FROM changelog').get() as { s: number | null }).s;
    // The same sequence with a different hash: the replica holds another centre's history (or a restored copy's).
    const mine = st.lastSeq > 0 ? (this.db.prepare('SELECT hash FROM changelog WHERE seq = ?').get(st.lastSeq) as { hash: string } | undefined) : undefined;
    if (mine && mine.hash !== st.lastHash)
      throw new ReplicaError(409, `the replica's entry ${st.lastSeq} differs from this centre's: it holds another history`);
    this.lastSnapshot = st.snapshots.at(-1) ?? null;
    this.lastSnapshotAt = this.lastSnapshot?.createdAt ?? 0;
    const canContinue = st.snapshots.length > 0 && (st.lastSeq === head.seq || (oldest != null && oldest <= st.lastSeq + 1));
    // The replica's standby applies entries to the schema of the snapshot it started from (DDL is not in the log),
    // and refuses batches it cannot apply: after a migration, or with a standby that fell behind, it starts again
    // from a new snapshot before any entry that needs it.
    const schema = (this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const standbyStale = this.lastSnapshot != null && (this.lastSnapshot.schemaVersion !== schema || st.standbySeq !== st.lastSeq);
    if (!canContinue || standbyStale) {
      await this.snapshot();
    } else {
      this.setAcked(st.lastSeq);
    }
    this.ready = true;
    this.onConnected();
  }

  /** Takes an online backup, strips sessions, shipper state and the centre's secrets, and stores it on the replica. */
  snapshot(): Promise<SnapshotMeta> {
    if (!this.snapshotting)
      this.snapshotting = this.doSnapshot().finally(() => {
        this.snapshotting = null;
      });
    return this.snapshotting;
  }

  private async doSnapshot(): Promise<SnapshotMeta> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-snap-'));
    const file = path.join(dir, 'snapshot.db');
    try {
      await this.db.backup(file);
      const copy = new Database(file);
      // Sessions, shipper state and the centre's secrets stay here; secure_delete zeroes their pages, so no trace of
      // a token or gateway key travels in the file's free space either.
      copy.pragma('secure_delete = ON');
      copy.exec('DELETE FROM sessions; DELETE FROM replication_state; DELETE FROM local_secrets;');
      const head = (copy.prepare('SELECT seq, hash, at FROM changelog ORDER BY seq DESC LIMIT 1').get() as
        { seq: number; hash: string; at: number } | undefined) ?? { seq: 0, hash: '', at: this.clock() };
      const schemaVersion = (copy.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
      copy.pragma('journal_mode = DELETE');
      copy.close();
      const sum = fileSha256(file);
      const meta: SnapshotMeta = {
        seq: head.seq,
        hash: head.hash,
        at: head.at,
        sha256: sum.sha256,
        bytes: sum.bytes,
        createdAt: this.clock(),
        schemaVersion,
      };
      if (this.opts.signer) meta.sig = this.opts.signer.snapshot(meta);
      await this.client.putSnapshot(meta, file);
      // The snapshot holds everything up to meta.seq, bulk loads included.
      const need = this.q.snapshotRequired.get() as { value: string } | undefined;
      if (need && Number(need.value) <= meta.seq)
        this.db.transaction(() => this.db.prepare("DELETE FROM replication_state WHERE key = 'snapshot_required'").run())();
      this.lastSnapshot = meta;
      this.lastSnapshotAt = meta.createdAt;
      if (meta.seq > this.acked) this.setAcked(meta.seq);
      // Entries the replica holds in a snapshot are no longer needed here (the newest stays, to continue the chain).
      const keepFrom = Math.min(meta.seq, this.acked);
      if (keepFrom > 1) this.db.transaction(() => this.db.prepare('DELETE FROM changelog WHERE seq < ?').run(keepFrom))();
      this.storeBytes = (await this.client.status()).bytes;
      return meta;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  status(): ReplicationStatus {
    const head = this.log.head().seq;
    const oldestUnacked = head > this.acked ? (this.q.firstAfter.get(this.acked) as { at: number } | undefined)?.at : undefined;
    return {
      configured: true,
      target: this.client.where,
      mode: this.opts.mode,
      state: !this.connected ? 'disconnected' : this.degraded ? 'degraded' : head > this.acked ? 'catching_up' : 'ok',
      connected: this.connected,
      headSeq: head,
      ackedSeq: this.acked,
      lagChanges: Math.max(0, head - this.acked),
      lagMs: oldestUnacked != null ? Math.max(0, this.clock() - oldestUnacked) : 0,
      lastSnapshot: this.lastSnapshot ? { seq: this.lastSnapshot.seq, createdAt: this.lastSnapshot.createdAt, bytes: this.lastSnapshot.bytes } : null,
      storeBytes: this.storeBytes,
      lastError: this.lastError,
      history: this.history.slice(-720),
    };
  }
}
