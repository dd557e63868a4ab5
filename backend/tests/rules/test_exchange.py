"""Selling energy (ORIGINAL-RULES §6; issue 2, decision 4: amounts must be > 0 and ≤ energy)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tycoon.errors import InvalidAmount, NotEnoughEnergy
from tycoon.kit.bignum import BigValue
from tycoon.rules.exchange import (
    ExchangeResult,
    current_rate,
    growth_steps,
    rate_as_float,
    sell_energy,
)

from .helpers import assert_rejected, make_state


@pytest.mark.parametrize(
    ("sold", "steps"),
    [
        ("0", 0),
        ("0.5", 0),
        ("2.999", 0),
        ("3", 1),
        ("8.999999", 1),
        ("9", 2),
        ("1e6", 12),
        (str(3**20), 20),
        (str(3**20 - 1), 19),
        (str(3**35), 35),
    ],
)
def test_growth_steps_are_whole_powers_of_three(sold: str, steps: int) -> None:
    assert growth_steps(BigValue(sold)) == steps


def test_growth_steps_use_the_true_magnitude_of_huge_values() -> None:
    steps = growth_steps(BigValue("1e1250002"))
    assert abs(steps - 1_250_002 * math.log(10) / math.log(3)) < 1


def test_a_fresh_player_gets_rate_one() -> None:
    assert current_rate(make_state()) == BigValue(1)


def test_rate_multipliers_and_demand() -> None:
    state = make_state(rebirth_count=2, exchange_rate_multiplier=1, demand_bonus=4, sold_energy=BigValue(10))
    assert current_rate(state) == BigValue(8) * Decimal("1.2") / Decimal("1.1")  # 2³ × (1 + 0.2) / (1 + 0.1)


def test_rate_has_a_floor() -> None:
    state = make_state(sold_energy=BigValue("1e100000"))  # growth 1 + 0.05 × 209 590
    assert current_rate(state) == BigValue("0.0001")


def test_rate_as_float_is_capped_below_infinity() -> None:
    assert rate_as_float(BigValue("0.625")) == 0.625
    assert rate_as_float(current_rate(make_state(rebirth_count=2_000))) == 1.7e308


def test_sell_prices_at_the_midpoint() -> None:
    state = make_state(energy=BigValue(100))
    result = sell_energy(state, BigValue(10))  # midpoint 5: one step, rate 1/1.05
    rate = BigValue(20) / 21
    assert result == ExchangeResult(gained=BigValue(10) * rate, rate=rate)
    assert (state.energy, state.sold_energy) == (BigValue(90), BigValue(10))
    assert state.money == BigValue(10) + result.gained


def test_sell_everything_and_tiny_gains_are_kept() -> None:
    state = make_state(energy=BigValue("0.004"))
    result = sell_energy(state, BigValue("0.004"))
    assert (result.gained, state.energy) == (BigValue("0.004"), BigValue(0))


def test_sale_rate_has_a_floor() -> None:
    state = make_state(energy=BigValue(10), sold_energy=BigValue("1e100000000"))
    assert sell_energy(state, BigValue(10)) == ExchangeResult(BigValue("1e-6"), BigValue("1e-7"))


def test_sales_beyond_the_float_range() -> None:
    state = make_state(energy=BigValue("1e5000"), rebirth_count=3_000)
    result = sell_energy(state, BigValue("1e5000"))
    steps = growth_steps(BigValue("5e4999"))  # the midpoint
    assert steps == int((4999 + math.log10(5)) / math.log10(3))
    expected = 5000 + 3000 * math.log10(2) + math.log10(20 / (20 + steps))
    assert result.gained.log10() == pytest.approx(expected, rel=1e-14)
    assert state.money > BigValue("1e5000")


@pytest.mark.parametrize("amount", ["0", "-5", "-1e30"])
def test_sell_of_a_non_positive_amount_is_invalid(amount: str) -> None:
    state = make_state(energy=BigValue(100))
    assert_rejected(state, lambda: sell_energy(state, BigValue(amount)), InvalidAmount)


def test_sell_of_more_than_the_energy() -> None:
    state = make_state(energy=BigValue(100))
    assert_rejected(state, lambda: sell_energy(state, BigValue("100.001")), NotEnoughEnergy)
