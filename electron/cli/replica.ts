// cityops replica: the off-site replica server (another host): stores snapshots and change segments, keeps a warm
// standby; every route but /health needs the token.
import { startReplicaServer } from '../core/replication/server.ts';
import { die, need, str, type Command } from './command.ts';

export const replica: Command = {
  name: 'replica',
  summary: 'run the off-site replica server (on the DR host)',
  usage: `--dir DIR --token TOKEN [--host 127.0.0.1] [--port 8732] [--max-bytes N]

  the token may also come from CITYOPS_REPLICA_TOKEN; --max-bytes caps the store (a full store refuses writes)`,
  options: { dir: { type: 'string' }, token: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'max-bytes': { type: 'string' } },
  async run(v) {
    const dir = need(this, v, 'dir');
    const token = str(v, 'token') ?? process.env.CITYOPS_REPLICA_TOKEN ?? die('replica needs --token TOKEN (or CITYOPS_REPLICA_TOKEN)');
    const port = v.port === undefined ? 8732 : Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${v.port}`);
    const maxBytes = v['max-bytes'] === undefined ? undefined : Number(v['max-bytes']);
    if (maxBytes !== undefined && !(maxBytes > 0)) die(`--max-bytes must be a positive number, got ${v['max-bytes']}`);
    let server: Awaited<ReturnType<typeof startReplicaServer>>;
    try {
      server = await startReplicaServer({ dir, token, host: str(v, 'host') ?? '127.0.0.1', port, maxBytes });
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
