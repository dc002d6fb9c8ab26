// `cityops replica`: the off-site replica server. Every route but GET /health needs the token. Batches go through
// ReplicaStore.append (gaps, reordering, bad hashes and entries the warm standby cannot apply are refused; re-sent
// batches acknowledged once). Every name and number in a path, header or body is validated before the store sees it,
// and uploads stream into the store's own folder under its quota: nothing is parked in the system temp folder.
import Fastify, { type FastifyInstance } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ReplicaError, ReplicaStore } from './store.ts';
import { parseSegmentName, seqParam } from './names.ts';
import { limitBody } from './upload.ts';
import { verifyReplica } from './verify.ts';
import { DirReplicaClient } from './client.ts';
import type { ServerTls } from '../transport/http.ts';

export interface ReplicaServerOptions {
  dir: string;
  token: string;
  host?: string;
  port?: number;
  maxBytes?: number;
  /** Serve HTTPS with this certificate (the centre checks it: serve --replica-ca, restore/verify --tls-ca). */
  tls?: ServerTls;
}

/** A batch slightly larger than the room left is still read: it may be a re-sent one, which needs no room at all. */
const BATCH_SLACK = 256 * 1024;
/** How long a refused upload may go on streaming into the void after the answer before its connection is cut. */
const DRAIN_MS = 5000;

const same = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

export async function startReplicaServer(
  opts: ReplicaServerOptions,
): Promise<{ url: string; app: FastifyInstance; store: ReplicaStore; close(): Promise<void> }> {
  if (opts.token.length < 16) throw new Error('the replica token must have at least 16 characters');
  const base = { logger: false, bodyLimit: 64 * 1024 * 1024 };
  // An HTTPS instance is typed over https.Server; the routes and hooks are the same on both. Made before the store
  // opens: a certificate that does not load leaves nothing open.
  const app = opts.tls ? (Fastify({ ...base, https: { cert: opts.tls.cert, key: opts.tls.key } }) as unknown as FastifyInstance) : Fastify(base);
  const store = new ReplicaStore(opts.dir, { create: true, maxBytes: opts.maxBytes });
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    // Refused before its body ended (too large, bad metadata): the rest is read and discarded, so the client can read
    // the answer (a client that stops sending at once, like fetch, just closes); one that keeps streaming has its
    // connection cut a few seconds after the answer rather than sending gigabytes to nobody.
    if (!req.raw.complete) {
      req.raw.resume();
      reply.raw.once('finish', () => {
        const cut = setTimeout(() => req.raw.socket?.destroy(), DRAIN_MS).unref();
        req.raw.once('end', () => clearTimeout(cut));
      });
    }
    if (err instanceof ReplicaError) return reply.status(err.status).send({ error: err.message, seq: err.seq });
    // JSON nested deeper than the parser's stack: the sender's mistake, not the replica's.
    if (err instanceof RangeError) return reply.status(400).send({ error: `bad request: the body is nested too deeply (${err.message})` });
    const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
    return reply.status(status).send({ error: status === 500 ? `replica error: ${err.message}` : `bad request: ${err.message}` });
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/health') return;
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m || !same(m[1], opts.token)) return reply.status(401).send({ error: 'wrong or missing replica token' });
  });

  app.get('/health', async () => ({ ok: true, lastSeq: store.status().lastSeq }));
  app.get('/v1/status', async () => store.status());
  app.post(
    '/v1/segments',
    {
      // A batch larger than the store could hold is refused while it streams, not read into memory first.
      preParsing: async (req, _reply, payload) => {
        const limit = store.roomLeft() + BATCH_SLACK;
        if (!Number.isFinite(limit)) return payload;
        const tooLarge = (n: number) =>
          `replica store is full: a batch of ${n} bytes or more does not fit in the ${store.roomLeft()} bytes left under its quota`;
        const declared = Number(req.headers['content-length']);
        if (declared > limit) throw new ReplicaError(413, tooLarge(declared));
        return payload.pipe(limitBody(limit, tooLarge));
      },
    },
    async (req) => store.append(req.body),
  );
  app.get('/v1/segments', async () => store.segments());
  app.get<{ Params: { name: string } }>('/v1/segments/:name', async (req, reply) => {
    if (!parseSegmentName(req.params.name)) throw new ReplicaError(400, `not a segment name: ${JSON.stringify(req.params.name).slice(0, 80)}`);
    const file = store.segmentPath(req.params.name);
    if (!existsSync(file)) throw new ReplicaError(404, `no segment ${req.params.name}`);
    return reply.type('application/octet-stream').send(createReadStream(file));
  });
  app.put<{ Params: { seq: string } }>('/v1/snapshots/:seq', async (req) => {
    const seq = seqParam(req.params.seq, 'snapshot');
    const header = req.headers['x-cityops-snapshot'];
    let meta: unknown;
    try {
      meta = JSON.parse(typeof header === 'string' ? header : '');
    } catch {
      throw new ReplicaError(400, 'x-cityops-snapshot header with the snapshot metadata is required');
    }
    if ((meta as { seq?: unknown } | null)?.seq !== seq) throw new ReplicaError(400, 'snapshot sequence in the path and the metadata differ');
    if (!(req.body instanceof Readable)) throw new ReplicaError(415, 'a snapshot is sent as application/octet-stream');
    const length = req.headers['content-length'];
    const declared = (meta as { bytes?: unknown }).bytes;
    if (length !== undefined && Number(length) !== declared) throw new ReplicaError(400, `content-length ${length} differs from the size in the metadata`);
    await store.receiveSnapshot(meta, req.body);
    return { ok: true };
  });
  app.get<{ Params: { seq: string } }>('/v1/snapshots/:seq', async (req, reply) => {
    const seq = seqParam(req.params.seq, 'snapshot');
    if (!store.snapshots().some((s) => s.seq === seq)) throw new ReplicaError(404, `no snapshot ${seq}`);
    return reply.type('application/octet-stream').send(createReadStream(store.snapshotPath(seq)));
  });
  app.get('/v1/standby', async () => store.standbySummary());
  // Verify reads this server's own store (a second one on the folder would race with uploads in progress).
  app.get('/v1/verify', async () => verifyReplica(new DirReplicaClient(store)));

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8732 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${opts.host ?? '127.0.0.1'}:${port}`,
    app,
    store,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}
