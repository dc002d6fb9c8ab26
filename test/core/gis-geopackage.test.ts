// GeoPackages that would run their own SQL on the server: a view (a read runs its query), a trigger of its own, a
// computed column, a feature table that gpkg_contents does not list. Each is refused at once, before any of its
// SQL runs, with the database unchanged; a GeoPackage written by GDAL (R*Tree and feature-count triggers) still reads.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Core } from '../../electron/core/core.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import { writeGisFile } from '../../electron/core/gis/write.ts';
import { ApiError } from '../../shared/errors.ts';
import { fingerprint, smallDbCopy } from '../helpers.ts';

const hasGdal = spawnSync('ogr2ogr', ['--version']).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-gis-gpkg-'));
let db: string;
let core: Core;
beforeAll(() => {
  db = smallDbCopy();
  core = new Core({ dbPath: db });
  return () => core.close();
});

/** A small valid GeoPackage with one component (layer `pts`), then `sql` run on it. */
function gpkg(name: string, sql = ''): string {
  const file = path.join(dir, name);
  writeGisFile(file, 'gpkg', {
    name: 'pts',
    crs: 'EPSG:4490',
    columns: ['ClassCode'],
    features: [{ geometry: { type: 'Point', coordinates: [119.9201, 32.4601] }, values: ['0118'] }],
  });
  const d = new Database(file);
  d.pragma('foreign_keys = OFF');
  d.exec(sql);
  d.close();
  return file;
}

/** The refusal of a real import, with the database unchanged and the time it took. */
function refused(file: string): { error: ApiError; ms: number } {
  const before = fingerprint(db);
  const t = performance.now();
  try {
    runImport(core.app, file, path.basename(file), { layer: 'components', actor: 'test' });
  } catch (e) {
    const ms = performance.now() - t;
    expect(fingerprint(db)).toBe(before);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('BAD_INPUT');
    return { error: e as ApiError, ms };
  }
  throw new Error(`import of ${file} was not refused`);
}

// Counting to 10^9 in SQLite takes minutes: a reader that ran it would hold the event loop that long.
const SLOW = 'WITH RECURSIVE c(x) AS (VALUES (1) UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)';

describe('a GeoPackage runs none of its own SQL', () => {
  it('reads the plain GeoPackage the other cases start from', () => {
    expect(runImport(core.app, gpkg('plain.gpkg'), 'plain.gpkg', { layer: 'components', actor: 'test', dryRun: true }).counts).toMatchObject({
      add: 1,
      error: 0,
    });
  });

  it('refuses, at once, a GeoPackage whose feature table is a view over a recursive query, changing nothing', () => {
    const file = gpkg(
      'view.gpkg',
      `ALTER TABLE pts RENAME TO pts_data;
       CREATE VIEW pts AS ${SLOW} SELECT x AS fid, NULL AS geom, '0118' AS ClassCode FROM c WHERE x = 1000000000;`,
    );
    const { error, ms } = refused(file);
    expect(error.message).toMatch(/view\.gpkg contains a view \(pts\)/);
    expect(error.details).toMatchObject({ field: 'file' });
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a view anywhere in the file, even one no GeoPackage table names', () => {
    expect(refused(gpkg('side-view.gpkg', `CREATE VIEW busy AS ${SLOW} SELECT count(*) FROM c;`)).error.message).toMatch(/contains a view \(busy\)/);
  });

  it('refuses a trigger of its own (the standard GeoPackage and GDAL triggers aside)', () => {
    const file = gpkg('trigger.gpkg', `CREATE TRIGGER pts_audit AFTER INSERT ON pts BEGIN SELECT 1; END;`);
    expect(refused(file).error.message).toMatch(/trigger\.gpkg contains a trigger \(pts_audit\)/);
  });

  it('refuses a feature table with a computed column, even as its geometry column', () => {
    const file = gpkg(
      'generated.gpkg',
      `ALTER TABLE pts RENAME TO pts_old;
       CREATE TABLE pts (fid INTEGER PRIMARY KEY, ClassCode TEXT, geom BLOB GENERATED ALWAYS AS (zeroblob(1000)) VIRTUAL);
       INSERT INTO pts (fid, ClassCode) SELECT fid, ClassCode FROM pts_old;`,
    );
    expect(refused(file).error.message).toMatch(/the feature table pts has a computed column \(geom\)/);
  });

  it('refuses a feature table that gpkg_contents does not list as features', () => {
    expect(refused(gpkg('unlisted.gpkg', `DELETE FROM gpkg_contents WHERE table_name = 'pts';`)).error.message).toMatch(
      /unlisted\.gpkg: the feature table pts is not listed in gpkg_contents/,
    );
  });

  it.skipIf(!hasGdal)('still reads a GeoPackage written by GDAL, whose R*Tree and feature-count triggers are standard', () => {
    const src = path.join(dir, 'gdal.geojson');
    writeFileSync(
      src,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { ClassCode: '0118' }, geometry: { type: 'Point', coordinates: [119.9201, 32.4601] } }],
      }),
    );
    const file = path.join(dir, 'gdal.gpkg');
    expect(spawnSync('ogr2ogr', ['-f', 'GPKG', '-a_srs', 'EPSG:4490', file, src]).status).toBe(0);
    const d = new Database(file, { readonly: true });
    const triggers = d.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'").get() as { n: number };
    d.close();
    expect(triggers.n).toBeGreaterThan(0);
    expect(runImport(core.app, file, 'gdal.gpkg', { layer: 'components', actor: 'test', dryRun: true }).counts).toMatchObject({ add: 1, error: 0 });
  });
});
