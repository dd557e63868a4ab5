"""Selling energy for money (ORIGINAL-RULES §6).

The rate falls by 5 % of the base for every power of three of energy sold since the last rebirth; a sale is
priced at the rate of its midpoint. Rates are BigValues: 2^R × 2^X passes float64's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from tycoon.errors import InvalidAmount, NotEnoughEnergy
from tycoon.kit.bignum import ONE, ZERO, BigValue, power
from tycoon.rules.catalogue import Catalogue
from tycoon.rules.simulation import production_per_second
from tycoon.rules.state import PlayerState

MIN_RATE: Final = BigValue("0.0001")  # GET /change/rate
MIN_SALE_RATE: Final = BigValue("1e-7")  # a sale's average rate
MAX_FLOAT_RATE: Final = 1.7e308
# The original client asks for a share of its own estimate of the energy, which runs up to about a second of
# production ahead of ours (its first tick credits 0.5 s, and it counts time the server already counted).
SALE_SLACK_SECONDS: Final = 2
_LOG10_3: Final = math.log10(3)


@dataclass(frozen=True, slots=True)
class ExchangeResult:
    gained: BigValue
    rate: BigValue  # the sale's average rate


def growth_steps(sold: BigValue) -> int:
    """⌊log₃ sold⌋ (0 below 1), from the value's true magnitude, exact at powers of three."""
    if sold < ONE:
        return 0
    steps = int(sold.log10() / _LOG10_3)
    while steps > 0 and power(3, steps) > sold:
        steps -= 1
    while power(3, steps + 1) <= sold:
        steps += 1
    return steps


def _rate(state: PlayerState, steps: int) -> BigValue:
    # 2^R × 2^X × (1 + 0.05 D) / (1 + 0.05 steps), with the fractions kept exact
    bonus = Decimal(20 + state.demand_bonus) / Decimal(20 + steps)
    return power(2, state.rebirth_count + state.exchange_rate_multiplier) * bonus


def current_rate(state: PlayerState) -> BigValue:
    return _rate(state, growth_steps(state.sold_energy)).clamp_min(MIN_RATE)


def sellable(state: PlayerState, catalogue: Catalogue, amount: BigValue) -> BigValue:
    """The energy a request for `amount` sells: the amount, or all the energy when the amount exceeds it by at
    most SALE_SLACK_SECONDS of current production or by one step of the energy's wire form (a client that knows
    only the wire's six digits asks for all of it by sending them rounded up); never more than the player has."""
    if amount <= ZERO:
        raise InvalidAmount()
    if amount <= state.energy:
        return amount
    if state.energy.is_zero():
        raise NotEnoughEnergy()
    excess = amount - state.energy
    slack = production_per_second(state, catalogue) * SALE_SLACK_SECONDS
    if excess > slack and excess > _wire_step(state.energy):
        raise NotEnoughEnergy()
    return state.energy


def _wire_step(value: BigValue) -> BigValue:
    """The least change of `value` its wire form (six digits) shows."""
    return BigValue.from_wire(1, value.to_wire()[1])


def sell_energy(state: PlayerState, catalogue: Catalogue, requested: BigValue) -> ExchangeResult:
    amount = sellable(state, catalogue, requested)
    midpoint = state.sold_energy + amount / 2
    rate = _rate(state, growth_steps(midpoint)).clamp_min(MIN_SALE_RATE)
    gained = amount * rate
    state.energy = state.energy - amount
    state.money = state.money + gained
    state.sold_energy = state.sold_energy + amount
    return ExchangeResult(gained=gained, rate=rate)


def rate_as_float(rate: BigValue) -> float:
    """For the JSON `rate` field, which is a float: capped below infinity."""
    return min(float(rate), MAX_FLOAT_RATE)
