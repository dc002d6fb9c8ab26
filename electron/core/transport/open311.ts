// Open311 GeoReport v2 routes under /open311/v2/ on the hall server: JSON or XML by the path's extension, POST
// form-encoded or multipart (with photos), and every error — refused input, unknown route, unsupported content
// type, body too large — as the spec's list of {code, description} in the format asked for. The work is done by the
// contract's open311.* methods; what clients send is turned into their input by core/open311/params.ts.
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiResult } from '../../../shared/errors.ts';
import type { CoreLike } from '../core.ts';
import { collect, PARAMS } from '../open311/params.ts';
import { errorBody, OPEN311_STATUS, toXml, type Open311Format } from '../open311/xml.ts';

const PREFIX = '/open311';
const V2 = '/v2';
/** Photos as clients upload them: FixMyStreet names its parts photo1, photo2…; others media or media[]. */
const PHOTO_PART = /^(media|photo)\d*(\[\])?$/;
const MAX_PHOTO_BYTES = 2_000_000;

/** The format an error answers in: XML when the path asks for it, else JSON. */
const formatOfUrl = (url: string): Open311Format => (/\.xml$/i.test(url.split('?')[0]) ? 'xml' : 'json');
const fmtOf = (f: string): Open311Format | null => (f === 'json' || f === 'xml' ? f : null);

/** The query string's parameters in order, repeated names kept. */
const queryOf = (req: FastifyRequest): [string, string][] => {
  const q = req.url.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(req.url.slice(q + 1))];
};

/** The image type of a photo by its first bytes (clients label JPEGs image/jpg, image/pjpeg or octet-stream). */
function sniffImage(b: Buffer, declared: string): string {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return declared;
}

/** Registers the routes in their own plugin scope: the form and multipart parsers, the error list and the 404 for
 * unknown routes apply under /open311/ only (the API stays JSON-only). */
/** An error the server answers before any route ran (a malformed URL, an over-long path segment), in the Open311
 * shape when the URL is under /open311/; null for any other URL. */
export function open311FrameworkError(url: string, status: number, description: string): { type: string; body: string } | null {
  if (!url.startsWith(`${PREFIX}/`)) return null;
  return errorBody(formatOfUrl(url), status, description);
}

export function registerOpen311(root: FastifyInstance, core: CoreLike, publicUrl: () => string): void {
  root.register(async (app) => routes(app, core, publicUrl), { prefix: PREFIX });
}

async function routes(app: FastifyInstance, core: CoreLike, publicUrl: () => string): Promise<void> {
  const fail = (reply: FastifyReply, fmt: Open311Format, status: number, description: string) => {
    const e = errorBody(fmt, status, description);
    return reply.status(status).type(e.type).send(e.body);
  };

  // GeoReport v2 POSTs are form-encoded; clients with photos send multipart. JSON and plain text are 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, [...new URLSearchParams(String(body))]);
  });
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 8, fields: 200, fieldSize: 64 * 1024, parts: 300 } });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const description =
      status === 415
        ? 'a POST is form-encoded (application/x-www-form-urlencoded) or multipart/form-data'
        : status === 413
          ? 'the request or one of its photos is too large (a photo is at most 2 MB, at most 8 files)'
          : status === 500
            ? 'internal error'
            : `bad request: ${err.message}`;
    if (status === 500) console.error('cityops open311:', err);
    return fail(reply, formatOfUrl(req.url), status, description);
  });
  app.setNotFoundHandler((req, reply) =>
    fail(reply, formatOfUrl(req.url), 404, `no Open311 resource ${req.method} ${req.url.split('?')[0].slice(0, 100)}; see ${PREFIX}${V2}/discovery.json`),
  );
  // An error answered before the route ran (the server's host-name check) arrives in the API's shape: re-cast it.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || !payload.startsWith('{"ok":false')) return payload;
    let message = 'refused';
    try {
      message = (JSON.parse(payload) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not the API's shape after all: the generic word will do
    }
    const e = errorBody(formatOfUrl(req.url), reply.statusCode, message);
    reply.type(e.type);
    return e.body;
  });

  const send = (reply: FastifyReply, fmt: Open311Format, root: string, res: ApiResult<unknown>) => {
    if (!res.ok) return fail(reply, fmt, OPEN311_STATUS[res.error.code] ?? 500, res.error.message);
    return fmt === 'xml' ? reply.type('text/xml; charset=utf-8').send(toXml(root, res.result)) : reply.send(res.result);
  };
  const ctx = { actor: 'open311', via: 'http' as const };
  const call = (method: string, input: Record<string, unknown>) => core.invoke(method, input, ctx);
  const badFormat = (reply: FastifyReply) => fail(reply, 'json', 404, 'add .json or .xml to the path');
  /** A resource named {name}.{fmt} in the path. */
  const named = (s: string) => /^(.+)\.(json|xml)$/.exec(s) as [string, string, Open311Format] | null;

  app.get<{ Params: { fmt: string } }>(`${V2}/discovery.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    const discovery = {
      changeset: '2026-11-29T00:00:00+08:00',
      contact: '数字化城管监督指挥中心 12319',
      key_service: 'API keys are issued by the centre (cityops apikey create).',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${publicUrl()}${PREFIX}${V2}`,
          changeset: '2026-11-29T00:00:00+08:00',
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    };
    return send(reply, fmt, 'discovery', { ok: true, result: discovery });
  });
  app.get<{ Params: { fmt: string } }>(`${V2}/services.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    return send(reply, fmt, 'services', await call('open311.services', collect(queryOf(req), PARAMS.read)));
  });
  app.get<{ Params: { code: string } }>(`${V2}/services/:code`, async (req, reply) => {
    const m = named(req.params.code);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_definition', await call('open311.service', { ...collect(queryOf(req), PARAMS.read), service_code: m[1] }));
  });
  app.get<{ Params: { fmt: string } }>(`${V2}/requests.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    return send(reply, fmt, 'service_requests', await call('open311.requests', collect(queryOf(req), PARAMS.requests)));
  });
  app.post<{ Params: { fmt: string } }>(`${V2}/requests.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    const { entries, media } = req.isMultipart()
      ? await readMultipart(req)
      : { entries: Array.isArray(req.body) ? (req.body as [string, string][]) : [], media: [] };
    // The body's parameters first; the query string's (api_key, jurisdiction_id) fill in what the body lacks.
    const input = collect([...entries, ...queryOf(req)], PARAMS.create, true);
    return send(reply, fmt, 'service_requests', await call('open311.create', media.length ? { ...input, media } : input));
  });
  app.get<{ Params: { id: string } }>(`${V2}/requests/:id`, async (req, reply) => {
    const m = named(req.params.id);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_requests', await call('open311.request', { ...collect(queryOf(req), PARAMS.read), id: m[1] }));
  });
  app.get<{ Params: { token: string } }>(`${V2}/tokens/:token`, async (req, reply) => {
    const m = named(req.params.token);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_requests', await call('open311.token', { ...collect(queryOf(req), PARAMS.read), token: m[1] }));
  });
  // FixMyStreet's extension: status updates since a time (its open311-update-reports polls this).
  app.get<{ Params: { fmt: string } }>(`${V2}/servicerequestupdates.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    return send(reply, fmt, 'service_request_updates', await call('open311.updates', collect(queryOf(req), PARAMS.updates)));
  });
}

/** The fields and photos of a multipart POST. Photo parts are read (at most 2 MB each, checked again by the core);
 * other file parts are drained and ignored. */
async function readMultipart(req: FastifyRequest): Promise<{ entries: [string, string][]; media: { mime: string; data: string }[] }> {
  const entries: [string, string][] = [];
  const media: { mime: string; data: string }[] = [];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (PHOTO_PART.test(part.fieldname) && bytes.length > 0) media.push({ mime: sniffImage(bytes, part.mimetype), data: bytes.toString('base64') });
      } else if (typeof part.value === 'string') {
        entries.push([part.fieldname, part.value]);
      }
    }
  } catch (e) {
    // Limits (413) keep their status; a body the multipart parser cannot read (no boundary, cut off) is the client's.
    const err = e as Error & { statusCode?: number };
    if (typeof err.statusCode === 'number' && err.statusCode < 500) throw err;
    throw Object.assign(new Error(`malformed multipart/form-data body: ${err.message}`), { statusCode: 400 });
  }
  return { entries, media };
}
