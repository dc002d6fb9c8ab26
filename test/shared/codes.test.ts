import { describe, expect, it } from 'vitest';
import { formatComponentCode, formatGridCode, isClassCode, parseComponentCode, parseGridCode } from '../../shared/codes.ts';

describe('unit grid codes (15 digits)', () => {
  it.each([
    ['321202001002003', { admin: '321202', street: '001', community: '002', serial: '003' }],
    ['110101001001000', { admin: '110101', street: '001', community: '001', serial: '000' }],
  ])('parses %s', (code, parts) => {
    expect(parseGridCode(code)).toEqual({ ok: true, value: parts });
  });
  it.each([
    ['32120200100200', '15 digits'],
    ['3212020010020031', '15 digits'],
    ['32120200100200a', '15 digits'],
    ['991202001002003', 'province prefix'],
    ['320000001002003', 'province, not a county'],
    ['321202000002003', 'street code 000'],
    ['321202001000003', 'community code 000'],
  ])('refuses %s (%s)', (code, reason) => {
    const r = parseGridCode(code);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
  it('formats from parts and refuses overflow', () => {
    expect(formatGridCode('321202', 1, 12, 7)).toBe('321202001012007');
    expect(() => formatGridCode('321202', 1000, 1, 1)).toThrow(RangeError);
  });
});

describe('component codes (16 digits)', () => {
  it('parses the CJ/T 214 example', () => {
    expect(parseComponentCode('3205080101000001')).toEqual({
      ok: true,
      value: { admin: '320508', major: '01', minor: '01', classCode: '0101', serial: '000001' },
    });
  });
  it.each([
    ['320508010100000', '16 digits'],
    ['3205080001000001', 'major class 00'],
    ['3205080100000001', 'minor class 00'],
    ['3205080101000000', 'serial 000000'],
    ['0005080101000001', 'province prefix'],
  ])('refuses %s (%s)', (code, reason) => {
    const r = parseComponentCode(code);
    expect(!r.ok && r.reason).toContain(reason);
  });
  it('formats and round-trips', () => {
    const code = formatComponentCode('321202', '0402', 1234);
    expect(code).toBe('3212020402001234');
    expect(parseComponentCode(code).ok).toBe(true);
  });
  it('recognises class codes', () => {
    expect(['0101', '0606', '2101'].map(isClassCode)).toEqual([true, true, true]);
    expect(['0001', '0100', '101', 'ab01'].map(isClassCode)).toEqual([false, false, false, false]);
  });
});
