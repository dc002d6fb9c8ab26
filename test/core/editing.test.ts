// Online component editing through the core's invoke (the path every transport takes): commits of edit sessions,
// validation, two editors in conflict, history, as-of views, revert, grid split and merge, and live push.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Core } from '../../electron/core/core.ts';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, type TestClient, type TestUser, testCore } from '../helpers.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import { decodePacked } from '../../shared/packed.ts';
import type { CommitResult, ComponentChange, EditConflict, EditProblem } from '../../shared/editing.ts';
import type { ApiErrorData } from '../../shared/errors.ts';

const T0 = Date.parse('2026-11-24T09:00:00+08:00');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d9b2a10000000049454e44ae426082',
  'hex',
).toString('base64');
let now = T0;
let file: string;
let core: Core;
const tokens: Record<string, string> = {};
const events: PushEvent[] = [];
/** The typed client as an account (its current session). */
const as = (name: string): TestClient => coreClient(core, () => ({ actor: name, via: 'test', token: tokens[name] }));
const commit = (name: string, message: string, changes: ComponentChange[]): Promise<CommitResult> => as(name).ok('components.commit', { message, changes });
/** The problems a refused commit names. */
const problemsOf = (e: ApiErrorData) => (e.details?.problems ?? []) as EditProblem[];
/** The conflicts a refused commit or revert names. */
const conflictsOf = (e: ApiErrorData) => (e.details?.conflicts ?? []) as EditConflict[];

const USERS: TestUser[] = [
  { name: 'gis1', role: 'gis_editor' },
  { name: 'gis2', role: 'gis_editor' },
  { name: 'disp', role: 'dispatcher' },
];
let admin = '';
let sample: { code: string; version: number; lon: number; lat: number; gridCode: string; classCode: string };

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file, clock: () => now });
  core.subscribe((e) => events.push(e));
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
  admin = core.app.adminCode;
  const c =
    (await as('gis1').ok('components.inExtent', { bbox: [119.915, 32.455, 119.925, 32.465], limit: 50 })).find((x) => x.classCode === '0101') ??
    (await as('gis1').ok('components.inExtent', { bbox: [119.915, 32.455, 119.925, 32.465], limit: 1 }))[0];
  sample = { code: c.code, version: c.version, lon: c.lon, lat: c.lat, gridCode: c.gridCode, classCode: c.classCode };
});
afterAll(() => core?.close());

/** A point in another cell than `code`'s, a little way off. */
async function pointInOtherCell(lon: number, lat: number, cell: string): Promise<[number, number]> {
  for (let d = 0.0005; d < 0.01; d += 0.0005) {
    const c = await as('gis1').ok('grid.locate', { lon: lon + d, lat });
    if (c.code !== cell) return [lon + d, lat];
  }
  throw new Error('no other cell nearby');
}

describe('a commit of an edit session', () => {
  it('adds a component with the next free code of its class and the cell of its location, and records history', async () => {
    const next = (await as('gis1').ok('components.nextCode', { classCode: '0101' })).code;
    expect(next).toMatch(new RegExp(`^${admin}0101\\d{6}$`));
    const r = await commit('gis1', '新增上水井盖', [
      {
        op: 'add',
        ref: 'a',
        classCode: '0101',
        lon: 119.9201,
        lat: 32.4601,
        fields: { attrs: { material: '铸铁' } },
        photos: [{ mime: 'image/png', data: PNG }],
      },
    ]);
    expect(r.assigned.a).toBe(next);
    const cell = await as('gis1').ok('grid.locate', { lon: 119.9201, lat: 32.4601 });
    const rec = await as('disp').ok('components.record', { code: next });
    expect(rec.record).toMatchObject({ classCode: '0101', gridCode: cell.code, dept1: expect.any(String), state: '完好', attrs: { material: '铸铁' } });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'filled', field: 'dept1' }),
        expect.objectContaining({ severity: 'filled', field: 'gridCode' }),
      ]),
    );
    expect(rec.photoIds).toHaveLength(1);
    expect(
      Buffer.from(await as('disp').ok('components.photo', { id: rec.photoIds[0] }))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const h = await as('disp').ok('components.history', { code: next });
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ version: 1, op: 'add', before: null, commit: { actor: 'gis1', message: '新增上水井盖', kind: 'edit', added: 1 } });
    // The next add of the class takes the following serial.
    expect((await as('gis1').ok('components.nextCode', { classCode: '0101' })).code).toBe(
      `${next.slice(0, 10)}${String(Number(next.slice(10)) + 1).padStart(6, '0')}`,
    );
  });

  it('moves a component into another cell: the cell follows the location and the change is reported as fixed', async () => {
    const [lon, lat] = await pointInOtherCell(sample.lon, sample.lat, sample.gridCode);
    const r = await commit('gis1', '移位', [{ op: 'update', code: sample.code, baseVersion: sample.version, lon, lat }]);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'fixed', field: 'gridCode' })]);
    const rec = await as('gis1').ok('components.record', { code: sample.code });
    expect(rec.version).toBe(sample.version + 1);
    expect(rec.record.gridCode).not.toBe(sample.gridCode);
    expect(rec.record.chDate).toBe('2026-11-24');
    const h = await as('gis1').ok('components.history', { code: sample.code });
    expect(h.map((v) => v.op)).toEqual(['update', 'census']);
    expect(h[0].before).toMatchObject({ lon: sample.lon, lat: sample.lat, gridCode: sample.gridCode });
    expect(h[0].after).toMatchObject({ lon, lat });
    sample = { ...sample, version: rec.version, lon, lat, gridCode: rec.record.gridCode };
  });

  it('applies all changes or none: one bad change refuses the commit and the database is unchanged', async () => {
    const before = fingerprint(file);
    const e = await as('gis1').refused('components.commit', {
      message: '批量',
      changes: [
        { op: 'add', ref: 'ok', classCode: '0118', lon: 119.921, lat: 32.461 },
        { op: 'add', ref: 'far', classCode: '0118', lon: 120.5, lat: 32.461 },
        { op: 'add', ref: 'bad', classCode: '0402', lon: 119.921, lat: 32.461, fields: { attrs: { dbh: 'thick' }, orDate: '2026-02-30' } },
        { op: 'add', ref: 'cls', classCode: '0199', lon: 119.921, lat: 32.461 },
        { op: 'update', code: sample.code, baseVersion: sample.version, fields: { dept1: 'NOPE' } },
        { op: 'add', ref: 'tree', classCode: '0401', lon: 119.921, lat: 32.461 },
        { op: 'add', ref: 'pic', classCode: '0118', lon: 119.921, lat: 32.461, photos: [{ mime: 'image/jpeg', data: PNG }] },
      ],
    });
    expect(e.code).toBe('BAD_INPUT');
    const problems = problemsOf(e).map((p) => `${p.ref}:${p.field}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'far:location',
        'bad:attrs.dbh',
        'bad:orDate',
        'cls:classCode',
        `${sample.code}:dept1`,
        'tree:attrs.species',
        'tree:attrs.grade',
        'pic:photos',
      ]),
    );
    expect(problems).not.toContain('ok:location');
    expect(problemsOf(e).find((p) => p.ref === 'far')).toMatchObject({ lon: 120.5, lat: 32.461 });
    expect(fingerprint(file)).toBe(before);
    // validate reports the same without a commit.
    const v = await as('gis1').ok('components.validate', { changes: [{ op: 'add', ref: 'far', classCode: '0118', lon: 120.5, lat: 32.461 }] });
    expect(v.ok).toBe(false);
    expect(fingerprint(file)).toBe(before);
  });

  it('draws line and polygon components and refuses a self-intersecting polygon', async () => {
    const sq = (x: number, y: number, d: number) => [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ];
    const r = await commit('gis1', '绿地与护栏', [
      {
        op: 'add',
        ref: 'green',
        classCode: '0405',
        lon: 0,
        lat: 0,
        geometry: { type: 'Polygon', coordinates: [sq(119.92, 32.46, 0.0003) as [number, number][]] },
      },
      {
        op: 'add',
        ref: 'rail',
        classCode: '0211',
        lon: 0,
        lat: 0,
        geometry: {
          type: 'LineString',
          coordinates: [
            [119.92, 32.461],
            [119.9205, 32.461],
            [119.921, 32.4612],
          ],
        },
      },
    ]);
    const green = await as('gis1').ok('components.record', { code: r.assigned.green });
    expect(green.record.geometry?.type).toBe('Polygon');
    expect(green.record.lon).toBeCloseTo(119.92015, 5); // placed at its centroid, not at the (0, 0) it was sent with
    const shapes = await as('gis1').ok('components.shapes', { bbox: [119.919, 32.459, 119.922, 32.462] });
    expect(shapes.map((s) => s.code)).toEqual(expect.arrayContaining([r.assigned.green, r.assigned.rail]));
    const bow: [number, number][] = [
      [119.92, 32.46],
      [119.9203, 32.4603],
      [119.9203, 32.46],
      [119.92, 32.4603],
      [119.92, 32.46],
    ];
    const bad = await as('gis1').refused('components.commit', {
      message: 'x',
      changes: [{ op: 'add', ref: 'bow', classCode: '0405', lon: 0, lat: 0, geometry: { type: 'Polygon', coordinates: [bow] } }],
    });
    expect(problemsOf(bad)[0]).toMatchObject({ field: 'geometry', message: expect.stringMatching(/crosses itself/) });
    const point = await as('gis1').refused('components.commit', {
      message: 'x',
      changes: [{ op: 'add', ref: 'p', classCode: '0405', lon: 119.92, lat: 32.46 }],
    });
    expect(problemsOf(point)[0].field).toBe('geometry');
  });

  it('retires a component without deleting it: it leaves the map and stays in history', async () => {
    const r = await commit('gis1', '新增', [{ op: 'add', ref: 'x', classCode: '0305', lon: 119.9215, lat: 32.4615 }]);
    const code = r.assigned.x;
    const rec = await as('gis1').ok('components.record', { code });
    await commit('gis1', '注销垃圾箱', [{ op: 'retire', code, baseVersion: rec.version }]);
    const after = await as('gis1').ok('components.record', { code });
    expect(after.record.retiredAt).not.toBeNull();
    const inBox = await as('gis1').ok('components.inExtent', { bbox: [119.9214, 32.4614, 119.9216, 32.4616], limit: 100 });
    expect(inBox.map((c) => c.code)).not.toContain(code);
    expect((await as('gis1').ok('components.history', { code })).map((v) => v.op)).toEqual(['retire', 'add']);
    expect(new Database(file, { readonly: true }).prepare('SELECT count(*) AS n FROM components WHERE code = ?').get(code)).toEqual({ n: 1 });
    const again = await as('gis1').refused('components.commit', {
      message: 'x',
      changes: [{ op: 'update', code, baseVersion: after.version, fields: { note: 'x' } }],
    });
    expect(again.message).toMatch(/retired/);
  });

  it('is for GIS editors only', async () => {
    const r = await as('disp').refused('components.commit', { message: 'x', changes: [{ op: 'add', ref: 'a', classCode: '0101', lon: 119.92, lat: 32.46 }] });
    expect(r.code).toBe('FORBIDDEN');
    const g = await as('disp').refused('grid.merge', { codes: [sample.gridCode, sample.gridCode], message: 'x' });
    expect(g.code).toBe('FORBIDDEN');
  });
});

describe('two editors', () => {
  it('refuses the later commit on the same component with base / theirs / yours, and resolves per component', async () => {
    const rec = await as('gis1').ok('components.record', { code: sample.code });
    const other = (await as('gis1').ok('components.inExtent', { bbox: [119.93, 32.47, 119.94, 32.48], limit: 1 }))[0];
    // Both drafts start from the same versions.
    await commit('gis1', '状态改为破损', [{ op: 'update', code: sample.code, baseVersion: rec.version, fields: { state: '破损' } }]);
    const before = fingerprint(file);
    const mine: ComponentChange[] = [
      { op: 'update', code: sample.code, baseVersion: rec.version, fields: { note: '井盖松动' } },
      { op: 'update', code: other.code, baseVersion: other.version, fields: { note: '无冲突' } },
    ];
    const r = await as('gis2').refused('components.commit', { message: '补充备注', changes: mine });
    expect(r.code).toBe('CONFLICT');
    expect(fingerprint(file)).toBe(before); // nothing of the draft was written, not even the change without a conflict
    const c = conflictsOf(r)[0];
    expect(c).toMatchObject({ code: sample.code, baseVersion: rec.version, theirsVersion: rec.version + 1 });
    expect(c.base.state).toBe(rec.record.state);
    expect(c.theirs.state).toBe('破损');
    expect(c.yours).toMatchObject({ state: rec.record.state, note: '井盖松动' });
    expect(c.fields).toEqual(expect.arrayContaining(['state', 'note']));
    expect(c.theirCommit).toMatchObject({ actor: 'gis1', message: '状态改为破损' });
    // Reapply mine on theirs: the draft's patch goes on top of the newer version, so both edits survive.
    await commit('gis2', '补充备注', [{ ...mine[0], baseVersion: c.theirsVersion } as ComponentChange, mine[1]]);
    const now1 = await as('gis1').ok('components.record', { code: sample.code });
    expect(now1.record).toMatchObject({ state: '破损', note: '井盖松动' });
    // Keep theirs: gis1 moves on; gis2's stale change is dropped from the draft and nothing else is lost.
    await commit('gis1', '再改', [{ op: 'update', code: sample.code, baseVersion: now1.version, fields: { state: '完好' } }]);
    const stale = await as('gis2').refused('components.commit', {
      message: 'x',
      changes: [{ op: 'update', code: sample.code, baseVersion: now1.version, fields: { state: '丢失' } }],
    });
    expect(stale.code).toBe('CONFLICT');
    expect((await as('gis1').ok('components.record', { code: sample.code })).record.state).toBe('完好');
    sample.version = (await as('gis1').ok('components.record', { code: sample.code })).version;
  });
});

describe('history', () => {
  it('shows the layer as of a past time, and reverts a whole commit as a new commit', async () => {
    const bbox: [number, number, number, number] = [119.91, 32.45, 119.93, 32.47];
    const count = async (asOf?: string) =>
      decodePacked(await as('gis1').ok('components.view', { bbox, resolution: 0.1, maxFeatures: 400_000, ...(asOf ? { asOf } : {}) })).count;
    const t1 = new Date(now).toISOString();
    const base = await count();
    now += 60_000;
    const r = await commit(
      'gis1',
      '三个路灯',
      [0, 1, 2].map((k) => ({ op: 'add', ref: `l${k}`, classCode: '0118', lon: 119.92 + k * 0.0003, lat: 32.4605 })) as ComponentChange[],
    );
    expect(await count()).toBe(base + 3);
    expect(await count(t1)).toBe(base);
    // A later edit to one of them makes the revert of the commit a conflict for it unless forced or skipped.
    const l0 = await as('gis1').ok('components.record', { code: r.assigned.l0 });
    await commit('gis2', '改光源', [{ op: 'update', code: r.assigned.l0, baseVersion: l0.version, fields: { attrs: { lamp: 'LED' } } }]);
    const refused = await as('gis1').refused('components.revert', { id: r.commit.id });
    expect(refused.code).toBe('CONFLICT');
    expect(conflictsOf(refused).map((c) => c.code)).toEqual([r.assigned.l0]);
    const rv = await as('gis1').ok('components.revert', { id: r.commit.id, skip: [r.assigned.l0] });
    expect(rv.commit).toMatchObject({ kind: 'revert', reverts: r.commit.id, retired: 2 });
    expect(await count()).toBe(base + 1);
    const log = await as('disp').ok('components.commits', { limit: 3 });
    expect(log[0]).toMatchObject({ id: rv.commit.id, kind: 'revert' });
    expect(log.find((c) => c.id === r.commit.id)?.revertedBy).toBe(rv.commit.id);
    const twice = await as('gis1').refused('components.revert', { id: r.commit.id });
    expect(twice.message).toMatch(/already reverted/);
    const detail = await as('disp').ok('components.commitDetail', { id: rv.commit.id });
    expect(detail.components.map((c) => c.op)).toEqual(['retire', 'retire']);
  });
});

describe('grid edits', () => {
  it('splits a cell along a line: a new code from the community, components re-assigned, topology checked', async () => {
    // A cell with components on both sides of a north–south line through it.
    const comps = await as('gis1').ok('components.inExtent', { bbox: [119.93, 32.46, 119.95, 32.48], limit: 5000 });
    const byCell = new Map<string, number[]>();
    for (const x of comps) byCell.set(x.gridCode, [...(byCell.get(x.gridCode) ?? []), x.lon]);
    const [code, lons] = [...byCell].filter(([, l]) => l.length >= 4).sort((p, q) => q[1].length - p[1].length)[0];
    lons.sort((p, q) => p - q);
    const cell = await as('gis1').ok('grid.cell', { code });
    const [, b, , d] = cell.bbox;
    const midX = (lons[1] + lons[2]) / 2;
    const before = cell.componentCount as number;
    expect(before).toBeGreaterThanOrEqual(4);
    const ev = events.length;
    const r = await as('gis1').ok('grid.split', {
      code: cell.code,
      line: [
        [midX, b - 0.001],
        [midX, d + 0.001],
      ],
      message: '按道路拆分',
    });
    expect(r.cells).toHaveLength(2);
    const [kept, fresh] = r.cells;
    expect(kept).toBe(cell.code);
    expect(fresh.slice(0, 12)).toBe(cell.code.slice(0, 12));
    const k = await as('gis1').ok('grid.cell', { code: kept });
    const f = await as('gis1').ok('grid.cell', { code: fresh });
    expect(k.areaM2 + f.areaM2).toBeCloseTo(cell.areaM2, -1);
    expect(k.componentCount + f.componentCount).toBe(before);
    expect(Math.min(k.componentCount, f.componentCount)).toBeGreaterThanOrEqual(2);
    // Every component is in the cell its point lies in.
    for (const comp of await as('gis1').ok('components.inExtent', { bbox: cell.bbox, limit: 2000 })) {
      expect((await as('gis1').ok('grid.locate', { lon: comp.lon, lat: comp.lat })).code).toBe(comp.gridCode);
    }
    await new Promise((res) => setTimeout(res, 10));
    expect(events.slice(ev).some((e) => e.type === 'components.changed' && e.payload.cells?.includes(fresh))).toBe(true);
    // Merge them back: the lower code keeps the union, the other is retired, not deleted.
    const m = await as('gis1').ok('grid.merge', { codes: [fresh, kept], message: '合并' });
    expect(m.cells).toEqual([kept, fresh].sort());
    const merged = await as('gis1').ok('grid.cell', { code: kept });
    expect(merged.areaM2).toBeCloseTo(cell.areaM2, -1);
    expect(merged.componentCount).toBe(before);
    const gone = new Database(file, { readonly: true }).prepare('SELECT retired_at FROM grid_cells WHERE code = ?').get(fresh) as { retired_at: string };
    expect(gone.retired_at).not.toBeNull();
    // The grid as of before the split has the cell whole; as of between split and merge, in two pieces.
    const has = async (asOf: string, code: string) => (await as('gis1').ok('grid.cells', { bbox: cell.bbox, asOf })).codes.includes(code);
    expect(await has(new Date(T0 - 1).toISOString(), fresh)).toBe(false);
    expect((await as('gis1').ok('grid.cells', { bbox: cell.bbox })).codes).not.toContain(fresh);
    // Reverting the merge brings both pieces back, with their components.
    const rv = await as('gis1').ok('components.revert', { id: m.commit.id });
    expect(rv.cells.sort()).toEqual([kept, fresh].sort());
    expect((await as('gis1').ok('grid.cell', { code: fresh })).componentCount).toBe(f.componentCount);
    expect((await as('gis1').ok('grid.cell', { code: kept })).componentCount).toBe(k.componentCount);
    for (const comp of await as('gis1').ok('components.inExtent', { bbox: cell.bbox, limit: 2000 })) {
      expect((await as('gis1').ok('grid.locate', { lon: comp.lon, lat: comp.lat })).code).toBe(comp.gridCode);
    }
  });

  it('refuses a line that misses the cell, cells of different communities and cells that do not touch; nothing changes', async () => {
    const cell = await as('gis1').ok('grid.locate', { lon: 119.9301, lat: 32.4501 });
    const fp = fingerprint(file);
    const miss = await as('gis1').refused('grid.split', {
      code: cell.code,
      line: [
        [cell.bbox[0] - 0.01, cell.bbox[1] - 0.01],
        [cell.bbox[0] - 0.009, cell.bbox[1] - 0.01],
      ],
      message: 'x',
    });
    expect(miss.code).toBe('BAD_INPUT');
    const far = await as('gis1').ok('grid.locate', { lon: 119.96, lat: 32.49 });
    const diff = await as('gis1').refused('grid.merge', { codes: [cell.code, far.code], message: 'x' });
    expect(diff.message).toMatch(/different communities|connected/);
    const cells = await as('gis1').ok('grid.cells', { bbox: [119.9, 32.45, 119.95, 32.5] });
    const comm = cells.community[cells.codes.indexOf(cell.code)];
    const sameComm = cells.codes.filter((_: string, i: number) => cells.community[i] === comm);
    const apart = sameComm.find((c: string) => c !== cell.code && Math.abs(Number(c.slice(12)) - Number(cell.code.slice(12))) > 6);
    if (apart) {
      const r = await as('gis1').refused('grid.merge', { codes: [cell.code, apart], message: 'x' });
      expect(r.message).toMatch(/connected|share a boundary/);
    }
    expect(fingerprint(file)).toBe(fp);
  });
});

describe('live', () => {
  it('pushes each commit with its codes after it is committed, and the map view shows it at once', async () => {
    const ev = events.length;
    const r = await commit('gis1', '推送', [{ op: 'add', ref: 'p', classCode: '0136', lon: 119.9222, lat: 32.4622 }]);
    await new Promise((res) => setTimeout(res, 10));
    const e = events.slice(ev).find((x) => x.type === 'components.changed');
    expect(e?.payload).toMatchObject({ codes: [r.assigned.p], commitId: r.commit.id });
    const packed = decodePacked(await as('disp').ok('components.view', { bbox: [119.9221, 32.4621, 119.9223, 32.4623], resolution: 0.1 }));
    const rec = await as('disp').ok('components.record', { code: r.assigned.p });
    expect([...packed.ids]).toContain(rec.id);
  });
});
