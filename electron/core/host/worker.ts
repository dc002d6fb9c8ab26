// Entry of the core worker thread: keeps SQLite and every synchronous query off the host's UI thread.
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { Core } from '../core.ts';
import { seedDatabase } from '../seed/seed.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let core: Core;
/** Whether the host listens to every event (WorkerCore.subscribe). */
let allEvents = false;
/** The host's session feeds by its number: each one's removal. */
const feeds = new Map<number, () => void>();
try {
  if (init.seedIfMissing && !existsSync(init.dbPath)) {
    seedDatabase(init.dbPath, { scale: init.seedScale, onProgress: (phase, fraction) => post({ kind: 'progress', phase, fraction }) });
  }
  core = new Core({ dbPath: init.dbPath });
  core.subscribe((event) => {
    if (allEvents) post({ kind: 'event', event });
  });
  // Desktop first start: the first administrator, with a random password the host shows once.
  const firstAdmin = await core.app.auth.ensureFirstAdmin({ actor: 'first-start', via: 'ipc' });
  post({ kind: 'ready', info: core.info(), firstAdmin });
  core.startTimers();
  core.startReplicationFromSettings();
  // Index building overlaps the renderer's own start-up; the first map request simply queues behind it.
  core.warmUp();
} catch (e) {
  post({ kind: 'failed', message: (e as Error).message });
  process.exit(1);
}

/** Opens a session's feed; a token that is not a live session ends at once (it would never deliver anything). */
function openFeed(feed: number, token: string): void {
  if (!core.app.auth.resolve(token, core.app.now())) return post({ kind: 'feedEnded', feed });
  const off = core.subscribeAs(
    token,
    (event) => post({ kind: 'feedEvent', feed, event }),
    () => {
      feeds.delete(feed);
      post({ kind: 'feedEnded', feed });
    },
  );
  feeds.set(feed, off);
}

port.on('message', async (m: ToWorker) => {
  switch (m.kind) {
    case 'close':
      for (const off of feeds.values()) off();
      feeds.clear();
      await core.stopReplication();
      core.close();
      post({ kind: 'closed' });
      port.close();
      return;
    case 'events':
      allEvents = m.on;
      return;
    case 'feed':
      return openFeed(m.feed, m.token);
    case 'unfeed':
      feeds.get(m.feed)?.();
      feeds.delete(m.feed);
      return;
    case 'call': {
      // invoke (not invokeSync): group commit, sync replication and asynchronous handlers apply on the desktop too.
      const result = await core.invoke(m.method, m.input, m.ctx);
      // Large byte results move to the host without a copy.
      const transfer = result.ok && result.result instanceof Uint8Array && result.result.byteOffset === 0 ? [result.result.buffer as ArrayBuffer] : [];
      post({ kind: 'result', id: m.id, result }, transfer);
      return;
    }
  }
});
