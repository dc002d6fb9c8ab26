// A replica that dies while nothing is written is noticed: the shipper asks it how it is on a timer, so the DR
// console does not show a dead replica as healthy (issue 16: "正常, 659/659" three seconds after the replica was killed).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Core } from '../../electron/core/core.ts';
import { startReplicaServer } from '../../electron/core/replication/server.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import { smallDbCopy, testCore } from '../helpers.ts';

const TOKEN = 'replica-probe-token-0123456789';
const cores: Core[] = [];
afterAll(async () => {
  for (const c of cores) {
    await c.stopReplication();
    c.close();
  }
});

const until = async (fn: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('the shipper probes an idle replica', () => {
  it('a replica killed while nothing is written shows as unreachable, with one alert in Chinese, and as ok again when it is back', async () => {
    const c = testCore({ dbPath: smallDbCopy() });
    cores.push(c);
    const events: PushEvent[] = [];
    c.subscribe((e) => events.push(e));
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-probe-')), 'replica');
    let srv = await startReplicaServer({ dir, token: TOKEN, port: 0 });
    const port = Number(new URL(srv.url).port);
    const rep = c.startReplication({ target: srv.url, token: TOKEN, mode: 'async', probeIntervalMs: 200 });
    await until(() => rep.status().state === 'ok' && rep.status().lagChanges === 0);
    const head = c.app.changelog.head().seq;
    await srv.close();
    // No write follows: only the probe can find out.
    await until(() => rep.status().state === 'disconnected');
    expect(c.app.changelog.head().seq).toBe(head);
    const alerts = events.flatMap((e) => (e.type === 'replication.status' && e.payload.alert ? [e.payload.alert] : []));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/^异地容灾副本不可用/);
    // Probing again while it stays down raises no second alert.
    await new Promise((r) => setTimeout(r, 800));
    expect(events.filter((e) => e.type === 'replication.status' && e.payload.alert)).toHaveLength(1);
    srv = await startReplicaServer({ dir, token: TOKEN, port });
    await until(() => rep.status().state === 'ok');
    expect(rep.status().lastError).toBeNull();
    await c.stopReplication();
    await srv.close();
  });
});
