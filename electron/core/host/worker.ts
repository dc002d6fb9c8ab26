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
try {
  if (init.seedIfMissing && !existsSync(init.dbPath)) {
    seedDatabase(init.dbPath, { scale: init.seedScale, onProgress: (phase, fraction) => post({ kind: 'progress', phase, fraction }) });
  }
  core = new Core({ dbPath: init.dbPath });
  core.subscribe((event) => post({ kind: 'event', event }));
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

port.on('message', async (m: ToWorker) => {
  if (m.kind === 'close') {
    await core.stopReplication();
    core.close();
    post({ kind: 'closed' });
    port.close();
    return;
  }
  // invoke (not invokeSync): group commit, sync replication and asynchronous handlers apply on the desktop too.
  const result = await core.invoke(m.method, m.input, m.ctx);
  // Large byte results move to the host without a copy.
  const transfer = result.ok && result.result instanceof Uint8Array && result.result.byteOffset === 0 ? [result.result.buffer as ArrayBuffer] : [];
  post({ kind: 'result', id: m.id, result }, transfer);
});
