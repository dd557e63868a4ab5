// Number display with the original's suffix rules (ORIGINAL-RULES.md §1.5, bigvalueRule.txt): three digits with the
// decimal point moving as `high` grows, and a unit that changes every three steps of `high`.
import { type Big, fromNumber, fromWire, toWire } from './bignum';

const BASE_UNITS = ['', 'K', 'M', 'B', 'T', 'Qa', 'Qi', 'Sx', 'Sp', 'Oc', 'N'];
const COMMON_UNITS = ['', 'U', 'D', 'T', 'Qa', 'Qi', 'Sx', 'Sp', 'Oc', 'N'];
const HIGH_COMMON_UNITS = ['', 'D', 'T', 'Qa', 'Qi', 'Sx', 'Sp', 'Oc', 'N'];
const BIG_UNITS = ['', 'd', 'V', 'Tr', 'Qav', 'Qiv', 'Sev', 'Spv', 'Ocv', 'Nv'];
const HUGE_UNITS = ['', 'C', 'Mi', 'Mc', 'Na', 'Pi', 'Fe', 'At', 'Ze', 'Yo', 'Xo', 'Ve', 'Me'];
const E_NOTATION_ABOVE = 3e29;

/** Name of a count of illions from 1 to 999: hundreds ("C", "DC", …) then ones and tens ("Ud" = 11). */
function groupName(count: number): string {
  const hundreds = Math.floor(count / 100);
  const rest = count % 100;
  const hundredsName = hundreds > 0 ? `${HIGH_COMMON_UNITS[hundreds - 1]}C` : '';
  return hundredsName + COMMON_UNITS[rest % 10] + BIG_UNITS[Math.floor(rest / 10)];
}

/** Name of the n-th illion (10 = "d" for 10^33), in groups of 1000 joined by Mi, Mc, Na, … */
function illionName(illions: number): string {
  const groups: number[] = [];
  for (let rest = illions; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  let name = '';
  for (let level = groups.length - 1; level >= 1; level -= 1) {
    const count = groups[level];
    if (count > 0) name += (count === 1 ? '' : groupName(count)) + HUGE_UNITS[level + 1];
  }
  return groups[0] > 0 ? name + groupName(groups[0]) : name;
}

/** The unit for a canonical `high` ≥ 1; each unit spans three steps of high. */
export function unitFor(high: number): string {
  if (high <= 0) return '';
  const unitIndex = Math.ceil(high / 3);
  if (unitIndex < BASE_UNITS.length) return BASE_UNITS[unitIndex];
  return illionName(unitIndex - 1);
}

/** The three leading digits with the decimal point placed by high (1.23 / 12.3 / 123); truncated, never rounded up. */
function digitsFor(data: number, high: number): string {
  if (high === 0) {
    if (data >= 100_000) return String(Math.floor(data / 1000));
    if (data >= 10_000) return (Math.floor(data / 100) / 10).toFixed(1);
    return (Math.floor(data / 10) / 100).toFixed(2);
  }
  const leading = String(data).slice(0, 3);
  const integerDigits = ((high - 1) % 3) + 1;
  return integerDigits === 3 ? leading : `${leading.slice(0, integerDigits)}.${leading.slice(integerDigits)}`;
}

export function formatWire(data: number, high: number): string {
  const canonical = toWire(fromWire(data, high));
  if (canonical.data === 0) return '0';
  const sign = canonical.data < 0 ? '-' : '';
  const magnitude = Math.abs(canonical.data);
  if (canonical.high > E_NOTATION_ABOVE) {
    // past the named units the exponent is shown as it is: 1.23e(high + 2)
    return `${sign}${digitsFor(magnitude, 1)}e${(canonical.high + 2).toLocaleString('en-US', { useGrouping: false })}`;
  }
  return sign + digitsFor(magnitude, canonical.high) + unitFor(canonical.high);
}

export function formatBig(value: Big): string {
  const wire = toWire(value);
  return formatWire(wire.data, wire.high);
}

/** Small plain counts (levels, supercoins, rebirths) keep their digits up to a million. */
export function formatCount(count: number): string {
  if (Math.abs(count) < 1_000_000) return count.toLocaleString('ko-KR');
  return formatBig(fromNumber(count));
}

/** A change per second with its sign: two decimals and grouped digits below a million, units above. */
export function formatRate(perSecond: number): string {
  const size = Math.abs(perSecond);
  const digits = size < 1_000_000 ? size.toLocaleString('ko-KR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : formatBig(fromNumber(size));
  return `${perSecond < 0 ? '−' : '+'}${digits}/초`;
}

export function formatSeconds(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return `${hours}시간 ${minutes}분`;
  if (minutes > 0) return `${minutes}분 ${secs}초`;
  return `${secs}초`;
}

export function formatPlayTime(ms: number): string {
  const minutes = Math.floor(ms / 60000);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours}시간 ${minutes % 60}분` : `${minutes}분`;
}
