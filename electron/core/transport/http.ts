// HTTP + WebSocket transport for `cityops serve`: POST /api/<method> with a JSON body, push events on /ws,
// GET /health, and the built renderer at /. Generic over the contract: no per-method code here.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { contract, isMethod, MAX_BODY_BYTES } from '../../../shared/contract/index.ts';
import { httpStatusOf, type ApiErrorData } from '../../../shared/errors.ts';
import type { SessionCore } from '../core.ts';
import { open311FrameworkError, registerOpen311 } from './open311.ts';
import { CSP } from '../../../shared/csp.ts';

/** The Content-Security-Policy sent with the browser UI (the Electron window sends the same). */
export { CSP };

/** A server's PEM certificate (with any intermediates after it) and private key. */
export interface ServerTls {
  cert: Buffer | string;
  key: Buffer | string;
}

/** Options of the HTTP transport. */
export interface HttpOptions {
  core: SessionCore;
  host?: string;
  port?: number;
  /** Folder with the built renderer (index.html); served at / when present. */
  staticDir?: string;
  /** Extra facts for GET /health. */
  health?: () => Record<string, unknown>;
  /** Host names (with or without :port) the server answers to besides the address it listens on — the names users
   * type, or a reverse proxy's. Any other Host header is refused (421): a page of another site that rebinds its own
   * name to this address (DNS rebinding) cannot reach the API. */
  allowedHosts?: string[];
  /** Serve HTTPS (and wss:// push) with this certificate; plain HTTP without it (the loopback default). */
  tls?: ServerTls;
  /** Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For is believed: behind one, the client's own
   * address is what login throttling and the audit see, not the proxy's. Nobody's header is believed by default. */
  trustProxy?: string[];
}

/** A running HTTP server. */
export interface HttpServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const fail = (error: ApiErrorData) => ({ ok: false as const, error });

/** The token of an `Authorization: Bearer TOKEN` header. */
function bearer(h: string | undefined): string | undefined {
  const m = h ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(h) : null;
  return m ? m[1] : undefined;
}

/** True when there is no Origin (non-browser client) or it names the host the request was sent to. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Starts the HTTP + WebSocket transport; resolves once it listens. */
export async function startHttpServer(opts: HttpOptions): Promise<HttpServer> {
  const host = opts.host ?? '127.0.0.1';
  // Errors found while routing (a malformed URL, a path segment over the length limit) answer like every other error.
  const frameworkErrors = (err: Error & { statusCode?: number }, req: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode ?? 400;
    const message = `bad request: ${err.message.slice(0, 200)}`;
    const o311 = open311FrameworkError(req.url, status, message);
    if (o311) return reply.status(status).type(o311.type).send(o311.body);
    return reply.status(status).send(fail({ code: 'BAD_INPUT', message }));
  };
  const base = {
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    frameworkErrors,
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
  };
  // An HTTPS instance is typed over https.Server; routes, hooks and the WebSocket upgrade work the same on both.
  const app = opts.tls ? (Fastify({ ...base, https: { cert: opts.tls.cert, key: opts.tls.key } }) as unknown as FastifyInstance) : Fastify(base);

  // Every error (malformed JSON, wrong content type, body too large, unknown route) answers in the contract's shape.
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code = status === 500 ? 'INTERNAL' : 'BAD_INPUT';
    reply.status(status).send(fail({ code, message: status === 500 ? 'internal error' : `bad request: ${err.message}` }));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(fail({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.slice(0, 200)}` }));
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    return payload;
  });

  // The Host header must name this server. Bound to a loopback address, the server answers to its loopback names.
  let allowed = new Set<string>();
  app.addHook('onRequest', async (req, reply) => {
    const h = (req.headers.host ?? '').toLowerCase();
    if (!allowed.has(h)) {
      return reply.status(421).send(fail({ code: 'FORBIDDEN', message: `this server does not answer to the host name ${h.slice(0, 100) || '(none)'}` }));
    }
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  app.get('/health', async () => ({ ok: true, status: 'ready', ...(opts.health?.() ?? {}) }));

  let baseUrl = '';
  registerOpen311(app, opts.core, () => baseUrl);

  app.post<{ Params: { method: string } }>('/api/:method', async (req, reply) => {
    const method = req.params.method;
    if (!isMethod(method)) return reply.status(404).send(fail({ code: 'UNKNOWN_METHOD', message: `unknown method: ${method.slice(0, 80)}` }));
    // No body is an empty input; a JSON null is a value like any other (refused by methods that take an object).
    const res = await opts.core.invoke(method, req.body === undefined ? {} : req.body, {
      actor: 'anonymous',
      via: 'http',
      token: bearer(req.headers.authorization),
      address: req.ip,
    });
    if (!res.ok) return reply.status(httpStatusOf[res.error.code] ?? 500).send(res);
    if (contract[method].binary) {
      const u8 = res.result as Uint8Array;
      return reply.type('application/octet-stream').send(Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength));
    }
    return reply.send(res);
  });

  app.register(async (scope) => {
    scope.get<{ Querystring: { token?: string } }>('/ws', { websocket: true }, async (socket, req) => {
      // Browsers send Origin on WebSocket upgrades and CORS does not apply to them: refuse other sites' pages.
      if (!sameOrigin(req.headers.origin, req.headers.host)) {
        socket.close(1008, 'cross-origin WebSocket refused');
        return;
      }
      // Browsers cannot set headers on a WebSocket: the session token comes as ?token=.
      const token = typeof req.query.token === 'string' ? req.query.token : bearer(req.headers.authorization);
      const me = await opts.core.invoke('auth.me', {}, { actor: 'anonymous', via: 'http', token });
      if (!me.ok || !token) {
        socket.close(4401, 'log in first');
        return;
      }
      // The events this user may see, until the session ends (then the socket closes: 4401 tells the page to log in).
      const off = opts.core.subscribeAs(
        token,
        (ev) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(ev));
        },
        () => socket.close(4401, 'session ended'),
      );
      socket.on('close', off);
      socket.on('error', off);
      // Clients only listen; anything they send is ignored.
    });
  });

  if (opts.staticDir && existsSync(opts.staticDir)) {
    await app.register(fastifyStatic, { root: opts.staticDir, index: ['index.html'], wildcard: true });
  }

  await app.listen({ host, port: opts.port ?? 8731 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `${opts.tls ? 'https' : 'http'}://${shownHost}:${port}`;
  allowed = allowedHostNames(host, Number(port), opts.allowedHosts ?? [], opts.tls ? 443 : 80);
  return { url: baseUrl, app, close: () => app.close() };
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** The Host header values a server listening on host:port answers to: its own address, the loopback names when it
 * listens on loopback (or everywhere), and the configured names (`name`, `name:port`, `[v6]`, `[v6]:port`) — a name
 * without a port takes the server's, and on the scheme's default port (80, or 443 for HTTPS) also stands alone. */
export function allowedHostNames(host: string, port: number, extra: string[], defaultPort = 80): Set<string> {
  const names = [host, ...extra.map((e) => e.trim().toLowerCase()).filter(Boolean)];
  if (LOOPBACK.includes(host) || host === '0.0.0.0' || host === '::') names.push(...LOOPBACK);
  const out = new Set<string>();
  for (const n of names) {
    const v6 = !n.startsWith('[') && n.split(':').length > 2;
    const bare = v6 ? `[${n}]` : n;
    if (/^\[.*\]:\d+$/.test(bare) || (!bare.startsWith('[') && /:\d+$/.test(bare))) {
      out.add(bare);
      continue;
    }
    out.add(`${bare}:${port}`);
    // A name the administrator allowed is allowed on any port a proxy publishes it on (443 sends it bare); what
    // stops DNS rebinding is the name, which an attacker's page cannot choose.
    if (port === defaultPort || extra.some((e) => e.trim().toLowerCase() === n)) out.add(bare);
  }
  return out;
}
