// cityops serve: the hall server — the built UI, the API, push events and Open311 — on one database.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Core } from '../core/core.ts';
import { startHttpServer } from '../core/transport/http.ts';
import { die, need, str, type Command } from './command.ts';
import { replicaToken } from './replica.ts';
import { caFile, serverTls, TLS_SERVER_HELP, TLS_SERVER_OPTIONS, warnPlainHttp, warnPlainReplica } from './tls.ts';
import { trustReplicaCa } from '../core/replication/client.ts';

/** Root of the installed package (holds dist/renderer). */
export function packageRoot(): string {
  return path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
}

export const serve: Command = {
  name: 'serve',
  summary: 'run the hall server (API + browser UI + Open311)',
  usage: `--db FILE [--host 127.0.0.1] [--port 8731] [--tls-cert FILE --tls-key FILE] [--allowed-host NAME[:PORT] …] [--trust-proxy ADDRESS …] [--replica URL|DIR [--replica-token-file FILE] [--replica-ca FILE] [--replication sync|async]]

  prints "listening on http://HOST:PORT" (https:// with --tls-cert); binds 127.0.0.1 unless told otherwise
  ${TLS_SERVER_HELP}
  --allowed-host  a host name users (or a reverse proxy) reach the server by, besides the address it listens on;
                  any other Host header is refused (421), which stops DNS rebinding. Repeat for several names.
  --trust-proxy   the address (or CIDR range) of a reverse proxy in front of the server: its X-Forwarded-For is
                  believed, so login throttling and the audit see each client's address, not the proxy's. Repeatable.
  --replica-allow a replica URL or folder administrators may point the centre at in the app (replication.configure);
                  repeatable; CITYOPS_REPLICA_ALLOW adds more. --replica's own target is always allowed.
  --replica   ship every change to the off-site replica (cityops replica) or a folder; default async. The token
              comes from --replica-token-file FILE (chmod 600) or CITYOPS_REPLICA_TOKEN; --replica-token TOKEN
              works but shows in the process list. Without --replica, the centre's stored settings apply.
  --replica-ca  the PEM certificate(s) of the private CA that signed an https:// replica's certificate; without it the
              replica's certificate is checked against the system's trusted CAs.`,
  options: {
    db: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    replica: { type: 'string' },
    'replica-token': { type: 'string' },
    'replica-token-file': { type: 'string' },
    replication: { type: 'string' },
    'allowed-host': { type: 'string', multiple: true },
    'trust-proxy': { type: 'string', multiple: true },
    'replica-allow': { type: 'string', multiple: true },
    'replica-ca': { type: 'string' },
    ...TLS_SERVER_OPTIONS,
  },
  async run(v) {
    const file = need(this, v, 'db');
    const port = v.port === undefined ? 8731 : Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${v.port}`);
    const mode = str(v, 'replication') ?? 'async';
    if (mode !== 'sync' && mode !== 'async') die(`--replication must be sync or async, got ${mode}`);
    // Certificates are checked before the database opens: a bad file changes nothing.
    const tls = serverTls(v);
    const replicaCa = caFile(v, 'replica-ca');
    if (replicaCa) trustReplicaCa(replicaCa);
    const host = str(v, 'host') ?? '127.0.0.1';
    const trustProxy = (v['trust-proxy'] as string[] | undefined) ?? [];
    for (const a of trustProxy) if (!isProxyAddress(a)) die(`--trust-proxy takes an IP address or CIDR range such as 10.0.0.5 or 10.0.0.0/24, got ${a}`);
    if (!tls) warnPlainHttp(host, 'the hall server');
    let core: Core;
    try {
      const replicaAllow = [...((v['replica-allow'] as string[] | undefined) ?? []), ...(str(v, 'replica') ? [str(v, 'replica')!] : [])];
      core = new Core({ dbPath: file, replicaAllow });
      core.warmUp();
      core.startTimers();
      const target = str(v, 'replica');
      if (target) {
        warnPlainReplica(target);
        core.startReplication({ target, token: replicaToken(v, 'replica-token'), mode });
        process.stderr.write(`cityops: replicating to ${target} (${mode})\n`);
      } else {
        core.startReplicationFromSettings();
      }
      if (core.app.auth.count() === 0) {
        process.stderr.write(`cityops: warning: no accounts yet; create one with: cityops user add --db ${file} --name admin --role admin --password-stdin\n`);
      }
    } catch (e) {
      return die((e as Error).message, 1);
    }
    const staticDir = path.join(packageRoot(), 'dist', 'renderer');
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      process.stderr.write(`cityops: warning: no built UI at ${staticDir} (run npm run build); serving the API only\n`);
    }
    const server = await startHttpServer({
      core,
      host,
      port,
      tls,
      staticDir,
      health: () => ({ db: path.basename(file), components: core.info().components }),
      allowedHosts: (v['allowed-host'] as string[] | undefined) ?? [],
      trustProxy,
    });
    process.stdout.write(`listening on ${server.url}\n`);
    const stop = async () => {
      await server.close();
      await core.stopReplication();
      core.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
};

/** An IP address, or one with a /prefix of the right size. */
function isProxyAddress(a: string): boolean {
  const [ip, bits, extra] = a.split('/');
  const kind = isIP(ip);
  if (!kind || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
}
