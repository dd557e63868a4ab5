"""Rebirth and its chain (ORIGINAL-RULES §8)."""

from __future__ import annotations

import math

import pytest

from tycoon.errors import ChainLimitExceeded, InvalidAmount, NotEnoughMoneyForRebirth
from tycoon.kit.bignum import BigValue
from tycoon.rules.rebirth import (
    RebirthInfo,
    max_chain,
    multiplier_number,
    multiplier_text,
    rebirth,
    rebirth_cost,
    rebirth_info,
)

from .helpers import T0, assert_rejected, built, make_state


@pytest.mark.parametrize(("held", "cost"), [(0, 15_000_000), (1, 120_000_000), (3, 15_000_000 * 512)])
def test_rebirth_cost(held: int, cost: int) -> None:
    assert rebirth_cost(held) == BigValue(cost)


def test_rebirth_cost_of_many_rebirths_is_finite() -> None:
    expected = math.log10(1.5e7) + 1_000_000 * math.log10(8)
    assert rebirth_cost(1_000_000).log10() == pytest.approx(expected, rel=1e-12)


def test_rebirth_resets_the_run_and_keeps_the_account() -> None:
    state = make_state(
        money=BigValue(15_000_000),
        energy=BigValue(5),
        sold_energy=BigValue(7),
        production_bonus=3,
        heat_reduction=2,
        tolerance_bonus=1,
        max_generators_bonus=4,
        demand_bonus=5,
        supercoin=2,
        build_speed_reduction=1,
        energy_multiplier=2,
        exchange_rate_multiplier=3,
        play_time_ms=99,
        tutorial=0,
        tutorial_rewards_paid=[11],
        drop_exposure=0.5,
        generators=[built()],
    )
    rebirth(state, 1, T0)
    assert (state.rebirth_count, state.money) == (1, BigValue(10))
    assert state.energy.is_zero()
    assert state.sold_energy.is_zero()
    assert state.generators == []
    resets = (state.production_bonus, state.heat_reduction, state.tolerance_bonus)
    assert (*resets, state.max_generators_bonus, state.demand_bonus) == (0, 0, 0, 0, 0)
    specials = (state.build_speed_reduction, state.energy_multiplier, state.exchange_rate_multiplier)
    assert (state.supercoin, *specials) == (2, 1, 2, 3)
    assert (state.play_time_ms, state.tutorial, state.tutorial_rewards_paid, state.drop_exposure) == (
        99,
        0,
        [11],
        0.5,
    )


def test_start_money_grows_tenfold_per_upgrade_level() -> None:
    state = make_state(money=BigValue(15_000_000), rebirth_start_money_upgrade=2)
    rebirth(state, 1, T0)
    assert state.money == BigValue(1000)


def test_chain_charges_only_the_last_step() -> None:
    state = make_state(money=rebirth_cost(4), rebirth_count=2, rebirth_chain_upgrade=2)
    assert max_chain(state) == 3
    rebirth(state, 3, T0)
    assert state.rebirth_count == 5


def test_chain_longer_than_allowed() -> None:
    state = make_state(money=BigValue("1e100"), rebirth_chain_upgrade=1)
    message = "한 번에 최대 2회까지 환생할 수 있습니다."
    assert_rejected(state, lambda: rebirth(state, 3, T0), ChainLimitExceeded, message)


def test_rebirth_needs_the_price_of_the_last_step() -> None:
    state = make_state(money=rebirth_cost(2) * BigValue("0.999"), rebirth_count=1, rebirth_chain_upgrade=1)
    assert_rejected(state, lambda: rebirth(state, 2, T0), NotEnoughMoneyForRebirth)


def test_rebirth_count_must_be_positive() -> None:
    state = make_state(money=BigValue("1e100"))
    assert_rejected(state, lambda: rebirth(state, 0, T0), InvalidAmount)


def test_rebirth_info() -> None:
    state = make_state(
        rebirth_count=2, rebirth_chain_upgrade=1, rebirth_start_money_upgrade=1, upgrade_batch_upgrade=3
    )
    assert rebirth_info(state) == RebirthInfo(
        rebirth_count=2,
        next_cost=BigValue(15_000_000 * 64),
        current_multiplier=BigValue(4),
        next_multiplier=BigValue(8),
        max_chain=2,
        chain_cost=BigValue(15_000_000 * 512),
        start_money=BigValue(100),
        upgrade_batch_limit=4,
    )


@pytest.mark.parametrize(
    ("held", "number"),
    [(0, 1), (62, 2**62), (63, float(2**63)), (1023, float(2**1023)), (1024, None), (10**6, None)],
)
def test_the_multiplier_as_a_json_number(held: int, number: int | float | None) -> None:
    assert multiplier_number(held) == number
    assert type(multiplier_number(held)) is type(number)


def test_the_multiplier_in_a_message() -> None:
    assert multiplier_text(3) == "8"
    assert multiplier_text(1023) == str(2**1023)  # every digit, as the original
    assert multiplier_text(1024) == "1.797693e+308"
    assert multiplier_text(10**6).endswith("e+301029")
