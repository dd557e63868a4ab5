"""Global upgrades (money), rebirth upgrades (rebirths) and their prices (ORIGINAL-RULES §7.1, §7.3).

Buying N levels from level L is a geometric series, priced in closed form: the cost of a request does not grow
with N (the original looped, and overflowed float64 past 1.8e308).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeVar

from tycoon.errors import (
    AmountTooLarge,
    BatchLimitExceeded,
    InvalidAmount,
    NotEnoughMoney,
    NotEnoughRebirths,
    UnknownUpgrade,
)
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import GLOBAL_UPGRADES, REBIRTH_UPGRADES, GeneratorUpgradeSpec, UpgradeSpec
from tycoon.rules.state import PlayerState

MAX_AMOUNT: Final = 10_000  # levels per request (issue 2, decision 5)

Spec = TypeVar("Spec")


def spec_for(specs: Mapping[str, Spec], key: str) -> Spec:
    spec = specs.get(key)
    if spec is None:
        raise UnknownUpgrade()
    return spec


def check_amount(amount: int) -> None:
    if amount < 1:
        raise InvalidAmount()
    if amount > MAX_AMOUNT:
        raise AmountTooLarge()


def _price_context() -> decimal.Context:
    # 40 digits inside a price, so that a price below 10^18 is the exact sum's floor; the result keeps 18.
    return decimal.Context(
        prec=40,
        rounding=decimal.ROUND_DOWN,
        Emax=decimal.MAX_EMAX,
        Emin=decimal.MIN_EMIN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def geometric_series(context: decimal.Context, growth: Decimal, first_exponent: int, amount: int) -> Decimal:
    """Σ_{i=0..N−1} g^(e+i) = g^e × (g^N − 1)/(g − 1)."""
    if growth == 1:
        return Decimal(amount)
    tail = context.divide(context.subtract(context.power(growth, amount), 1), growth - 1)
    return context.multiply(context.power(growth, first_exponent), tail)


# Global upgrades (money) -------------------------------------------------------------------------------
def global_upgrade_cost(spec: UpgradeSpec, level: int, amount: int) -> BigValue:
    """Σ_{i=1..N} b × g^(L+i), truncated to whole money as the original did."""
    context = _price_context()
    series = geometric_series(context, spec.growth, level + spec.offset, amount)
    return BigValue(context.multiply(series, spec.base).to_integral_value(rounding=decimal.ROUND_FLOOR))


def batch_limit(state: PlayerState) -> int:
    return 1 + state.upgrade_batch_upgrade


def buy_global_upgrade(state: PlayerState, key: str, amount: int) -> BigValue:
    spec = spec_for(GLOBAL_UPGRADES, key)
    limit = batch_limit(state)
    if amount > limit:  # the original's message first; MAX_AMOUNT only binds a limit raised past it
        raise BatchLimitExceeded(f"한 번에 {limit}회까지만 업그레이드할 수 있습니다.")
    check_amount(amount)
    level: int = getattr(state, spec.field)
    cost = global_upgrade_cost(spec, level, amount)
    if state.money < cost:
        raise NotEnoughMoney()
    state.money = state.money - cost
    setattr(state, spec.field, level + amount)
    return cost


# Rebirth upgrades (paid in rebirths) -------------------------------------------------------------------
def rebirth_upgrade_cost(spec: UpgradeSpec, level: int, amount: int) -> int:
    """b × g^L × (g^N − 1)/(g − 1) rebirths, exact (rebirth counts are integers)."""
    growth = Fraction(spec.growth)
    if growth == 1:
        return int(Fraction(spec.base) * amount)
    series = growth ** (level + spec.offset) * (growth**amount - 1) / (growth - 1)
    return int(Fraction(spec.base) * series)


def buy_rebirth_upgrade(state: PlayerState, key: str, amount: int) -> int:
    spec = spec_for(REBIRTH_UPGRADES, key)
    check_amount(amount)
    level: int = getattr(state, spec.field)
    cost = rebirth_upgrade_cost(spec, level, amount)
    if state.rebirth_count < cost:
        raise NotEnoughRebirths()
    state.rebirth_count -= cost  # also lowers the 2^R multipliers and the next rebirth's price
    setattr(state, spec.field, level + amount)
    return cost


def apply_upgrade(state: PlayerState, endpoint: str, amount: int) -> None:
    """One item of POST /upgrade/bulk: any of the five global or three rebirth upgrades."""
    if endpoint in REBIRTH_UPGRADES:
        buy_rebirth_upgrade(state, endpoint, amount)
    else:
        buy_global_upgrade(state, endpoint, amount)


# Per-generator upgrades (priced here, bought in rules.generators) --------------------------------------
def generator_upgrade_cost(
    spec: GeneratorUpgradeSpec, install_cost: BigValue, level: int, amount: int
) -> BigValue:
    """Σ_{i=1..N} C × m × g^(L+i)."""
    context = _price_context()
    series = geometric_series(context, spec.growth, level + 1, amount)
    return BigValue(context.multiply(context.multiply(install_cost.value, spec.multiplier), series))
