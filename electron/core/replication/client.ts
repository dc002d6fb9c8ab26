// ReplicaClient: what the centre (shipper), restore and verify need from a replica, whatever its backend.
// Two backends pass the same contract suite: the HTTP replica server (`cityops replica`) and a plain folder (an
// off-site share mounted on the centre).
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ChangeEntry } from './changelog.ts';
import type { StandbySummary } from '../../../shared/model.ts';
import { ReplicaError, ReplicaStore, type ReplicaStatus, type SegmentInfo, type SnapshotMeta, type StoreOptions } from './store.ts';

export interface ReplicaClient {
  /** Where it is (for messages). */
  readonly where: string;
  status(): Promise<ReplicaStatus>;
  /** Sends a batch; resolves with the sequence the replica now holds. */
  append(entries: ChangeEntry[]): Promise<{ ackSeq: number }>;
  putSnapshot(meta: SnapshotMeta, file: string): Promise<void>;
  listSegments(): Promise<SegmentInfo[]>;
  /** The raw bytes of a segment (the caller checks them). */
  fetchSegment(name: string): Promise<Buffer>;
  /** Copies a snapshot file to `toFile`, hashing it on the way (the caller compares the checksum). */
  fetchSnapshot(seq: number, toFile: string): Promise<{ sha256: string; bytes: number }>;
  standbySummary(): Promise<StandbySummary | null>;
  close(): void;
}

/** Writes a stream to a file and returns the SHA-256 and size of what was written (one pass, no second read). */
async function hashingCopy(from: Readable, toFile: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  from.on('data', (chunk: Buffer) => {
    h.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(from, createWriteStream(toFile));
  return { sha256: h.digest('hex'), bytes };
}

/** The folder backend: the store itself, on a path the centre can write (or, readOnly, one verify and restore read). */
export class DirReplicaClient implements ReplicaClient {
  readonly where: string;
  private readonly store: ReplicaStore;
  /** Closed with the client, unless it was handed an open store (the replica server's own). */
  private readonly owned: boolean;
  constructor(dir: string | ReplicaStore, opts: StoreOptions = {}) {
    this.owned = typeof dir === 'string';
    this.store = typeof dir === 'string' ? new ReplicaStore(dir, opts) : dir;
    this.where = this.store.dir;
  }
  async status() {
    return this.store.status();
  }
  async append(entries: ChangeEntry[]) {
    return this.store.append(entries);
  }
  async putSnapshot(meta: SnapshotMeta, file: string) {
    await this.store.putSnapshot(meta, file);
  }
  async listSegments() {
    return this.store.segments();
  }
  async fetchSegment(name: string) {
    return readFileSync(this.store.segmentPath(name));
  }
  async fetchSnapshot(seq: number, toFile: string) {
    const file = this.store.snapshotPath(seq);
    if (!this.store.snapshots().some((s) => s.seq === seq)) throw new ReplicaError(404, `no snapshot ${seq}`);
    return hashingCopy(createReadStream(file), toFile);
  }
  async standbySummary() {
    return this.store.standbySummary();
  }
  close() {
    if (this.owned) this.store.close();
  }
}

/** The HTTP backend: talks to `cityops replica` with its token. */
export class HttpReplicaClient implements ReplicaClient {
  readonly where: string;
  constructor(
    url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.where = url.replace(/\/+$/, '');
  }

  private async req(method: string, p: string, body?: RequestInit['body'], headers: Record<string, string> = {}, timeout = this.timeoutMs): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.where}${p}`, {
        method,
        body,
        headers: { authorization: `Bearer ${this.token}`, ...headers },
        signal: AbortSignal.timeout(timeout),
        // A streamed body (snapshot upload) needs half-duplex mode in Node's fetch.
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      throw new ReplicaError(503, `replica ${this.where} unreachable: ${(e as Error).message}`);
    }
    if (!res.ok) {
      let msg = `${res.status}`;
      let seq: number | undefined;
      try {
        const j = (await res.json()) as { error?: string; seq?: number };
        msg = j.error ?? msg;
        seq = j.seq;
      } catch {
        /* not JSON */
      }
      throw new ReplicaError(res.status, `replica ${this.where}: ${msg}`, seq);
    }
    return res;
  }

  async status() {
    return (await (await this.req('GET', '/v1/status')).json()) as ReplicaStatus;
  }
  async append(entries: ChangeEntry[]) {
    return (await (await this.req('POST', '/v1/segments', JSON.stringify(entries), { 'content-type': 'application/json' })).json()) as { ackSeq: number };
  }
  async putSnapshot(meta: SnapshotMeta, file: string) {
    const size = statSync(file).size;
    await this.req(
      'PUT',
      `/v1/snapshots/${meta.seq}`,
      Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
      {
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        'x-cityops-snapshot': JSON.stringify(meta),
      },
      10 * 60_000,
    );
  }
  async listSegments() {
    return (await (await this.req('GET', '/v1/segments')).json()) as SegmentInfo[];
  }
  async fetchSegment(name: string) {
    return Buffer.from(await (await this.req('GET', `/v1/segments/${encodeURIComponent(name)}`)).arrayBuffer());
  }
  async fetchSnapshot(seq: number, toFile: string) {
    const res = await this.req('GET', `/v1/snapshots/${seq}`, undefined, {}, 10 * 60_000);
    return hashingCopy(Readable.fromWeb(res.body as never), toFile);
  }
  async standbySummary() {
    return (await (await this.req('GET', '/v1/standby')).json()) as StandbySummary | null;
  }
  close() {}
}

/** A client for `--replica URL|DIR`: http(s) URLs go to the server, anything else is a folder (readOnly: for verify
 * and restore, which must not change a replica another process may be writing). */
export function replicaClient(target: string, token?: string, opts: { create?: boolean; readOnly?: boolean } = {}): ReplicaClient {
  if (/^https?:\/\//.test(target)) {
    if (!token) throw new Error('a replica URL needs its token (--token / --replica-token)');
    return new HttpReplicaClient(target, token);
  }
  return new DirReplicaClient(target, opts);
}
