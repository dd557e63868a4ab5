import { describe, expect, it } from 'vitest';
import { add, compare, fromLog10, fromNumber, fromWire, log10, multiply, pow2, scale, subtract, toNumber, toWire } from './bignum';

describe('bignum', () => {
  it('round-trips canonical wire pairs', () => {
    for (const [data, high] of [[0, 0], [1, 0], [999999, 0], [100000, 1], [123456, 7], [999999, 1_250_000]]) {
      expect(toWire(fromWire(data, high))).toEqual({ data, high });
    }
  });
  it('canonicalises like the server', () => {
    expect(toWire(fromWire(5000, 4))).toEqual({ data: 500000, high: 2 });
    expect(toWire(fromNumber(1000))).toEqual({ data: 100000, high: 1 });
    expect(toWire(fromNumber(999.9999))).toEqual({ data: 999999, high: 0 });
  });
  it('orders by magnitude, not by the raw pair', () => {
    expect(compare(fromWire(5000, 4), fromWire(720000, 2))).toBeLessThan(0);
    expect(compare(fromNumber(0), fromNumber(1))).toBeLessThan(0);
  });
  it('adds values far apart without overflow', () => {
    expect(toWire(add(fromWire(123456, 100), fromWire(500000, 100)))).toEqual({ data: 623456, high: 100 });
    expect(toWire(add(fromWire(100000, 1_250_000), fromNumber(5)))).toEqual({ data: 100000, high: 1_250_000 });
  });
  it('multiplies and scales', () => {
    expect(toWire(multiply(fromNumber(1.5e7), pow2(3)))).toEqual(toWire(fromNumber(1.2e8)));
    expect(toNumber(scale(fromNumber(2.6), 20))).toBeCloseTo(52);
    expect(log10(fromLog10(1e6 + 0.5))).toBeCloseTo(1e6 + 0.5, 6);
  });
  it('subtracts to a negative difference', () => {
    expect(compare(subtract(fromNumber(3), fromNumber(5)), fromNumber(0))).toBeLessThan(0);
  });
});
