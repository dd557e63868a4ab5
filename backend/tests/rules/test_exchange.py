"""Selling energy (ORIGINAL-RULES §6; issue 2, decision 4: amounts must be > 0 and ≤ energy)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tycoon.errors import InvalidAmount, NotEnoughEnergy
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import DEFAULT_CATALOGUE
from tycoon.rules.exchange import (
    SALE_SLACK_SECONDS,
    ExchangeResult,
    current_rate,
    growth_steps,
    rate_as_float,
    sell_energy,
)
from tycoon.rules.simulation import production_per_second
from tycoon.rules.state import PlayerState

from .helpers import T0, assert_rejected, built, make_state


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
    result = sell_energy(state, DEFAULT_CATALOGUE, BigValue(10))  # midpoint 5: one step, rate 1/1.05
    rate = BigValue(20) / 21
    assert result == ExchangeResult(gained=BigValue(10) * rate, rate=rate)
    assert (state.energy, state.sold_energy) == (BigValue(90), BigValue(10))
    assert state.money == BigValue(10) + result.gained


def test_sell_everything_and_tiny_gains_are_kept() -> None:
    state = make_state(energy=BigValue("0.004"))
    result = sell_energy(state, DEFAULT_CATALOGUE, BigValue("0.004"))
    assert (result.gained, state.energy) == (BigValue("0.004"), BigValue(0))


def test_sale_rate_has_a_floor() -> None:
    state = make_state(energy=BigValue(10), sold_energy=BigValue("1e100000000"))
    assert sell_energy(state, DEFAULT_CATALOGUE, BigValue(10)) == ExchangeResult(
        BigValue("1e-6"), BigValue("1e-7")
    )


def test_sales_beyond_the_float_range() -> None:
    state = make_state(energy=BigValue("1e5000"), rebirth_count=3_000)
    result = sell_energy(state, DEFAULT_CATALOGUE, BigValue("1e5000"))
    steps = growth_steps(BigValue("5e4999"))  # the midpoint
    assert steps == int((4999 + math.log10(5)) / math.log10(3))
    expected = 5000 + 3000 * math.log10(2) + math.log10(20 / (20 + steps))
    assert result.gained.log10() == pytest.approx(expected, rel=1e-14)
    assert state.money > BigValue("1e5000")


@pytest.mark.parametrize("amount", ["0", "-5", "-1e30"])
def test_sell_of_a_non_positive_amount_is_invalid(amount: str) -> None:
    state = make_state(energy=BigValue(100))
    assert_rejected(state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue(amount)), InvalidAmount)


def test_sell_of_more_than_the_energy() -> None:
    state = make_state(energy=BigValue(100))
    assert_rejected(
        state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue("100.002")), NotEnoughEnergy
    )


# The original client sells a share of its own estimate, up to ~1 s of production ahead of the server (review F1)
def producing(energy: str, paused: bool = False) -> PlayerState:
    """A player with a solar panel (2.6/s) and an onshore turbine (54/s), both built: 56.6 energy/s."""
    generators = [built("g1", 1), built("g2", 4, x_position=1)]
    for generator in generators:
        generator.running = not paused
    return make_state(energy=BigValue(energy), generators=generators)


def test_the_slack_is_two_seconds_of_current_production() -> None:
    state = producing("100")
    assert SALE_SLACK_SECONDS == 2
    assert production_per_second(state, DEFAULT_CATALOGUE) == BigValue("56.6")


@pytest.mark.parametrize("excess", ["0.001", "56.6", "113.2"])
def test_an_amount_within_the_slack_sells_all_the_energy(excess: str) -> None:
    state = producing("100")
    result = sell_energy(state, DEFAULT_CATALOGUE, BigValue(100) + BigValue(excess))
    rate = BigValue(20) / 23  # priced at the midpoint of what is sold: 50, three steps
    assert result == ExchangeResult(gained=BigValue(100) * rate, rate=rate)
    assert (state.energy, state.sold_energy) == (BigValue(0), BigValue(100))
    assert state.money == BigValue(10) + result.gained


def test_an_amount_beyond_the_slack_is_not_enough_energy() -> None:
    state = producing("100")  # 100 + 2 × 56.6 = 213.2 at most
    assert_rejected(
        state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue("213.201")), NotEnoughEnergy
    )


def test_without_production_there_is_no_slack_beyond_one_wire_step() -> None:
    state = producing("100", paused=True)
    assert_rejected(
        state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue("100.002")), NotEnoughEnergy
    )


def test_generators_still_building_give_no_slack() -> None:
    state = make_state(energy=BigValue(100), generators=[built("g1", 4, build_end=T0 + 5, build_total=13)])
    assert_rejected(
        state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue("100.002")), NotEnoughEnergy
    )


@pytest.mark.parametrize("energy", ["100", "204123456789e45", "999999.9999"])
def test_the_wire_form_rounded_up_sells_all_the_energy(energy: str) -> None:
    # A client knows the energy only as the wire's six digits (truncated): "all" is that plus one step.
    state = producing(energy, paused=True)
    data, high = state.energy.to_wire()
    result = sell_energy(state, DEFAULT_CATALOGUE, BigValue.from_wire(data + 1, high))
    assert state.energy == BigValue(0)
    assert state.sold_energy == BigValue(energy)
    assert result.gained > BigValue(0)


def test_more_than_one_wire_step_over_is_not_enough_energy() -> None:
    state = producing("204123456789e45", paused=True)
    data, high = state.energy.to_wire()
    assert_rejected(
        state,
        lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue.from_wire(data + 2, high)),
        NotEnoughEnergy,
    )


def test_the_slack_never_sells_energy_the_player_does_not_have() -> None:
    state = producing("0")
    assert_rejected(state, lambda: sell_energy(state, DEFAULT_CATALOGUE, BigValue(1)), NotEnoughEnergy)
