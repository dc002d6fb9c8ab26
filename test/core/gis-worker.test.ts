// Imports are read and checked in a worker thread: the core keeps answering while a large file is checked, and a file
// that needs too much memory or time stops its worker with a clear error and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '../../electron/core/core.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { importInWorker } from '../../electron/core/gis/importInWorker.ts';
import type { ApiError } from '../../shared/errors.ts';
import { coreClient, fingerprint, smallDbCopy, testCore } from '../helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-gis-worker-'));
const ROWS = 50_000;

let db: string;
let core: Core;
/** A CSV of ROWS new bins (class 0305), each a few centimetres from an existing component, so inside a cell. */
let bins: string;
/** A CSV of existing components with their codes and a new note (an import of updates). */
let notes: string;

beforeAll(() => {
  db = smallDbCopy();
  core = testCore({ dbPath: db });
  const points = [...core.app.edits.allCurrent().values()].filter((c) => !c.rec.geometry && !c.rec.retiredAt);
  const lines = ['ClassCode,lon,lat'];
  for (let i = 0; i < ROWS; i++) {
    const p = points[i % points.length].rec;
    lines.push(`0305,${(p.lon + ((i % 7) + 1) * 1e-7).toFixed(8)},${(p.lat + ((i % 5) + 1) * 1e-7).toFixed(8)}`);
  }
  bins = path.join(dir, 'bins.csv');
  writeFileSync(bins, lines.join('\n') + '\n');
  notes = path.join(dir, 'notes.csv');
  writeFileSync(notes, ['ObjID,Note,lon,lat', ...points.slice(0, 20).map((c) => `${c.rec.code},复查 2026,${c.rec.lon},${c.rec.lat}`)].join('\n') + '\n');
});
afterAll(() => core.close());

/** The ApiError an import in the worker ends with. */
async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('the import was not refused');
}

describe('import in a worker thread', () => {
  it(`keeps the core answering while ${ROWS} rows are read and checked, then writes them as one commit`, async () => {
    const api = coreClient(core, { actor: 't', via: 'test', user: SYSTEM_USER });
    const data = readFileSync(bins).toString('base64');
    const { uploadId } = await api.ok('import.upload', { name: 'bins.csv', offset: 0, data });
    const seen: string[] = [];
    let ticks = 0;
    let ticksWhileChecking = -1;
    const timer = setInterval(() => ticks++, 1);
    const off = core.subscribe((e) => {
      if (e.type !== 'import.progress' || e.payload.uploadId !== uploadId) return;
      if (e.payload.phase === 'checking' && e.payload.done === 0) {
        seen.push('checking');
        ticks = 0;
        // Another workstation's call, sent while the file is being checked.
        void api.ok('app.info', {}).then(() => seen.push('app.info answered'));
      }
      if (e.payload.phase === 'writing') {
        ticksWhileChecking = ticks;
        seen.push('writing');
      }
    });
    try {
      const report = await api.ok('import.apply', { uploadId, layer: 'components', message: '批量新增垃圾箱' });
      expect(report.counts).toMatchObject({ add: ROWS, error: 0 });
      expect(report.commitId).toEqual(expect.any(Number));
    } finally {
      clearInterval(timer);
      off();
    }
    expect(seen).toEqual(['checking', 'app.info answered', 'writing']);
    // Timers ran while the rows were checked: the event loop was free, not held for the whole import.
    expect(ticksWhileChecking).toBeGreaterThan(0);
  });

  it('stops a worker that needs more memory than its limit: a clear error, nothing written', async () => {
    const limits = { memoryMb: 32 };
    const before = fingerprint(db);
    // A small file fits in the limit; the large one does not.
    const small = await importInWorker(core.app, notes, 'notes.csv', { layer: 'components', actor: 't', dryRun: true, limits });
    expect(small.counts).toMatchObject({ update: 20, error: 0 });
    const e = await refusal(importInWorker(core.app, bins, 'bins.csv', { layer: 'components', actor: 't', limits }));
    expect(e).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/needed more memory than the limit of 32 MB and was stopped; nothing was written/),
    });
    expect(fingerprint(db)).toBe(before);
  });

  it('stops a worker that takes longer than its time limit: a clear error, nothing written', async () => {
    const before = fingerprint(db);
    const e = await refusal(importInWorker(core.app, bins, 'bins.csv', { layer: 'components', actor: 't', limits: { timeoutMs: 20 } }));
    expect(e).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/took longer than 20 ms \(the limit\) and was stopped; nothing was written/) });
    expect(fingerprint(db)).toBe(before);
    // The core is still whole: the same file within its limits is checked.
    const dry = await importInWorker(core.app, notes, 'notes.csv', { layer: 'components', actor: 't', dryRun: true });
    expect(dry.counts).toMatchObject({ update: 20, error: 0 });
  });

  it('refuses to write rows that another commit changed while the file was being checked', async () => {
    const code = readFileSync(notes, 'utf8').split('\n')[1].split(',')[0];
    let edited = false;
    const p = importInWorker(core.app, notes, 'notes.csv', {
      layer: 'components',
      actor: 't',
      // The worker has its snapshot once it reports progress: an editor commits a change of one of the file's rows.
      onProgress: (phase) => {
        if (phase !== 'checking' || edited) return;
        edited = true;
        const cur = core.app.edits.current(code)!;
        core.app.edits.commit({ message: '并发编辑', changes: [{ op: 'update', code, baseVersion: cur.version, fields: { note: '另一位编辑' } }] }, 'other');
      },
    });
    const e = await refusal(p);
    const after = fingerprint(db);
    expect(edited).toBe(true);
    expect(e).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(new RegExp(`changed by another commit \\(${code}\\).*import it again`)) });
    expect(core.app.edits.current(code)!.rec.note).toBe('另一位编辑');
    expect(fingerprint(db)).toBe(after);
  });
});
