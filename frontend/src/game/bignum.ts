// Client-side big number: value = m × 10^e with 1 ≤ m < 10 (or zero). Values reach 10^1250002 and beyond, far past
// float64, but six significant digits (the wire's precision) are all the client ever needs.

export interface Big {
  readonly m: number;
  readonly e: number;
}

/** The wire pair: value = data × 10^(high − 3). */
export interface Wire {
  data: number;
  high: number;
}

export const ZERO: Big = { m: 0, e: 0 };

function normalize(m: number, e: number): Big {
  if (m === 0 || !Number.isFinite(m)) return ZERO;
  const shift = Math.floor(Math.log10(Math.abs(m)));
  let mantissa = m / 10 ** shift;
  let exponent = e + shift;
  // log10 can be off by one at exact powers of ten
  if (Math.abs(mantissa) >= 10) {
    mantissa /= 10;
    exponent += 1;
  } else if (Math.abs(mantissa) < 1) {
    mantissa *= 10;
    exponent -= 1;
  }
  return { m: mantissa, e: exponent };
}

export function fromNumber(value: number): Big {
  return normalize(value, 0);
}

export function fromWire(data: number, high: number): Big {
  return normalize(data, high - 3);
}

export function fromLog10(log: number): Big {
  if (log === -Infinity) return ZERO;
  const e = Math.floor(log);
  // to 12 digits: a price of exactly 1.2e8 came out as 1.2000000000000007e8, and money of exactly 1.2e8 could not
  // pay it here while the server (exact to 18 digits) took it
  return normalize(Number((10 ** (log - e)).toPrecision(12)), e);
}

export function pow2(exponent: number): Big {
  return fromLog10(exponent * Math.LOG10E * Math.LN2);
}

// float noise (1.2345599999) must not lose a digit when truncating to the wire's integer mantissa
function truncate(x: number): number {
  return Math.trunc(Number(x.toPrecision(12)));
}

/** Canonical wire form, truncated toward zero like the server: high = 0 below 1000, else 100000 ≤ data ≤ 999999. */
export function toWire(value: Big): Wire {
  if (value.m === 0) return { data: 0, high: 0 };
  let data = value.e < 3 ? truncate(value.m * 10 ** (value.e + 3)) : truncate(value.m * 1e5);
  let high = value.e < 3 ? 0 : value.e - 2;
  if (Math.abs(data) >= 1e6) {
    data = Math.trunc(data / 10);
    high += 1;
  }
  return data === 0 ? { data: 0, high: 0 } : { data, high };
}

export function isZero(value: Big): boolean {
  return value.m === 0;
}

export function compare(a: Big, b: Big): number {
  const signA = Math.sign(a.m);
  const signB = Math.sign(b.m);
  if (signA !== signB) return signA - signB;
  if (signA === 0) return 0;
  if (a.e !== b.e) return (a.e > b.e ? 1 : -1) * signA;
  return a.m === b.m ? 0 : a.m > b.m ? 1 : -1;
}

export function add(a: Big, b: Big): Big {
  if (a.m === 0) return b;
  if (b.m === 0) return a;
  const [large, small] = a.e >= b.e ? [a, b] : [b, a];
  const gap = large.e - small.e;
  if (gap > 17) return large;
  return normalize(large.m + small.m / 10 ** gap, large.e);
}

export function negate(a: Big): Big {
  return a.m === 0 ? a : { m: -a.m, e: a.e };
}

export function subtract(a: Big, b: Big): Big {
  return add(a, negate(b));
}

export function max(a: Big, b: Big): Big {
  return compare(a, b) >= 0 ? a : b;
}

export function min(a: Big, b: Big): Big {
  return compare(a, b) <= 0 ? a : b;
}

export function multiply(a: Big, b: Big): Big {
  if (a.m === 0 || b.m === 0) return ZERO;
  return normalize(a.m * b.m, a.e + b.e);
}

export function scale(a: Big, factor: number): Big {
  if (a.m === 0 || factor === 0) return ZERO;
  if (!Number.isFinite(factor)) throw new RangeError('scale factor must be finite');
  return normalize(a.m * factor, a.e);
}

export function divide(a: Big, b: Big): Big {
  if (b.m === 0) throw new RangeError('division by zero');
  if (a.m === 0) return ZERO;
  return normalize(a.m / b.m, a.e - b.e);
}

/** log10 of a positive value; -Infinity for zero. */
export function log10(a: Big): number {
  if (a.m <= 0) return -Infinity;
  return Math.log10(a.m) + a.e;
}

/** Plain number (Infinity past float64's range): for ratios and progress bars only. */
export function toNumber(a: Big): number {
  if (a.e > 308) return a.m > 0 ? Infinity : -Infinity;
  return a.m * 10 ** a.e;
}
