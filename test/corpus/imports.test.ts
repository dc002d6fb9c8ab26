// Malformed-input corpus, imports: bad files of every format the importer reads, uploaded through the contract as a
// GIS editor and then previewed and applied (strict and not). A file that cannot be read whole is refused with a clear
// BAD_INPUT; one that reads but has no good row imports nothing. Either way nothing is committed, the database
// fingerprint is the same, and the server answers /health throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ApiResult } from '../../shared/errors.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import type { ImportReport } from '../../shared/gis.ts';
import type { User } from '../../shared/model.ts';
import { expectClearError, expectHealthy, guardGroup, openCentre, Tally, type Centre } from './harness.ts';
import { badCsv, badGeoJson, badGeoPackages, badNames, badShapefiles, type BadFile } from './files.ts';

let c: Centre & { gisToken: string };
const tally = new Tally();
let files: BadFile[] = [];
let gis: User;
// Calls as the editor's user, not through the token: a group longer than a minute would otherwise see the session's
// sliding expiry written (a change of the fingerprint that has nothing to do with the files).
const as = (method: string, input: unknown) => c.core.invoke(method, input, { actor: 'gis', via: 'ipc', user: gis });
const bytesOf = (r: ApiResult<unknown>) => {
  if (!r.ok) throw new Error(r.error.message);
  return r.result as Uint8Array;
};

beforeAll(async () => {
  c = await openCentre();
  const me = await c.core.invoke('auth.me', {}, { actor: 'gis', via: 'ipc', token: c.gisToken });
  if (!me.ok) throw new Error(me.error.message);
  gis = me.result as User;
  const shp = bytesOf(await as('export.file', { layer: 'components', format: 'shp', classCode: '0108' }));
  const gpkg = bytesOf(await as('export.file', { layer: 'components', format: 'gpkg', classCode: '0108' }));
  const geojson = bytesOf(await as('export.file', { layer: 'components', format: 'geojson', classCode: '0108' }));
  files = [...badGeoJson(), ...badCsv(), ...badShapefiles(shp), ...badGeoPackages(gpkg), ...badNames(geojson)];
});
afterAll(async () => {
  tally.print('imports');
  await c?.close();
});

/** Uploads a file in one chunk; a refusal of the upload itself (a name it will not take) is returned as it is. */
async function upload(f: BadFile): Promise<ApiResult<{ uploadId: string }>> {
  return (await as('import.upload', { name: f.name, offset: 0, data: Buffer.from(f.bytes).toString('base64') })) as ApiResult<{ uploadId: string }>;
}

/** An import call's answer: a clear refusal, or a report that imports nothing. */
function expectNothingImported(r: ApiResult<unknown>, label: string): void {
  if (!r.ok) return expectClearError(r.error, label);
  const report = r.result as ImportReport;
  expect(report.commitId ?? null, `${label}: ${JSON.stringify(report.counts)}`).toBeNull();
  expect(report.counts.add + report.counts.update, `${label}: ${JSON.stringify(report.counts)}`).toBe(0);
}

/** Imports in-process (the reader and checker the import worker runs), as the GIS editor: the result or the refusal. */
function importHere(f: BadFile, file: string, layer: 'components' | 'grid', strict: boolean): ApiResult<unknown> {
  try {
    return { ok: true, result: runImport(c.core.app, file, f.name, { layer, strict, actor: 'gis', message: 'corpus' }) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toData() };
    throw e;
  }
}

/** One file per format goes the whole way through the contract (upload, preview and apply in the import worker). */
const THROUGH_WORKER = new Set([
  'GeoJSON: truncated',
  'CSV: a row outside the city',
  'Shapefile: a .dbf declaring 4 billion records',
  'Shapefile: 300 MB of zeros deflated',
  'GeoPackage: a recursive view',
]);

describe('bad import files of every format', () => {
  guardGroup(() => c);
  it('are refused clearly or import nothing, strict or not, on either layer', async () => {
    expect(files.length).toBeGreaterThan(50);
    // Every file is tried; the failures are listed together.
    const failures: string[] = [];
    for (const f of files) {
      const seq = c.core.app.changelog.head().seq;
      try {
        const up = await upload(f);
        if (!up.ok) {
          expectClearError(up.error, `${f.label}: upload`);
        } else {
          const { file } = c.core.app.uploads.get(up.result.uploadId);
          // The components layer strict and not; the grid layer (the other row checker) once.
          expectNothingImported(importHere(f, file, 'components', true), `${f.label}: import components strict`);
          expectNothingImported(importHere(f, file, 'components', false), `${f.label}: import components`);
          expectNothingImported(importHere(f, file, 'grid', false), `${f.label}: import grid`);
          if (THROUGH_WORKER.has(f.label)) {
            const { uploadId } = up.result;
            expectNothingImported(await as('import.preview', { uploadId, layer: 'components' }), `${f.label}: preview`);
            expectNothingImported(await as('import.apply', { uploadId, layer: 'components', message: 'corpus' }), `${f.label}: apply`);
            await expectHealthy(c.server.url);
          }
        }
      } catch (e) {
        failures.push(`${f.label}: ${(e as Error).message.slice(0, 300)}`);
      }
      expect(c.core.app.changelog.head().seq, `${f.label}: something was committed`).toBe(seq);
      tally.add(f.label.split(':')[0]);
    }
    expect(failures).toEqual([]);
    expect(THROUGH_WORKER.size).toBe(5);
    await expectHealthy(c.server.url);
  });
});
