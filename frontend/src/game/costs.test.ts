import { describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { fromNumber, fromWire, toNumber } from './bignum';
import {
  GENERATOR_UPGRADES,
  GLOBAL_UPGRADES,
  REBIRTH_UPGRADES,
  buildSeconds,
  canAfford,
  currentRate,
  exchangeEstimate,
  generatorUpgradeCost,
  globalUpgradeCost,
  maxAffordable,
  rebirthCost,
  rebirthUpgradeCost,
  sellAllAmount,
  sellAllNowAmount,
  shortOfMoney,
  skipCost,
  wholeSecondsLeft,
} from './costs';
import vectors from './vectors.json';

const user = (vectors as unknown as { cases: { progress: { user: User } }[] }).cases[0].progress.user;

describe('prices (ORIGINAL-RULES.md §4, §7, §8)', () => {
  it('first global levels cost 18, 75, 120, 900 and 30', () => {
    expect(GLOBAL_UPGRADES.map((u) => Math.round(toNumber(globalUpgradeCost(u, 0, 1))))).toEqual([18, 75, 120, 900, 30]);
  });
  it('prices exactly what the server charges, so that exactly that much money can pay', () => {
    const exactly = (money: number) => ({ ...user, money_data: money * 1000, money_high: 0 }); // below 1000: data = value × 1000
    expect(canAfford(exactly(30), globalUpgradeCost(GLOBAL_UPGRADES[4], 0, 1))).toBe(true); // was 30.00000000000001
    expect(canAfford(exactly(900), globalUpgradeCost(GLOBAL_UPGRADES[3], 0, 1))).toBe(true); // was 900.0000000000007
    const rich = { ...user, money_data: 120000, money_high: 6 }; // 1.2e8, the second rebirth's price
    expect(canAfford(rich, rebirthCost(1))).toBe(true); // was 1.2000000000000007e8
  });
  it('sums several levels, to whole money as the server', () => {
    const production = GLOBAL_UPGRADES[0];
    expect(toNumber(globalUpgradeCost(production, 2, 3))).toBe(Math.floor(10 * (1.8 ** 3 + 1.8 ** 4 + 1.8 ** 5)));
  });
  it('charges the second 전체 생산량 level 32, not 32.4, so that 32 pays it', () => {
    expect(toNumber(globalUpgradeCost(GLOBAL_UPGRADES[0], 1, 1))).toBe(32);
    expect(toNumber(globalUpgradeCost(GLOBAL_UPGRADES[1], 2, 1))).toBe(168); // 50 × 1.5³ = 168.75
  });
  it('stays finite far beyond float64', () => {
    expect(globalUpgradeCost(GLOBAL_UPGRADES[0], 5000, 10).e).toBeGreaterThan(1000);
  });
  it('rebirth upgrades cost 1, 2, 4 … and 3, 9, 27 …', () => {
    expect([0, 1, 2].map((l) => rebirthUpgradeCost(REBIRTH_UPGRADES[0], l, 1))).toEqual([1, 2, 4]);
    expect([0, 1, 2].map((l) => rebirthUpgradeCost(REBIRTH_UPGRADES[2], l, 1))).toEqual([3, 9, 27]);
    expect(rebirthUpgradeCost(REBIRTH_UPGRADES[0], 0, 3)).toBe(7);
  });
  it('generator upgrades of the plant cell cost 12.5, 9.6 and 10.8', () => {
    expect(GENERATOR_UPGRADES.map((u) => toNumber(generatorUpgradeCost(u, fromNumber(10), 0)))).toEqual([12.5, 9.6, 10.8].map((v) => expect.closeTo(v, 6)));
  });
  it('rebirth costs 15M × 8^n', () => {
    expect(toNumber(rebirthCost(0))).toBeCloseTo(1.5e7);
    expect(toNumber(rebirthCost(2))).toBeCloseTo(1.5e7 * 64);
  });
  it('finds the most levels affordable', () => {
    expect(maxAffordable(10, (n) => n * n <= 30)).toBe(5);
    expect(maxAffordable(10, () => false)).toBe(0);
    expect(maxAffordable(3, () => true)).toBe(3);
  });
  it('shortens builds by 10 % per build-speed level, at least 1 s', () => {
    expect(buildSeconds(10, 3)).toBe(7);
    expect(buildSeconds(3, 9)).toBe(1);
  });
  it('prices a skip by the share of the build left in whole seconds, 1 only when it would show as 0', () => {
    expect(toNumber(skipCost(fromNumber(1000), 5, 10))).toBeCloseTo(50);
    expect(toNumber(skipCost(fromNumber(10), 1, 3))).toBeCloseTo(0.3333);
    expect(toNumber(skipCost(fromNumber(0.001), 1, 3))).toBe(1);
    expect(wholeSecondsLeft(1013.2, 1001.9)).toBe(12);
  });
});

describe('shortOfMoney: the client refuses only what the server surely refuses (money ≥ price passes)', () => {
  const holding = (data: number, high = 0) => ({ ...user, money_data: data, money_high: high });
  const production = globalUpgradeCost(GLOBAL_UPGRADES[0], 0, 1);

  it('refuses 18 to a player with 10 or 17.999', () => {
    expect(shortOfMoney(holding(10_000), production)).toBe(true);
    expect(shortOfMoney(holding(17_999), production)).toBe(true);
  });
  it('lets exactly enough money pay', () => {
    expect(shortOfMoney(holding(18_000), production)).toBe(false);
    expect(shortOfMoney(holding(150_000, 7), rebirthCost(0))).toBe(false); // 1.5e7
  });
  it('gives the benefit of the digits the wire cuts off', () => {
    // the plant's third production level costs 19.53125; money 19.5314 arrives as 19.531
    const third = generatorUpgradeCost(GENERATOR_UPGRADES[0], fromNumber(10), 2);
    expect(shortOfMoney(holding(19_531), third)).toBe(false);
    expect(shortOfMoney(holding(19_530), third)).toBe(true);
  });
  it('refuses the smallest demolition fee to a player with nothing', () => {
    expect(shortOfMoney(holding(0), fromNumber(0.001))).toBe(true);
  });
});

describe('exchange estimate (§6)', () => {
  it('is 1:1 for a new player selling a little', () => {
    expect(toNumber(exchangeEstimate(user, fromNumber(2)))).toBeCloseTo(2);
    expect(toNumber(currentRate(user))).toBe(1);
  });
  it('evaluates the growth at the midpoint of the sale', () => {
    // midpoint 10 → ⌊log3 10⌋ = 2 → growth 1.1
    expect(toNumber(exchangeEstimate(user, fromNumber(20)))).toBeCloseTo(20 / 1.1, 6);
  });
  it('doubles with rebirths and the exchange multiplier', () => {
    const reborn = { ...user, rebirth_count: 2, exchange_rate_multiplier: 1 };
    expect(toNumber(exchangeEstimate(reborn, fromNumber(2)))).toBeCloseTo(16);
  });
});

describe('sellAllAmount', () => {
  it('asks one wire step above the truncated energy', () => {
    expect(sellAllAmount(fromWire(204123, 53))).toEqual({ data: 204124, high: 53 });
    expect(sellAllAmount(fromNumber(12.5))).toEqual({ data: 12501, high: 0 });
  });
  it('asks nothing of no energy', () => expect(sellAllAmount(fromNumber(0))).toEqual({ data: 0, high: 0 }));
  it('at the click, asks for the energy shown and a second of production, so the energy made since goes too', () => {
    // a review: "100 %" sold the last answer's 274,702 and left the 16,890 made since
    const amount = sellAllNowAmount(fromNumber(274_702), fromNumber(291_000), fromNumber(17_000));
    expect(amount).toEqual({ data: 308000, high: 3 });
  });
  it('without production, one wire step above the last answer', () => {
    expect(sellAllNowAmount(fromNumber(12.5), fromNumber(12.5), fromNumber(0))).toEqual({ data: 12501, high: 0 });
  });
});

