// The edit-session draft (renderer/features/editing/draft.ts): changes, undo/redo, rebase after a conflict, and
// persistence across a reload of the window.
import { describe, expect, it } from 'vitest';
import { Draft } from '../../renderer/features/editing/draft.ts';
import type { ComponentRecord } from '../../shared/editing.ts';

const rec = (code: string, over: Partial<ComponentRecord> = {}): ComponentRecord => ({
  code,
  classCode: '0101',
  gridCode: '321202001001001',
  lon: 119.92,
  lat: 32.46,
  geometry: null,
  retiredAt: null,
  dept1: 'D07',
  dept2: null,
  dept3: null,
  state: '完好',
  orDate: '2008-01-01',
  chDate: null,
  dataSource: '实测',
  note: null,
  attrs: null,
  ...over,
});
/** An in-memory Storage. */
function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    length: 0,
  } as Storage;
}

describe('the edit-session draft', () => {
  it('turns adds, moves, attribute edits and retirements into commit changes; untouched selections are left out', () => {
    const d = new Draft();
    const ref = d.add('0118', 119.921, 32.461);
    d.setFields(ref, { note: '新装' });
    d.take([
      { record: rec('3212020101000001'), version: 3 },
      { record: rec('3212020101000002'), version: 1 },
      { record: rec('3212020101000003'), version: 2 },
    ]);
    d.moveTo('3212020101000001', 119.9201, 32.46);
    d.retire('3212020101000002');
    expect(d.changes()).toEqual([
      { op: 'add', ref, classCode: '0118', lon: 119.921, lat: 32.461, fields: { note: '新装' } },
      { op: 'update', code: '3212020101000001', baseVersion: 3, lon: 119.9201, lat: 32.46 },
      { op: 'retire', code: '3212020101000002', baseVersion: 1 },
    ]);
  });

  it('undoes and redoes every step, and a new step clears the redo list', () => {
    const d = new Draft();
    const a = d.add('0118', 1, 2);
    d.moveTo(a, 3, 4);
    d.setFields(a, { state: '破损' });
    d.undo();
    expect(d.get(a)).toMatchObject({ lon: 3, lat: 4, fields: {} });
    d.undo();
    expect(d.get(a)).toMatchObject({ lon: 1, lat: 2 });
    d.redo();
    expect(d.get(a)).toMatchObject({ lon: 3, lat: 4 });
    d.undo();
    d.undo();
    expect(d.list()).toEqual([]);
    expect(d.canUndo).toBe(false);
    d.redo();
    d.moveBy([a], 0.5, 0.5);
    expect(d.canRedo).toBe(false);
    expect(d.get(a)).toMatchObject({ lon: 1.5, lat: 2.5 });
  });

  it('rebases on their version keeping my move, or drops my change to keep theirs', () => {
    const d = new Draft();
    d.take([
      { record: rec('3212020101000001'), version: 1 },
      { record: rec('3212020101000002'), version: 1 },
    ]);
    d.moveTo('3212020101000001', 119.93, 32.47);
    d.setFields('3212020101000002', { note: 'mine' });
    d.rebase('3212020101000001', rec('3212020101000001', { state: '破损' }), 2);
    d.remove(['3212020101000002']);
    expect(d.changes()).toEqual([{ op: 'update', code: '3212020101000001', baseVersion: 2, lon: 119.93, lat: 32.47 }]);
  });

  it('survives a reload of the window through storage, and forgets it once cleared', () => {
    const store = memory();
    const d = new Draft('draft.gis1', store);
    d.add('0118', 1, 2);
    const again = new Draft('draft.gis1', store);
    expect(again.changes()).toHaveLength(1);
    const ref2 = again.add('0118', 5, 6);
    expect(ref2).toBe('new-2'); // refs keep counting after a reload
    again.clear();
    expect(new Draft('draft.gis1', store).list()).toEqual([]);
  });
});
