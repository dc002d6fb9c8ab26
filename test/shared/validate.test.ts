import { describe, expect, it } from 'vitest';
import { parseInput } from '../../shared/validate.ts';
import { ApiError } from '../../shared/errors.ts';
import { crsConverter } from '../../shared/crs.ts';
import { allocPacked, decodePacked } from '../../shared/packed.ts';

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected an error');
}

describe('contract input validation', () => {
  it('names the field with the wrong type', () => {
    const e = errorOf(() => parseInput('grid.locate', { lon: 'east', lat: 32.4 }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.details?.field).toBe('lon');
  });
  it('refuses extra fields', () => {
    const e = errorOf(() => parseInput('app.info', { sneaky: 1 }));
    expect(e.message).toMatch(/Unrecognized key/);
  });
  it('refuses huge strings', () => {
    const e = errorOf(() => parseInput('search.query', { q: 'x'.repeat(10_000) }));
    expect(e.details?.field).toBe('q');
  });
  it('refuses a malformed component code', () => {
    expect(errorOf(() => parseInput('components.get', { code: '12345' })).details?.field).toBe('code');
  });
  it('refuses an inverted bbox', () => {
    expect(errorOf(() => parseInput('components.inExtent', { bbox: [120, 33, 119, 32], limit: 5 })).code).toBe('BAD_INPUT');
  });
  it('refuses unknown methods', () => {
    expect(errorOf(() => parseInput('drop.tables', {})).code).toBe('UNKNOWN_METHOD');
  });
  it('refuses a Tianditu base layer without a key', () => {
    const e = errorOf(() => parseInput('settings.set', { baseLayer: { kind: 'tianditu', opacity: 1 } }));
    expect(e.details?.field).toBe('baseLayer.tiandituKey');
  });
  it('accepts a valid call unchanged', () => {
    expect(parseInput('grid.locate', { lon: 119.9, lat: 32.45 })).toEqual({ lon: 119.9, lat: 32.45 });
  });
});

describe('coordinate systems', () => {
  it('puts Taizhou near the central meridian of EPSG:4549 (easting ≈ 500 km)', () => {
    const [x, y] = crsConverter('EPSG:4490', 'EPSG:4549')([120, 32.45]);
    expect(x).toBeCloseTo(500000, 3);
    expect(y).toBeGreaterThan(3_590_000);
    expect(y).toBeLessThan(3_600_000);
  });
  it('differs between 4549 and 4528 only by the zone prefix 40', () => {
    const a = crsConverter('EPSG:4490', 'EPSG:4549')([119.9, 32.46]);
    const b = crsConverter('EPSG:4490', 'EPSG:4528')([119.9, 32.46]);
    expect(b[0] - a[0]).toBeCloseTo(40_000_000, 3);
    expect(b[1]).toBeCloseTo(a[1], 6);
  });
  it('round-trips through Xian 80 within a millimetre', () => {
    const fwd = crsConverter('EPSG:4490', 'EPSG:2385'),
      back = crsConverter('EPSG:2385', 'EPSG:4490');
    const p = back(fwd([119.93, 32.47]));
    expect(Math.abs(p[0] - 119.93)).toBeLessThan(1e-8);
    expect(Math.abs(p[1] - 32.47)).toBeLessThan(1e-8);
  });
});

describe('packed components', () => {
  it('round-trips and refuses truncation', () => {
    const { bytes, view } = allocPacked(2, 5, true, 100, 200);
    view.xy.set([1, 2, 3, 4]);
    view.ids.set([7, 9]);
    view.cls.set([3, 4]);
    const d = decodePacked(bytes);
    expect([d.count, d.totalInView, d.decimated, d.originX, [...d.ids], [...d.xy]]).toEqual([2, 5, true, 100, [7, 9], [1, 2, 3, 4]]);
    expect(() => decodePacked(bytes.slice(0, bytes.length - 1))).toThrow(/truncated/);
  });
});
