// The GIS slice of the contract: chunked upload, import preview and apply (progress pushed while it works), export.
// Imports are read and checked in a worker thread (importInWorker.ts): the core keeps answering meanwhile.
import type { gisContract } from '../../../shared/contract/gis.ts';
import type { ImportPhase } from '../../../shared/gis.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';
import { publishCommit } from '../editing/publish.ts';
import { exportBytes } from './exporter.ts';
import { importInWorker } from './importInWorker.ts';

/** Handlers of import.* and export.* */
export function gisHandlers(app: App): HandlersOf<typeof gisContract> {
  /** Progress goes out at once: inside a group commit the bus would hold it until the end. */
  const progress = (uploadId: string) => (phase: ImportPhase, done: number, total: number) =>
    app.bus.emitNow({ type: 'import.progress', payload: { uploadId, phase, done, total } });
  return {
    'import.upload': (i) => app.uploads.append(i.uploadId, i.name, i.offset, i.data, app.now()),
    'import.preview': (i, ctx) => {
      const u = app.uploads.get(i.uploadId);
      return importInWorker(app, u.file, u.name, { ...i, dryRun: true, actor: ctx.actor, onProgress: progress(i.uploadId) });
    },
    'import.apply': (i, ctx) => {
      const u = app.uploads.get(i.uploadId);
      return importInWorker(app, u.file, u.name, {
        ...i,
        actor: ctx.actor,
        onProgress: progress(i.uploadId),
        onCommit: (r) => void publishCommit(app, r),
      });
    },
    'export.file': (i) => exportBytes(app, { ...i, asOf: i.asOf ? Date.parse(i.asOf) : undefined }),
  };
}
