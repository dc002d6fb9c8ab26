// ReplicaClient: what the centre (shipper), restore and verify need from a replica, whatever its backend.
// Two backends pass the same contract suite: the HTTP replica server (`cityops replica`) and a plain folder (an
// off-site share mounted on the centre).
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ChangeEntry } from './changelog.ts';
import type { ChainSignature } from './signing.ts';
import type { StandbySummary } from '../../../shared/model.ts';
import { ReplicaError, ReplicaStore, type ReplicaStatus, type SegmentInfo, type SnapshotMeta, type StoreOptions } from './store.ts';

export interface ReplicaClient {
  /** Where it is (for messages). */
  readonly where: string;
  status(): Promise<ReplicaStatus>;
  /** Sends a batch (with the centre's signature of its last entry); resolves with the sequence the replica now holds. */
  append(entries: ChangeEntry[], sig?: ChainSignature): Promise<{ ackSeq: number }>;
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
  async append(entries: ChangeEntry[], sig?: ChainSignature) {
    return this.store.append(sig ? { entries, sig } : entries);
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

/** How the HTTP backend reaches its replica. */
export interface HttpReplicaOptions {
  timeoutMs?: number;
  /** For https://: the PEM certificate(s) of the private CA that signed the replica's certificate. Without it, the
   * process-wide one of trustReplicaCa, else the system's trusted CAs. The certificate is checked either way. */
  ca?: string | Buffer;
}

/** The private CA serve trusts for every https:// replica it ships to (--replica-ca), whichever way the target was
 * chosen (command line or the app's settings). */
let defaultCa: string | Buffer | undefined;
export function trustReplicaCa(ca: string | Buffer | undefined): void {
  defaultCa = ca;
}

/** Node error codes of a certificate the client does not trust (wrong CA, self-signed, wrong name, expired). */
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

/** Why a request did not get an answer, in words an operator can act on. */
function unreachable(e: unknown, timeoutMs: number): string {
  const err = e as Error & { code?: string };
  if (UNTRUSTED.test(err.code ?? '')) {
    return `refused: its TLS certificate is not trusted (${err.message}); give the CA that signed it (restore/verify --tls-ca FILE, serve --replica-ca FILE)`;
  }
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return `unreachable: no answer within ${Math.round(timeoutMs / 1000)} s`;
  return `unreachable: ${err.message}`;
}

/** The HTTP backend: talks to `cityops replica` with its token, over http:// or https:// (node:http(s) rather than
 * fetch: fetch cannot take a private CA without undici's own Agent). */
export class HttpReplicaClient implements ReplicaClient {
  readonly where: string;
  private readonly timeoutMs: number;
  private readonly agent: HttpAgent;
  constructor(
    url: string,
    private readonly token: string,
    opts: HttpReplicaOptions = {},
  ) {
    this.where = url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    const ca = opts.ca ?? defaultCa;
    // A given CA replaces the system's list: only a certificate the centre's own CA signed is accepted.
    this.agent = this.where.startsWith('https:') ? new HttpsAgent({ keepAlive: true, ...(ca ? { ca } : {}) }) : new HttpAgent({ keepAlive: true });
  }

  /** One request; the answer as a fetch Response (streamed), whatever its status. */
  private send(method: string, p: string, body: RequestInit['body'], headers: Record<string, string>, timeout: number): Promise<Response> {
    const url = new URL(`${this.where}${p}`);
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent: this.agent, signal: AbortSignal.timeout(timeout) });
    const upload = body instanceof ReadableStream ? Readable.fromWeb(body as never) : null;
    return new Promise<Response>((resolve, reject) => {
      // Kept for the whole request: an error after the answer (a timeout while its body streams) must not go unheard.
      request.on('error', reject);
      request.once('response', (res: IncomingMessage) => {
        // Refused while a snapshot still streams: stop sending, read the answer, then drop the half-sent request.
        if (upload && !request.writableFinished && (res.statusCode ?? 500) >= 400) {
          upload.unpipe(request);
          upload.destroy();
          res.once('end', () => request.destroy());
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) h.append(k, x);
        const status = res.statusCode ?? 502;
        const empty = status === 204 || status === 304 || method === 'HEAD';
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers: h }));
      });
      if (upload) {
        upload.on('error', (e) => request.destroy(e));
        upload.pipe(request);
      } else {
        request.end(typeof body === 'string' ? body : undefined);
      }
    });
  }

  private async req(method: string, p: string, body?: RequestInit['body'], headers: Record<string, string> = {}, timeout = this.timeoutMs): Promise<Response> {
    let res: Response;
    try {
      res = await this.send(method, p, body, { authorization: `Bearer ${this.token}`, ...headers }, timeout);
    } catch (e) {
      throw new ReplicaError(503, `replica ${this.where} ${unreachable(e, timeout)}`);
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
  async append(entries: ChangeEntry[], sig?: ChainSignature) {
    const body = JSON.stringify(sig ? { entries, sig } : entries);
    return (await (await this.req('POST', '/v1/segments', body, { 'content-type': 'application/json' })).json()) as { ackSeq: number };
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
  close() {
    this.agent.destroy();
  }
}

/** A client for `--replica URL|DIR`: http(s) URLs go to the server, anything else is a folder (readOnly: for verify
 * and restore, which must not change a replica another process may be writing; ca: the private CA of an https:// one). */
export function replicaClient(target: string, token?: string, opts: { create?: boolean; readOnly?: boolean; ca?: string | Buffer } = {}): ReplicaClient {
  if (/^https?:\/\//.test(target)) {
    if (!token) throw new Error('a replica URL needs its token (--token / --replica-token)');
    return new HttpReplicaClient(target, token, { ca: opts.ca });
  }
  return new DirReplicaClient(target, opts);
}
