// Zipped Shapefiles whose headers or zip directory lie: every declared size is checked against the bytes before
// anything is parsed or inflated, so a small hostile upload is refused at once with a message naming the problem and
// the database unchanged. The zips are written byte by byte here (not by our writer) so the lies are exact.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constants as zc, crc32, deflateRawSync } from 'node:zlib';
import { parseDbf } from 'shpjs';
import { Core } from '../../electron/core/core.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import { ApiError } from '../../shared/errors.ts';
import { fingerprint, smallDbCopy } from '../helpers.ts';

// The real parser, watched: a .dbf whose sizes do not fit must never reach it.
vi.mock('shpjs', async (importOriginal) => {
  const m = await importOriginal<typeof import('shpjs')>();
  return { ...m, parseDbf: vi.fn(m.parseDbf) };
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-gis-shp-'));
let db: string;
let core: Core;
beforeAll(() => {
  db = smallDbCopy();
  core = new Core({ dbPath: db });
  return () => core.close();
});

/** A .shp of points (no .prj beside it: EPSG:4490). */
function shp(points: [number, number][], declaredBytes?: number): Buffer {
  const b = Buffer.alloc(100 + 28 * points.length);
  b.writeInt32BE(9994, 0);
  b.writeInt32BE((declaredBytes ?? b.length) / 2, 24);
  b.writeInt32LE(1000, 28);
  b.writeInt32LE(1, 32);
  points.forEach(([x, y], i) => {
    const o = 100 + 28 * i;
    b.writeInt32BE(i + 1, o);
    b.writeInt32BE(10, o + 4);
    b.writeInt32LE(1, o + 8);
    b.writeDoubleLE(x, o + 12);
    b.writeDoubleLE(y, o + 20);
  });
  return b;
}

/** A dBASE III table of character fields; `declare` overrides what the header says. */
function dbf(fields: [string, number][], rows: string[][], declare: { records?: number; headerLen?: number; recLen?: number } = {}): Buffer {
  const headerLen = 32 + 32 * fields.length + 1;
  const recLen = 1 + fields.reduce((s, [, w]) => s + w, 0);
  const b = Buffer.alloc(headerLen + recLen * rows.length + 1, 0x20);
  b.fill(0, 0, headerLen);
  b[0] = 0x03;
  b.writeUInt32LE(declare.records ?? rows.length, 4);
  b.writeUInt16LE(declare.headerLen ?? headerLen, 8);
  b.writeUInt16LE(declare.recLen ?? recLen, 10);
  fields.forEach(([name, w], i) => {
    b.write(name, 32 + 32 * i, 'latin1');
    b[32 + 32 * i + 11] = 0x43;
    b[32 + 32 * i + 16] = w;
  });
  b[headerLen - 1] = 0x0d;
  rows.forEach((r, k) => r.forEach((v, i) => b.write(v, headerLen + recLen * k + 1 + fields.slice(0, i).reduce((s, [, w]) => s + w, 0), 'latin1')));
  b[b.length - 1] = 0x1a;
  return b;
}

/** One zip entry: its bytes as stored (raw deflate or plain) and what the directory declares. */
interface Entry {
  name: string;
  data: Uint8Array;
  deflated: boolean;
  size: number;
  crc: number;
}
const stored = (name: string, content: Uint8Array): Entry => ({ name, data: content, deflated: false, size: content.length, crc: crc32(content) });
const deflated = (name: string, content: Uint8Array): Entry => ({
  name,
  data: deflateRawSync(content),
  deflated: true,
  size: content.length,
  crc: crc32(content),
});

/** A zip file: local headers and data, the central directory, its end record. */
function zip(entries: Entry[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x800, 6);
    h.writeUInt16LE(e.deflated ? 8 : 0, 8);
    h.writeUInt32LE(e.crc >>> 0, 14);
    h.writeUInt32LE(e.data.length, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(e.deflated ? 8 : 0, 10);
    c.writeUInt32LE(e.crc >>> 0, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    local.push(h, name, Buffer.from(e.data));
    central.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

/** Raw deflate of `mb` MiB of zeros, made of one compressed MiB repeated (each piece ends on a byte boundary). */
function zerosDeflated(mb: number): { data: Buffer; crc: number } {
  const zeros = new Uint8Array(1 << 20);
  const piece = deflateRawSync(zeros, { finishFlush: zc.Z_SYNC_FLUSH, level: 9 });
  let crc = 0;
  for (let i = 0; i < mb; i++) crc = crc32(zeros, crc);
  return { data: Buffer.concat([...Array<Buffer>(mb).fill(piece), deflateRawSync(new Uint8Array(0))]), crc };
}

const POINT: [number, number] = [119.9201, 32.4601];
const goodShp = shp([POINT]);
const goodDbf = dbf([['ClassCode', 4]], [['0118']]);

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}
/** The refusal of an import (a real one, not a dry run), with the database unchanged and the time it took. */
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

describe('.dbf and .shp headers are checked against the bytes before parsing', () => {
  it('imports a well-formed zip of hand-written parts (the builders here are sound)', () => {
    const file = write('good.zip', zip([deflated('a.shp', goodShp), deflated('a.dbf', goodDbf), stored('a.shx', Buffer.alloc(108))]));
    expect(runImport(core.app, file, 'good.zip', { layer: 'components', actor: 'test', dryRun: true }).counts).toMatchObject({ add: 1, error: 0 });
  });

  it('refuses a .dbf that declares more records than the file holds, before parsing it, changing nothing', () => {
    vi.mocked(parseDbf).mockClear();
    const lying = dbf([['ClassCode', 4]], [['0118']], { records: 200_000 });
    const { error } = refused(write('more-records.zip', zip([stored('a.shp', goodShp), stored('a.dbf', lying)])));
    expect(error.message).toMatch(/a\.dbf declares 200000 records of 5 bytes .* but holds \d+ bytes/);
    expect(error.details).toMatchObject({ field: 'file' });
    expect(parseDbf).not.toHaveBeenCalled();
  });

  it('refuses a .dbf with no fields whatever its record count (200,000 declared), before parsing it', () => {
    vi.mocked(parseDbf).mockClear();
    const noFields = dbf([], [], { records: 200_000, recLen: 1 });
    const { error } = refused(write('no-fields.zip', zip([stored('a.shp', goodShp), stored('a.dbf', noFields)])));
    expect(error.message).toMatch(/a\.dbf has no fields/);
    expect(parseDbf).not.toHaveBeenCalled();
  });

  it('refuses the few-hundred-byte zip whose .dbf declares 0xFFFFFFFF records and no fields, at once', () => {
    const bytes = zip([stored('a.shp', goodShp), stored('a.dbf', dbf([], [], { records: 0xffffffff, recLen: 1 }))]);
    expect(bytes.length).toBeLessThan(600);
    const { error, ms } = refused(write('kill.zip', bytes));
    expect(error.message).toMatch(/a\.dbf has no fields/);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses absurd .dbf header and record lengths', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['header-65535', dbf([['ClassCode', 4]], [['0118']], { headerLen: 65535 }), /header of 65535 bytes/],
      ['header-10', dbf([['ClassCode', 4]], [['0118']], { headerLen: 10 }), /header of 10 bytes/],
      ['reclen-0', dbf([['ClassCode', 4]], [['0118']], { recLen: 0 }), /records of 0 bytes.*fields take 5/],
      ['reclen-wrong', dbf([['ClassCode', 4]], [['0118']], { recLen: 3 }), /records of 3 bytes.*fields take 5/],
      ['header-padded', dbf([['ClassCode', 4]], Array<string[]>(10).fill(['0118']), { headerLen: 97 }), /header of 97 bytes.*1 field/],
    ];
    for (const [name, d, msg] of cases)
      expect({ name, message: refused(write(`${name}.zip`, zip([stored('a.shp', goodShp), stored('a.dbf', d)]))).error.message }).toMatchObject({
        name,
        message: expect.stringMatching(msg),
      });
  });

  it('refuses a .shp whose header length does not match the file, either way', () => {
    const longer = shp([POINT], 100 + 28 + 56);
    expect(refused(write('shp-long.zip', zip([stored('a.shp', longer), stored('a.dbf', goodDbf)]))).error.message).toMatch(
      /a\.shp declares 184 bytes but is 128/,
    );
    const shorter = shp([POINT, POINT], 128);
    const twoRows = dbf([['ClassCode', 4]], [['0118'], ['0118']]);
    expect(refused(write('shp-short.zip', zip([stored('a.shp', shorter), stored('a.dbf', twoRows)]))).error.message).toMatch(
      /a\.shp declares 128 bytes but is 156/,
    );
  });

  it('refuses a .shp and .dbf that disagree on the number of records, before parsing either', () => {
    vi.mocked(parseDbf).mockClear();
    const twoRows = dbf([['ClassCode', 4]], [['0118'], ['0118']]);
    expect(refused(write('count.zip', zip([stored('a.shp', goodShp), stored('a.dbf', twoRows)]))).error.message).toMatch(
      /a\.shp holds 1 record.* a\.dbf declares 2/,
    );
    expect(parseDbf).not.toHaveBeenCalled();
  });
});

describe('zip bombs are refused from the central directory, and no entry inflates past what it declares', () => {
  it('refuses a 300 MB zip bomb (over the 256 MB cap) from its central directory, before inflating anything', () => {
    const zeros = zerosDeflated(300);
    const bomb = zip([deflated('a.shp', goodShp), { name: 'a.dbf', data: zeros.data, deflated: true, size: 300 * 2 ** 20, crc: zeros.crc }]);
    expect(bomb.length).toBeLessThan(400_000);
    const heap = process.memoryUsage().arrayBuffers;
    const { error, ms } = refused(write('bomb.zip', bomb));
    expect(error.message).toMatch(/300 MB uncompressed.*256 MB/);
    expect(ms).toBeLessThan(1000);
    // Nothing near 300 MB was allocated (inflating it would hold it until collected).
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(50 * 2 ** 20);
  });

  it('refuses an entry that inflates to more than its declared size, stopping at the declared size', () => {
    const zeros = zerosDeflated(64);
    const liar: Entry = { name: 'a.dbf', data: zeros.data, deflated: true, size: goodDbf.length, crc: crc32(goodDbf) };
    const { error } = refused(write('liar.zip', zip([deflated('a.shp', goodShp), liar])));
    expect(error.message).toMatch(/a\.dbf inflates to more than the 71 bytes it declares/);
  });

  it('refuses a zip holding files that are not parts of a shapefile', () => {
    const extra = zip([deflated('a.shp', goodShp), deflated('a.dbf', goodDbf), deflated('payload.bin', Buffer.alloc(1000))]);
    expect(refused(write('extra.zip', extra)).error.message).toMatch(/payload\.bin is not part of a shapefile/);
  });

  it('inflates only the parts the reader uses: a damaged .shx or spatial index beside them does not matter', () => {
    const junk: Entry = { name: 'a.shx', data: Buffer.from([0xff, 0xff, 0xff, 0xff]), deflated: true, size: 108, crc: 0 };
    const file = write(
      'unused.zip',
      zip([deflated('a.shp', goodShp), deflated('a.dbf', goodDbf), junk, { ...junk, name: 'a.sbn' }, stored('__MACOSX/._a.shp', Buffer.alloc(4))]),
    );
    expect(runImport(core.app, file, 'unused.zip', { layer: 'components', actor: 'test', dryRun: true }).counts).toMatchObject({ add: 1, error: 0 });
  });

  it('refuses a zip whose central directory lies outside the file, or whose stored entry is shorter than it declares', () => {
    const good = zip([stored('a.shp', goodShp), stored('a.dbf', goodDbf)]);
    const cut = Buffer.from(good);
    cut.writeUInt32LE(0x7fffffff, good.length - 22 + 16); // central directory offset
    expect(refused(write('cd-outside.zip', cut)).error.message).toMatch(/central directory/);
    const entries = [stored('a.shp', goodShp), { ...stored('a.dbf', goodDbf), data: goodDbf.subarray(0, 10) }];
    expect(refused(write('short-entry.zip', zip(entries))).error.message).toMatch(/a\.dbf is stored as 10 bytes but declares 71/);
  });
});
