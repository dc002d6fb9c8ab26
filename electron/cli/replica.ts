// cityops replica: the off-site replica server (another host): stores snapshots and change segments, keeps a warm
// standby; every route but /health needs the token. Also the token options that replica, restore and verify share.
import { readTokenFile } from '../core/replication/token.ts';
import { startReplicaServer } from '../core/replication/server.ts';
import { die, need, str, type Command, type Values } from './command.ts';
import { serverTls, TLS_SERVER_HELP, TLS_SERVER_OPTIONS, warnPlainHttp } from './tls.ts';

/** The token options of replica, restore and verify. */
export const TOKEN_OPTIONS = { token: { type: 'string' }, 'token-file': { type: 'string' } } as const;

/** What the usage of each says about the token. */
export const TOKEN_HELP = `the token comes from --token-file FILE (its first line; the file must not be readable by group or others:
  chmod 600 FILE) or from CITYOPS_REPLICA_TOKEN; --token TOKEN still works but is visible to other users of the machine
  (ps, /proc) and prints a warning`;

/** The replica token from --token-file, --token (with a warning: other users can read it in the process list) or
 * CITYOPS_REPLICA_TOKEN; undefined when none is given. */
export function replicaToken(v: Values, opt = 'token'): string | undefined {
  const file = str(v, `${opt}-file`);
  const arg = str(v, opt);
  if (file !== undefined && arg !== undefined) die(`give --${opt}-file or --${opt}, not both`);
  if (file !== undefined) {
    try {
      return readTokenFile(file);
    } catch (e) {
      return die((e as Error).message, 1);
    }
  }
  if (arg !== undefined) {
    process.stderr.write(
      `cityops: warning: --${opt} is visible to other users of this machine (ps, /proc/PID/cmdline); use --${opt}-file FILE or CITYOPS_REPLICA_TOKEN\n`,
    );
    return arg;
  }
  return process.env.CITYOPS_REPLICA_TOKEN || undefined;
}

export const replica: Command = {
  name: 'replica',
  summary: 'run the off-site replica server (on the DR host)',
  usage: `--dir DIR (--token-file FILE | --token TOKEN) [--host 127.0.0.1] [--port 8732] [--tls-cert FILE --tls-key FILE] [--max-bytes N]

  ${TOKEN_HELP}
  ${TLS_SERVER_HELP}.
                  Signed by a private CA, the replica is trusted with serve --replica-ca and restore/verify --tls-ca
  --max-bytes caps the store (a full store refuses writes; an upload that would not fit is refused with 413 as it streams)`,
  options: {
    dir: { type: 'string' },
    ...TOKEN_OPTIONS,
    host: { type: 'string' },
    port: { type: 'string' },
    'max-bytes': { type: 'string' },
    ...TLS_SERVER_OPTIONS,
  },
  async run(v) {
    const dir = need(this, v, 'dir');
    const token = replicaToken(v) ?? die('replica needs --token-file FILE (or CITYOPS_REPLICA_TOKEN, or --token TOKEN)');
    const port = v.port === undefined ? 8732 : Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${v.port}`);
    const maxBytes = v['max-bytes'] === undefined ? undefined : Number(v['max-bytes']);
    if (maxBytes !== undefined && !(maxBytes > 0)) die(`--max-bytes must be a positive number, got ${v['max-bytes']}`);
    const tls = serverTls(v);
    const host = str(v, 'host') ?? '127.0.0.1';
    if (!tls) warnPlainHttp(host, 'the replica');
    let server: Awaited<ReturnType<typeof startReplicaServer>>;
    try {
      server = await startReplicaServer({ dir, token, host, port, maxBytes, tls });
    } catch (e) {
      return die((e as Error).message, 1);
    }
    process.stdout.write(`listening on ${server.url}\n`);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
};
