// Open311 GeoReport v2 routes under /open311/v2/ on the hall server: JSON or XML by the path's extension, form-encoded
// POST, errors as the spec's list of {code, description}. The work is done by the contract's open311.* methods.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiResult } from '../../../shared/errors.ts';
import type { CoreLike } from '../core.ts';

const BASE = '/open311/v2';

/** XML element names of list items, per list. */
const ITEM: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const escXml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Serializes a JSON value as the GeoReport v2 XML form. */
export function toXml(root: string, value: unknown): string {
  const el = (name: string, v: unknown): string => {
    if (v === null || v === undefined) return `<${name}/>`;
    if (Array.isArray(v)) return `<${name}>${v.map((x) => el(ITEM[name] ?? 'item', x)).join('')}</${name}>`;
    if (typeof v === 'object')
      return `<${name}>${Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => el(k, x))
        .join('')}</${name}>`;
    return `<${name}>${escXml(String(v))}</${name}>`;
  };
  return `<?xml version="1.0" encoding="utf-8"?>${el(root, value)}`;
}

/** HTTP status of a contract error under Open311 (the spec names 400, 403 and 404). */
const STATUS: Record<string, number> = {
  BAD_INPUT: 400,
  OUTSIDE_CITY: 400,
  UNAUTHENTICATED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  CONFLICT: 400,
};

/** Parses a form body (a=1&attribute[size]=3) into fields, with attribute[x] collected into `attribute`. */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const m = /^attribute\[([^\]]{1,50})\]$/.exec(k);
    if (m) ((out.attribute ??= {}) as Record<string, string>)[m[1]] = v;
    else out[k] = v;
  }
  return out;
}

/** Registers the routes in their own plugin scope: the form parser applies to them only (the API stays JSON-only). */
export function registerOpen311(root: FastifyInstance, core: CoreLike, publicUrl: () => string): void {
  root.register(async (app) => routes(app, core, publicUrl));
}

function routes(app: FastifyInstance, core: CoreLike, publicUrl: () => string): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, parseForm(String(body)));
  });

  const send = (reply: FastifyReply, fmt: string, root: string, res: ApiResult<unknown>) => {
    if (!res.ok) {
      const status = STATUS[res.error.code] ?? 500;
      const errors = [{ code: status, description: res.error.message }];
      return fmt === 'xml' ? reply.status(status).type('text/xml; charset=utf-8').send(toXml('errors', errors)) : reply.status(status).send(errors);
    }
    return fmt === 'xml' ? reply.type('text/xml; charset=utf-8').send(toXml(root, res.result)) : reply.send(res.result);
  };
  const ctx = { actor: 'open311', via: 'http' as const };
  const fmtOf = (f: string) => (f === 'json' || f === 'xml' ? f : null);
  const badFormat = (reply: FastifyReply) => reply.status(404).send([{ code: 404, description: 'use .json or .xml' }]);
  // Query strings arrive as strings; only the names the spec defines are passed on.
  const pick = (q: Record<string, unknown>, names: string[]) => Object.fromEntries(names.filter((n) => typeof q[n] === 'string').map((n) => [n, q[n]]));

  app.get<{ Params: { fmt: string } }>(`${BASE}/discovery.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    const discovery = {
      changeset: '2026-11-27T00:00:00+08:00',
      contact: '数字化城管监督指挥中心 12319',
      key_service: 'API keys are issued by the centre (cityops apikey create).',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${publicUrl()}${BASE}`,
          changeset: '2026-11-27T00:00:00+08:00',
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    };
    return send(reply, fmt, 'discovery', { ok: true, result: discovery });
  });
  app.get<{ Params: { fmt: string } }>(`${BASE}/services.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    return send(reply, fmt, 'services', await core.invoke('open311.services', {}, ctx));
  });
  app.get<{ Params: { code: string } }>(`${BASE}/services/:code`, async (req, reply) => {
    const m = /^(.+)\.(json|xml)$/.exec(req.params.code);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_definition', await core.invoke('open311.service', { service_code: m[1] }, ctx));
  });
  app.get<{ Params: { fmt: string }; Querystring: Record<string, unknown> }>(`${BASE}/requests.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    const q = pick(req.query, ['jurisdiction_id', 'service_request_id', 'service_code', 'status', 'start_date', 'end_date']);
    return send(reply, fmt, 'service_requests', await core.invoke('open311.requests', q, ctx));
  });
  app.post<{ Params: { fmt: string } }>(`${BASE}/requests.:fmt`, async (req, reply) => {
    const fmt = fmtOf(req.params.fmt);
    if (!fmt) return badFormat(reply);
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    return send(reply, fmt, 'service_requests', await core.invoke('open311.create', body, ctx));
  });
  app.get<{ Params: { id: string } }>(`${BASE}/requests/:id`, async (req, reply) => {
    const m = /^(.+)\.(json|xml)$/.exec(req.params.id);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_requests', await core.invoke('open311.request', { id: m[1] }, ctx));
  });
  app.get<{ Params: { token: string } }>(`${BASE}/tokens/:token`, async (req, reply) => {
    const m = /^(.+)\.(json|xml)$/.exec(req.params.token);
    if (!m) return badFormat(reply);
    return send(reply, m[2], 'service_requests', await core.invoke('open311.token', { token: m[1] }, ctx));
  });
}
