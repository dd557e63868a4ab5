"""BigValue: the game's one number type for money, energy and prices.

Values reach 10^1250002 and beyond (multipliers 2^R are unbounded), far past float64, so a BigValue wraps a
`Decimal` with 18 significant digits and an exponent range of ±999 999 999 999 999 999. Addends are dropped only
below 18 significant digits (the original dropped them below 3). Rounding is toward zero, so a price or a gain
is never rounded up in the player's favour.
"""

from __future__ import annotations

import decimal
import functools
from decimal import Decimal
from typing import Final

_CONTEXT: Final = decimal.Context(
    prec=18,
    rounding=decimal.ROUND_DOWN,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
WIRE_SCALE: Final = 1000  # the original's DATA_SCALE: wire value = data × 10^(high − 3)
_WIRE_DIGITS: Final = 6  # canonical wire mantissa: 100 000 ≤ data ≤ 999 999 when high > 0


class BigValue:
    __slots__ = ("value",)

    value: Decimal

    def __init__(self, value: Decimal | int | str | float = 0) -> None:
        object.__setattr__(self, "value", _rounded(_as_decimal(value)))

    # construction -------------------------------------------------------------------------------------------
    @classmethod
    def _of(cls, number: Decimal) -> BigValue:
        """From a Decimal, as `__init__` but without its conversion (most of an operation's cost)."""
        big = object.__new__(cls)
        object.__setattr__(big, "value", _rounded(number))
        return big

    @classmethod
    def from_wire(cls, data: int, high: int) -> BigValue:
        return cls._of(_CONTEXT.scaleb(Decimal(data), high - 3))

    @classmethod
    def parse(cls, text: str) -> BigValue:
        """Read the storage form written by `str()`."""
        return cls(Decimal(text))

    # wire form ----------------------------------------------------------------------------------------------
    def to_wire(self) -> tuple[int, int]:
        """Canonical (data, high): high = 0 and |data| < 10^6, or high > 0 and 10^5 ≤ |data| < 10^6."""
        return _to_wire(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"BigValue('{self.value}')"

    def __float__(self) -> float:
        """Lossy; inf past float64's range. For logarithms and estimates only."""
        try:
            return float(self.value)
        except OverflowError:
            return float("inf") if self.value > 0 else float("-inf")

    def log10(self) -> float:
        """log10 of a positive value as a float (exact to ~1e-15 relative even for huge exponents)."""
        if self.value <= 0:
            raise ValueError("log10 of a non-positive BigValue")
        exponent = self.value.adjusted()
        mantissa = _CONTEXT.scaleb(self.value, -exponent)
        return exponent + float(mantissa.log10())

    # arithmetic ---------------------------------------------------------------------------------------------
    def __add__(self, other: BigValue) -> BigValue:
        return BigValue._of(_CONTEXT.add(self.value, other.value))

    def __sub__(self, other: BigValue) -> BigValue:
        return BigValue._of(_CONTEXT.subtract(self.value, other.value))

    def __mul__(self, other: BigValue | int | float | Decimal) -> BigValue:
        return BigValue._of(_CONTEXT.multiply(self.value, _as_decimal(other)))

    __rmul__ = __mul__

    def __truediv__(self, other: BigValue | int | float | Decimal) -> BigValue:
        return BigValue._of(_CONTEXT.divide(self.value, _as_decimal(other)))

    def floor(self) -> BigValue:
        return BigValue._of(self.value.to_integral_value(rounding=decimal.ROUND_FLOOR))

    def clamp_min(self, floor: BigValue) -> BigValue:
        return self if self >= floor else floor

    def is_zero(self) -> bool:
        return self.value.is_zero()

    # order --------------------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigValue) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: BigValue) -> bool:
        return self.value < other.value

    def __le__(self, other: BigValue) -> bool:
        return self.value <= other.value

    def __gt__(self, other: BigValue) -> bool:
        return self.value > other.value

    def __ge__(self, other: BigValue) -> bool:
        return self.value >= other.value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("BigValue is immutable")

    # copy and pickle: the default protocol restores slots with setattr, which immutability forbids -----------
    def __reduce__(self) -> tuple[type[BigValue], tuple[Decimal]]:
        return BigValue, (self.value,)

    def __copy__(self) -> BigValue:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> BigValue:
        return self


@functools.lru_cache(maxsize=8192)  # prices and rates repeat in every answer
def _to_wire(value: Decimal) -> tuple[int, int]:
    if value.is_zero():
        return 0, 0
    digits_before_point = value.adjusted() + 1  # 1234.5 → 4
    high = max(0, digits_before_point - 3)
    data = int(_CONTEXT.scaleb(value, 3 - high).to_integral_value(rounding=decimal.ROUND_DOWN))
    if abs(data) >= 10**_WIRE_DIGITS:  # only reachable by rounding at the boundary
        data, high = data // 10, high + 1
    return data, high


def _rounded(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise ValueError("BigValue must be finite")
    return _CONTEXT.plus(number)


def _as_decimal(other: BigValue | int | float | str | Decimal) -> Decimal:
    if type(other) is Decimal:  # immutable: no copy
        return other
    if isinstance(other, BigValue):
        return other.value
    if isinstance(other, float):
        return Decimal(repr(other))  # 1.8 → Decimal("1.8"), not 1.8000000000000000444…
    return Decimal(other)


def power(base: Decimal | int | float, exponent: int) -> BigValue:
    """base^exponent with 18 significant digits, for prices that grow geometrically."""
    return BigValue._of(_CONTEXT.power(_as_decimal(base), exponent))


def big_sum(values: list[BigValue]) -> BigValue:
    total = Decimal(0)
    for item in values:
        total = _CONTEXT.add(total, item.value)
    return BigValue._of(total)


ZERO: Final = BigValue(0)
ONE: Final = BigValue(1)
