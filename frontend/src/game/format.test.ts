import { describe, expect, it } from 'vitest';
import { fromNumber } from './bignum';
import { formatBig, formatRate, formatWire, unitFor } from './format';

describe('formatWire: the examples of bigvalueRule.txt with data = 123000', () => {
  const examples: [number, string][] = [
    [0, '123'],
    [1, '1.23K'],
    [2, '12.3K'],
    [3, '123K'],
    [5, '12.3M'],
    [7, '1.23B'],
    [19, '1.23Sx'],
    [30, '123N'],
    [31, '1.23d'],
    [32, '12.3d'],
    [34, '1.23Ud'],
    [37, '1.23Dd'],
    [58, '1.23Nd'],
    [61, '1.23V'],
    [62, '12.3V'],
    [88, '1.23NV'],
    [91, '1.23Tr'],
    [94, '1.23UTr'],
    [271, '1.23Nv'],
    [274, '1.23UNv'],
    [301, '1.23C'],
    [304, '1.23CU'],
    [331, '1.23Cd'],
    [361, '1.23CV'],
    [391, '1.23CTr'],
    [394, '1.23CUTr'],
    [601, '1.23DC'],
    [901, '1.23TC'],
    [3001, '1.23Mi'],
    [3004, '1.23MiU'],
    [3031, '1.23Mid'],
    [3034, '1.23MiUd'],
    [3301, '1.23MiC'],
    [3331, '1.23MiCd'],
    [3334, '1.23MiCUd'],
    [3634, '1.23MiDCUd'],
    [6001, '1.23DMi'],
    [30001, '1.23dMi'],
    [63001, '1.23UVMi'],
    [300_001, '1.23CMi'],
    [600_001, '1.23DCMi'],
    [630_001, '1.23DCdMi'],
    [633_001, '1.23DCUdMi'],
    [633_934, '1.23DCUdMiTCUd'],
    [3_000_001, '1.23Mc'],
    [3_003_001, '1.23McMi'],
    [3_006_001, '1.23McDMi'],
    [3_000_000_001, '1.23Na'],
    [3_000_000_000_001, '1.23Pi'],
  ];
  it.each(examples)('high %i → %s', (high, shown) => {
    expect(formatWire(123000, high)).toBe(shown);
  });

  it('names every group of a recursive unit (high 9 009 010 000)', () => {
    expect(unitFor(9_009_010_000)).toBe('TNaTMcTMiTCTTr');
  });
});

describe('formatWire: small, odd and extreme values', () => {
  it('shows zero as 0', () => expect(formatWire(0, 0)).toBe('0'));
  it('shows the starting money', () => expect(formatWire(10000, 0)).toBe('10.0'));
  it('shows fractions below 10 with two decimals', () => expect(formatWire(1500, 0)).toBe('1.50'));
  it('truncates instead of rounding up', () => {
    expect(formatWire(999999, 0)).toBe('999');
    expect(formatWire(999999, 3)).toBe('999K');
    expect(formatWire(19999, 0)).toBe('19.9');
  });
  it('canonicalises a non-canonical pair first', () => {
    expect(formatWire(5, 6)).toBe('5.00K');
    expect(formatWire(7200000, 0)).toBe('7.20K');
  });
  it('shows the most expensive generator (10^1250002)', () => {
    expect(formatWire(100000, 1_250_000)).toBe('10.0QaCSxdMiSxCSxSev');
  });
  it('falls back to e-notation past the named units', () => {
    expect(formatWire(123000, 4e29)).toBe(`1.23e4${'0'.repeat(29)}`);
  });
  it('keeps the sign of a negative value', () => expect(formatWire(-123000, 1)).toBe('-1.23K'));
  it('formats plain numbers through the same rules', () => {
    expect(formatBig(fromNumber(1234567))).toBe('1.23M');
    expect(formatBig(fromNumber(0.5))).toBe('0.50');
  });
});

describe('formatRate', () => {
  it('signs and groups a rate', () => {
    expect(formatRate(27000)).toBe('+27,000.00/초');
    expect(formatRate(-1)).toBe('−1.00/초');
    expect(formatRate(0.5)).toBe('+0.50/초');
  });
  it('uses units for huge rates', () => expect(formatRate(1.5e9)).toBe('+1.50B/초'));
});

