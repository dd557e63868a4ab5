// Prices and estimates for display (ORIGINAL-RULES.md §4, §6–§9). The server charges; these only label buttons.
import type { GlobalUpgradeKey, RebirthUpgradeKey, SpecialKey, UpgradeKey, User } from '../api/types';
import { type Big, type Wire, ZERO, add, compare, fromLog10, fromNumber, fromWire, isZero, log10, max, multiply, pow2, scale, toNumber, toWire } from './bignum';

export interface GlobalUpgrade {
  key: GlobalUpgradeKey;
  field: keyof User;
  base: number;
  growth: number;
  name: string;
  effect: string;
}

export const GLOBAL_UPGRADES: readonly GlobalUpgrade[] = [
  { key: 'production', field: 'production_bonus', base: 10, growth: 1.8, name: '전체 생산량', effect: '모든 발전기 생산량 +10%' },
  { key: 'heat_reduction', field: 'heat_reduction', base: 50, growth: 1.5, name: '발열 감소', effect: '모든 발전기 발열 -10% (최대 90%)' },
  { key: 'tolerance', field: 'tolerance_bonus', base: 60, growth: 2, name: '내열 한계', effect: '모든 발전기 내열 한계 +10' },
  { key: 'max_generators', field: 'max_generators_bonus', base: 300, growth: 3, name: '발전기 최대 개수', effect: '설치 가능한 발전기 +1' },
  { key: 'demand', field: 'demand_bonus', base: 15, growth: 2, name: '전력 수요', effect: '교환 비율 +5%' },
];

export interface RebirthUpgrade {
  key: RebirthUpgradeKey;
  field: keyof User;
  base: number;
  growth: number;
  name: string;
  effect: string;
}

export const REBIRTH_UPGRADES: readonly RebirthUpgrade[] = [
  { key: 'rebirth_chain', field: 'rebirth_chain_upgrade', base: 1, growth: 2, name: '연속 환생', effect: '한 번에 환생할 수 있는 횟수 +1' },
  { key: 'upgrade_batch', field: 'upgrade_batch_upgrade', base: 1, growth: 2, name: '일괄 업그레이드', effect: '한 번에 살 수 있는 업그레이드 +1' },
  { key: 'rebirth_start_money', field: 'rebirth_start_money_upgrade', base: 3, growth: 3, name: '시작 자금', effect: '환생 후 시작 돈 ×10' },
];

export interface GeneratorUpgrade {
  key: UpgradeKey;
  multiplier: number;
  growth: number;
  name: string;
  effect: string;
}

export const GENERATOR_UPGRADES: readonly GeneratorUpgrade[] = [
  { key: 'production', multiplier: 1, growth: 1.25, name: '생산량', effect: '생산량 +10%, 발열 +0.5/초' },
  { key: 'heat_reduction', multiplier: 0.8, growth: 1.2, name: '발열 감소', effect: '발열 ×0.9' },
  { key: 'tolerance', multiplier: 0.9, growth: 1.2, name: '내열 한계', effect: '내열 한계 +10' },
];

export interface SpecialItem {
  key: SpecialKey;
  field: keyof User;
  name: string;
  effect: string;
  maxLevel: number | null;
}

export const SPECIAL_ITEMS: readonly SpecialItem[] = [
  { key: 'build_speed', field: 'build_speed_reduction', name: '건설 가속', effect: '건설 시간 -10% (최대 9레벨)', maxLevel: 9 },
  { key: 'energy_mult', field: 'energy_multiplier', name: '에너지 배수', effect: '생산량 ×2', maxLevel: null },
  { key: 'exchange_mult', field: 'exchange_rate_multiplier', name: '교환 배수', effect: '교환 비율 ×2', maxLevel: null },
];

/** log10 of Σ_{i=1..N} g^(offset+i) = g^(offset+1) × (g^N − 1)/(g − 1), without overflow. */
function log10GeometricSum(growth: number, offset: number, amount: number): number {
  const lg = Math.log10(growth);
  const powerTerm = amount * lg;
  // g^N − 1 ≈ g^N once g^N is huge
  const numerator = powerTerm > 15 ? powerTerm : Math.log10(growth ** amount - 1);
  return (offset + 1) * lg + numerator - Math.log10(growth - 1);
}

/** Price of N levels of a global upgrade from level L: ⌊b × g^(L+1) × (g^N − 1)/(g − 1)⌋, whole money as the
 * server charges (32 for the second 전체 생산량 level, not 32.4). */
export function globalUpgradeCost(upgrade: GlobalUpgrade, level: number, amount: number): Big {
  return floorWhole(fromLog10(Math.log10(upgrade.base) + log10GeometricSum(upgrade.growth, level, amount)));
}

function floorWhole(value: Big): Big {
  // past twelve digits the client's value has no fraction left to drop; toPrecision keeps 4.35 × 100 at 435
  return value.e >= 12 ? value : fromNumber(Math.floor(Number(toNumber(value).toPrecision(12))));
}

/** Rebirths spent on N levels of a rebirth upgrade from level L: b × g^L × (g^N − 1)/(g − 1). */
export function rebirthUpgradeCost(upgrade: RebirthUpgrade, level: number, amount: number): number {
  return Math.trunc(upgrade.base * upgrade.growth ** level * ((upgrade.growth ** amount - 1) / (upgrade.growth - 1)));
}

/** Price of N levels of a generator upgrade from level L, for a generator costing C. */
export function generatorUpgradeCost(upgrade: GeneratorUpgrade, installCost: Big, level: number, amount = 1): Big {
  const factor = fromLog10(Math.log10(upgrade.multiplier) + log10GeometricSum(upgrade.growth, level, amount));
  return multiply(installCost, factor);
}

/** The largest N in [1, limit] with price(N) affordable, or 0. Prices grow with N. */
export function maxAffordable(limit: number, affordable: (amount: number) => boolean): number {
  let low = 0;
  let high = Math.max(0, Math.floor(limit));
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (affordable(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

export function userMoney(user: User): Big {
  return fromWire(user.money_data, user.money_high);
}

/** The player's energy per second (all multipliers), as the answer gives it. */
export function userProduction(user: User): Big {
  return fromWire(user.production_data ?? 0, user.production_high ?? 0);
}

/** Whether the money the answer shows pays `price`: the server holds at least that much, so counting levels with
 * it never asks for one too many. */
export function canAfford(user: User, price: Big): boolean {
  return compare(userMoney(user), price) >= 0;
}

/**
 * Whether the server surely refuses `price` for want of money (it passes money ≥ price). The answer truncates money
 * to the wire's six digits, so the server may hold up to one wire step more than it shows: only when even that is
 * not more than the price is the money short. A player with exactly enough is never refused.
 */
export function shortOfMoney(user: User, price: Big): boolean {
  return compare(fromWire(user.money_data + 1, user.money_high), price) <= 0;
}

/** Money needed to rebirth when n rebirths are held: 15 000 000 × 8^n. */
export function rebirthCost(rebirths: number): Big {
  return fromLog10(Math.log10(15_000_000) + rebirths * Math.log10(8));
}

export function maxGenerators(user: User): number {
  return 10 + user.max_generators_bonus;
}

export function buildSeconds(installSeconds: number, buildSpeedLevel: number): number {
  return Math.max(1, Math.trunc(installSeconds * (1 - Math.min(0.1 * buildSpeedLevel, 0.9))));
}

/** Whole seconds of a build left as the server counts them (the original's clock): trunc(end) − trunc(now). */
export function wholeSecondsLeft(buildEndSeconds: number, nowSeconds: number): number {
  return Math.trunc(buildEndSeconds) - Math.trunc(nowSeconds);
}

/** Skip price: 10 % of the install cost for the share of the build still to go in whole seconds; 1 only when
 *  that would show as 0 (below 0.001), as the server (ORIGINAL-RULES.md §4.3). Free once no whole second is left. */
export function skipCost(installCost: Big, remainingWholeSeconds: number, totalSeconds: number): Big {
  if (remainingWholeSeconds <= 0) return ZERO;
  const share = Math.min(1, remainingWholeSeconds / Math.max(1, totalSeconds));
  const price = scale(installCost, share * 0.1);
  return compare(price, fromNumber(0.001)) < 0 ? fromNumber(1) : price;
}

export function demolishFee(installCost: Big): Big {
  return max(scale(installCost, 0.5), fromNumber(0.001));
}

const LOG10_3 = Math.log10(3);

/** Money for selling `amount` energy now (ORIGINAL-RULES.md §6.1), growth evaluated at the midpoint. */
export function exchangeEstimate(user: User, amount: Big): Big {
  const sold = fromWire(user.sold_energy_data, user.sold_energy_high);
  const midpoint = add(sold, scale(amount, 0.5));
  const level = Math.max(0, log10(midpoint) / LOG10_3);
  const growth = 1 + 0.05 * Math.floor(Number.isFinite(level) ? level : 0);
  const multiplier = multiply(pow2(user.rebirth_count + user.exchange_rate_multiplier), fromNumber((1 + 0.05 * user.demand_bonus) / growth));
  const rate = max(multiplier, fromNumber(1e-7));
  return multiply(amount, rate);
}


/** The amount that sells all of `energy` as the client knows it (the wire's digits, truncated): one wire step
 * more, which the server answers by selling all the energy it holds (docs/api.md). */
export function sellAllAmount(energy: Big): Wire {
  const wire = toWire(energy);
  return isZero(energy) ? wire : { data: wire.data + 1, high: wire.high };
}

/**
 * "100 %" at the moment of the click: the energy shown (extrapolated) and a second of production more, or one wire
 * step above the last answer's energy, whichever is larger. The server sells all it holds for an amount above its
 * energy by at most 2 s of production or one wire step (docs/api.md), so the energy made since the last answer
 * goes too (selling only the last answer's energy left that behind).
 */
export function sellAllNowAmount(answered: Big, shown: Big, perSecond: Big): Wire {
  const known = sellAllAmount(answered);
  const now = toWire(add(shown, perSecond));
  return compare(fromWire(now.data, now.high), fromWire(known.data, known.high)) > 0 ? now : known;
}

/** The marginal exchange rate now (GET /change/rate), money per unit of energy. */
export function currentRate(user: User): Big {
  const sold = fromWire(user.sold_energy_data, user.sold_energy_high);
  const level = Math.max(0, log10(sold) / LOG10_3);
  const growth = 1 + 0.05 * Math.floor(Number.isFinite(level) ? level : 0);
  const rate = multiply(pow2(user.rebirth_count + user.exchange_rate_multiplier), fromNumber((1 + 0.05 * user.demand_bonus) / growth));
  return max(rate, fromNumber(0.0001));
}
