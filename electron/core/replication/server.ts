// `cityops replica`: the off-site replica server. Every route but GET /health needs the token. Batches go through
// ReplicaStore.append (gaps, reordering and bad hashes refused; re-sent batches acknowledged once).
import Fastify, { type FastifyInstance } from 'fastify';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ReplicaError, ReplicaStore, type SnapshotMeta } from './store.ts';
import { verifyReplica } from './verify.ts';
import { DirReplicaClient } from './client.ts';

export interface ReplicaServerOptions {
  dir: string;
  token: string;
  host?: string;
  port?: number;
  maxBytes?: number;
}

const same = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

export async function startReplicaServer(
  opts: ReplicaServerOptions,
): Promise<{ url: string; app: FastifyInstance; store: ReplicaStore; close(): Promise<void> }> {
  if (opts.token.length < 16) throw new Error('the replica token must have at least 16 characters');
  const store = new ReplicaStore(opts.dir, { create: true, maxBytes: opts.maxBytes });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof ReplicaError) return reply.status(err.status).send({ error: err.message, seq: err.seq });
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
  app.post('/v1/segments', async (req) => store.append(req.body as never));
  app.get('/v1/segments', async () => store.segments());
  app.get<{ Params: { name: string } }>('/v1/segments/:name', async (req, reply) => {
    const file = store.segmentPath(req.params.name);
    if (!existsSync(file)) throw new ReplicaError(404, `no segment ${req.params.name}`);
    return reply.type('application/octet-stream').send(createReadStream(file));
  });
  app.put<{ Params: { seq: string } }>('/v1/snapshots/:seq', async (req) => {
    let meta: SnapshotMeta;
    try {
      meta = JSON.parse(String(req.headers['x-cityops-snapshot'] ?? ''));
    } catch {
      throw new ReplicaError(400, 'x-cityops-snapshot header with the snapshot metadata is required');
    }
    if (String(meta.seq) !== req.params.seq) throw new ReplicaError(400, 'snapshot sequence in the path and the metadata differ');
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'cityops-snap-in-'));
    const tmp = path.join(tmpDir, 'in.db');
    try {
      await pipeline(req.body as Readable, createWriteStream(tmp));
      store.putSnapshot(meta, tmp);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
    return { ok: true };
  });
  app.get<{ Params: { seq: string } }>('/v1/snapshots/:seq', async (req, reply) => {
    const seq = Number(req.params.seq);
    if (!store.snapshots().some((s) => s.seq === seq)) throw new ReplicaError(404, `no snapshot ${req.params.seq}`);
    return reply.type('application/octet-stream').send(createReadStream(store.snapshotPath(seq)));
  });
  app.get('/v1/standby', async () => store.standbySummary());
  app.get('/v1/verify', async () => {
    const c = new DirReplicaClient(store.dir);
    try {
      return await verifyReplica(c);
    } finally {
      c.close();
    }
  });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8732 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    app,
    store,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}
