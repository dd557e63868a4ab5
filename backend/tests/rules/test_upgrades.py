"""Global and rebirth upgrades and their closed-form prices (ORIGINAL-RULES §7.1, §7.3; issue 2, #5)."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tycoon.errors import (
    AmountTooLarge,
    BatchLimitExceeded,
    GameError,
    InvalidAmount,
    NotEnoughMoney,
    NotEnoughRebirths,
    UnknownUpgrade,
)
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import GLOBAL_UPGRADES, REBIRTH_UPGRADES, UpgradeSpec
from tycoon.rules.upgrades import (
    MAX_AMOUNT,
    apply_upgrade,
    buy_global_upgrade,
    buy_rebirth_upgrade,
    global_upgrade_cost,
    rebirth_upgrade_cost,
)

from .helpers import assert_rejected, make_state, rich


def explicit_sum(spec: UpgradeSpec, level: int, amount: int) -> int:
    growth = Fraction(spec.growth)
    exponents = range(level + spec.offset, level + spec.offset + amount)
    return math.floor(sum(Fraction(spec.base) * growth**e for e in exponents))


# Prices ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "cost"),
    [("production", 18), ("heat_reduction", 75), ("tolerance", 120), ("max_generators", 900), ("demand", 30)],
)
def test_first_level_costs(key: str, cost: int) -> None:
    assert global_upgrade_cost(GLOBAL_UPGRADES[key], 0, 1) == BigValue(cost)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(GLOBAL_UPGRADES)), st.integers(0, 60), st.integers(1, 40))
def test_global_cost_equals_the_explicit_sum(key: str, level: int, amount: int) -> None:
    spec = GLOBAL_UPGRADES[key]
    exact = explicit_sum(spec, level, amount)
    cost = Fraction(global_upgrade_cost(spec, level, amount).value)
    if exact < 10**15:
        assert cost == exact
    else:  # 18 significant digits, truncated
        assert exact * (1 - Fraction(1, 10**16)) <= cost <= exact


@pytest.mark.parametrize("key", sorted(GLOBAL_UPGRADES))
def test_ten_thousand_levels_at_a_high_level_are_fast_and_finite(key: str) -> None:
    spec = GLOBAL_UPGRADES[key]
    started = time.perf_counter()
    cost = global_upgrade_cost(spec, 5_000_000, MAX_AMOUNT)
    assert time.perf_counter() - started < 1.0  # a few Decimal powers, not a loop
    growth = float(spec.growth)
    expected = math.log10(float(spec.base)) + (5_000_001 + MAX_AMOUNT) * math.log10(growth)
    assert cost.log10() == pytest.approx(expected - math.log10(growth - 1), rel=1e-12)


@pytest.mark.parametrize(
    ("key", "level", "amount", "cost"),
    [
        ("rebirth_chain", 0, 1, 1),
        ("rebirth_chain", 3, 1, 8),
        ("rebirth_chain", 0, 3, 7),
        ("upgrade_batch", 2, 2, 12),
        ("rebirth_start_money", 0, 1, 3),
        ("rebirth_start_money", 1, 1, 9),
        ("rebirth_start_money", 0, 3, 39),
    ],
)
def test_rebirth_upgrade_costs(key: str, level: int, amount: int, cost: int) -> None:
    assert rebirth_upgrade_cost(REBIRTH_UPGRADES[key], level, amount) == cost


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(REBIRTH_UPGRADES)), st.integers(0, 80), st.integers(1, 200))
def test_rebirth_cost_is_exact(key: str, level: int, amount: int) -> None:
    spec = REBIRTH_UPGRADES[key]
    assert rebirth_upgrade_cost(spec, level, amount) == explicit_sum(spec, level, amount)


# Buying global upgrades --------------------------------------------------------------------------------
def test_buy_global_upgrade_charges_and_levels_up() -> None:
    state = make_state(money=BigValue(100), upgrade_batch_upgrade=1)
    assert buy_global_upgrade(state, "production", 2) == BigValue(18 + 32)  # 18 + 32.4, truncated
    assert (state.production_bonus, state.money) == (2, BigValue(50))


def test_batch_limit_is_one_plus_the_rebirth_upgrade() -> None:
    state = rich()
    message = "한 번에 {}회까지만 업그레이드할 수 있습니다."
    assert_rejected(
        state, lambda: buy_global_upgrade(state, "demand", 2), BatchLimitExceeded, message.format(1)
    )
    state.upgrade_batch_upgrade = 4
    buy_global_upgrade(state, "demand", 5)
    assert_rejected(
        state, lambda: buy_global_upgrade(state, "demand", 6), BatchLimitExceeded, message.format(5)
    )
    assert state.demand_bonus == 5


@pytest.mark.parametrize("amount", [MAX_AMOUNT + 1, 10**13])
def test_batch_limit_is_checked_before_the_amount_cap(amount: int) -> None:
    state = rich()  # the original's message, whatever the amount (review F7)
    message = "한 번에 1회까지만 업그레이드할 수 있습니다."
    assert_rejected(
        state, lambda: buy_global_upgrade(state, "production", amount), BatchLimitExceeded, message
    )


@pytest.mark.parametrize(
    ("key", "amount", "error"),
    [
        ("production", 0, InvalidAmount),
        ("tolerance", -1, InvalidAmount),
        ("tolerance", MAX_AMOUNT + 1, AmountTooLarge),
        ("supply", 1, UnknownUpgrade),
        ("rebirth_chain", 1, UnknownUpgrade),  # a rebirth upgrade is not a money upgrade
    ],
)
def test_global_upgrade_rejections(key: str, amount: int, error: type[GameError]) -> None:
    state = rich(upgrade_batch_upgrade=50_000)
    assert_rejected(state, lambda: buy_global_upgrade(state, key, amount), error)


def test_global_upgrade_without_money() -> None:
    state = make_state(money=BigValue("899.999"))
    assert_rejected(state, lambda: buy_global_upgrade(state, "max_generators", 1), NotEnoughMoney)


# Buying rebirth upgrades -------------------------------------------------------------------------------
def test_buy_rebirth_upgrade_spends_rebirths() -> None:
    state = make_state(rebirth_count=15)
    assert buy_rebirth_upgrade(state, "rebirth_start_money", 2) == 3 + 9
    assert (state.rebirth_count, state.rebirth_start_money_upgrade) == (3, 2)


def test_rebirth_upgrades_have_no_batch_limit() -> None:
    state = make_state(rebirth_count=7)
    assert buy_rebirth_upgrade(state, "rebirth_chain", 3) == 7
    assert (state.rebirth_count, state.rebirth_chain_upgrade) == (0, 3)


@pytest.mark.parametrize(
    ("key", "amount", "rebirths", "error"),
    [
        ("upgrade_batch", 1, 0, NotEnoughRebirths),
        ("rebirth_start_money", 2, 11, NotEnoughRebirths),
        ("upgrade_batch", 0, 5, InvalidAmount),
        ("upgrade_batch", MAX_AMOUNT + 1, 5, AmountTooLarge),
        ("demand", 1, 5, UnknownUpgrade),
    ],
)
def test_rebirth_upgrade_rejections(key: str, amount: int, rebirths: int, error: type[GameError]) -> None:
    state = rich(rebirth_count=rebirths)
    assert_rejected(state, lambda: buy_rebirth_upgrade(state, key, amount), error)


# Bulk dispatch -----------------------------------------------------------------------------------------
def test_apply_upgrade_dispatches_every_endpoint() -> None:
    state = rich(rebirth_count=100)
    for endpoint in [*GLOBAL_UPGRADES, *REBIRTH_UPGRADES]:
        apply_upgrade(state, endpoint, 1)
    levels = [getattr(state, spec.field) for spec in [*GLOBAL_UPGRADES.values(), *REBIRTH_UPGRADES.values()]]
    assert levels == [1] * 8
    assert state.rebirth_count == 100 - 1 - 1 - 3


def test_apply_upgrade_of_an_unknown_endpoint() -> None:
    state = rich()
    assert_rejected(state, lambda: apply_upgrade(state, "build_speed", 1), UnknownUpgrade)
