import { describe, expect, it } from 'vitest';
import type { Progress } from '../api/types';
import { type Wire, fromWire, subtract, toNumber } from './bignum';
import { advanceProgress, extrapolate } from './simulation';
import vectors from './vectors.json';

interface VectorCase {
  name: string;
  progress: Progress;
  dt_seconds: number;
  expected: {
    energy: Wire;
    generators: { generator_id: string; heat: number; running: boolean; isdeveloping: boolean; exploded: boolean }[];
  };
}

const cases = (vectors as unknown as { cases: VectorCase[] }).cases;

/** Within one unit of the wire mantissa of the larger value (docs/api.md test-vector tolerance). */
function energyMatches(actual: Wire, expected: Wire): boolean {
  const unitHigh = Math.max(actual.high, expected.high);
  const difference = Math.abs(toNumberScaled(subtract(fromWire(actual.data, actual.high), fromWire(expected.data, expected.high)), unitHigh));
  return difference <= 1 + 1e-9;
}

function toNumberScaled(value: ReturnType<typeof fromWire>, high: number): number {
  return toNumber({ m: value.m, e: value.e - (high - 3) });
}

describe('extrapolate equals the server rules on the test vectors', () => {
  it('has vectors', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, vector) => {
    const result = extrapolate(vector.progress, vector.dt_seconds);
    expect(energyMatches(result.energy, vector.expected.energy), `energy ${JSON.stringify(result.energy)}`).toBe(true);
    for (const expected of vector.expected.generators) {
      const actual = result.generators.find((g) => g.generator_id === expected.generator_id);
      expect(actual, expected.generator_id).toBeDefined();
      if (!actual) continue;
      expect(actual.running).toBe(expected.running);
      expect(actual.isdeveloping).toBe(expected.isdeveloping);
      expect(actual.exploded).toBe(expected.exploded);
      expect(Math.abs(actual.heat - expected.heat)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected.heat)));
    }
  });
});

describe('advanceProgress', () => {
  const base = cases[1].progress;

  it('is consistent when split into steps', () => {
    const direct = extrapolate(base, 25);
    const stepped = extrapolate(advanceProgress(advanceProgress(base, 7.5), 9.25), 8.25);
    expect(stepped.generators).toEqual(direct.generators);
    expect(energyMatches(stepped.energy, direct.energy)).toBe(true);
  });

  it('moves the answer time forward', () => {
    expect(advanceProgress(base, 2).server_time_ms).toBe(base.server_time_ms + 2000);
  });

  it('handles many explosion cycles in closed form', () => {
    const day = extrapolate(base, 86_400);
    // cycle: 10 s running, 4 s rebuilding → 86 400 s = 6171 cycles + 6 s running
    expect(toNumber(fromWire(day.energy.data, day.energy.high))).toBeCloseTo(5 + 2.6 * (6171 * 10 + 6), -1);
    expect(day.generators[0].heat).toBeCloseTo(6);
  });
});
