// Real-process fault harness for off-site replication: a `cityops replica` process, a `cityops serve` process
// replicating to it, concurrent writers through the HTTP API, SIGKILL at random points, a TCP proxy that can cut
// and heal the link. Used by test/fault/*.test.ts (and their soak run, npm run soak:replication), test/e2e/dr.test.ts
// and scripts/bench/replication.ts.
import net from 'node:net';
import Database from 'better-sqlite3';
import { httpClient, passwordOf, spawnListening, startServe, type TestClient } from '../helpers.ts';
import type { ReplicationStatus } from '../../shared/model.ts';
import { HttpReplicaClient } from '../../electron/core/replication/client.ts';
import { restore } from '../../electron/core/replication/restore.ts';

export const TOKEN = 'fault-test-token-0123456789';

/** Starts `cityops replica`; resolves once it listens. */
export async function startReplicaProc(dir: string, port = 0, extra: string[] = []) {
  const r = await spawnListening(['replica', '--dir', dir, '--token', TOKEN, '--port', String(port), ...extra]);
  const exited = () => new Promise<void>((res) => (r.proc.exitCode !== null || r.proc.signalCode !== null ? res() : r.proc.once('exit', () => res())));
  return {
    ...r,
    kill: async () => {
      r.proc.kill('SIGKILL');
      await exited();
    },
  };
}

/** Starts `cityops serve` replicating to `target`; logs in the writer account. `api` is the typed client as the writer. */
export async function startCentre(db: string, target: string, mode: 'sync' | 'async') {
  const srv = await startServe(db, ['--replica', target, '--replica-token', TOKEN, '--replication', mode]);
  const { token } = await httpClient(srv.url).ok('auth.login', { name: 'writer', password: passwordOf('writer') });
  const api: TestClient = httpClient(srv.url, () => token);
  return { ...srv, api };
}

/** Waits until the centre reports the given replication state. */
export async function waitReplication(api: TestClient, pred: (s: ReplicationStatus) => boolean, ms = 20_000): Promise<ReplicationStatus> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await api.call('replication.status', {});
    if (r.ok && pred(r.result)) return r.result;
    if (Date.now() > end) throw new Error(`replication did not reach the expected state: ${JSON.stringify(r.ok ? r.result : r)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Concurrent writers taking in cases until stopped or the centre dies; records attempted and acknowledged ids. */
export function writeLoad(api: TestClient, tag: string, writers = 4) {
  const attempted = new Set<string>();
  const acked = new Set<string>();
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; running; i++) {
      const id = `${tag}-${w}-${i}`;
      attempted.add(id);
      try {
        const r = await api.call('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: id });
        if (r.ok) acked.add(id);
      } catch {
        return; // the centre is gone
      }
    }
  });
  return {
    attempted,
    acked,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
    done: Promise.all(loops),
  };
}

/** Restores the replica's latest state into `to` and returns the case descriptions in it. */
export async function restoredDescriptions(replicaUrl: string, to: string): Promise<{ descriptions: Set<string>; seq: number }> {
  const r = await restore({ client: new HttpReplicaClient(replicaUrl, TOKEN), to });
  const db = new Database(to, { readonly: true });
  try {
    return { descriptions: new Set((db.prepare('SELECT description FROM cases').all() as { description: string }[]).map((x) => x.description)), seq: r.seq };
  } finally {
    db.close();
  }
}

/** A TCP proxy we control: cut() drops every connection and refuses new ones until heal(). */
export async function tcpProxy(targetUrl: string): Promise<{ url: string; cut(): void; heal(): void; close(): Promise<void> }> {
  const t = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let isCut = false;
  const server = net.createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = net.connect(Number(t.port), t.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      isCut = true;
      for (const s of sockets) s.destroy();
    },
    heal: () => {
      isCut = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** One kill point: the centre runs under write load in sync mode and is killed after `killAfterMs`; the replica's
 * latest state must hold every acknowledged write and nothing that was never attempted. */
export async function killPoint(db: string, replicaUrl: string, tag: string, killAfterMs: number, attemptedEver: Set<string>) {
  const c = await startCentre(db, replicaUrl, 'sync');
  await waitReplication(c.api, (s) => s.state === 'ok');
  const load = writeLoad(c.api, tag);
  await new Promise((r) => setTimeout(r, killAfterMs));
  c.proc.kill('SIGKILL');
  await new Promise((r) => c.proc.once('exit', r));
  await load.stop();
  for (const id of load.attempted) attemptedEver.add(id);
  return { acked: load.acked, attempted: load.attempted };
}
