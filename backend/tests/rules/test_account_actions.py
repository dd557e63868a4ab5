"""The supercoin shop, the tutorial and autosave (ORIGINAL-RULES §9, §11, §5.2; issue 2, decision 4)."""

from __future__ import annotations

import dataclasses

import pytest

from tycoon.errors import InvalidTutorialStep, MaxLevelReached, NotEnoughSupercoin, UnknownUpgrade
from tycoon.kit.bignum import BigValue
from tycoon.rules.autosave import apply_autosave
from tycoon.rules.catalogue import SPECIAL_UPGRADES
from tycoon.rules.special import buy_special
from tycoon.rules.tutorial import set_tutorial_step, skip_tutorial

from .helpers import assert_rejected, built, make_state


# Special shop ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(SPECIAL_UPGRADES))
def test_buy_special_costs_one_supercoin(key: str) -> None:
    state = make_state(supercoin=3)
    buy_special(state, key)
    assert (state.supercoin, getattr(state, SPECIAL_UPGRADES[key].field)) == (2, 1)


def test_build_speed_stops_at_level_nine() -> None:
    state = make_state(supercoin=5, build_speed_reduction=8)
    buy_special(state, "build_speed")
    assert_rejected(
        state, lambda: buy_special(state, "build_speed"), MaxLevelReached, "최대 레벨에 도달했습니다."
    )


def test_multipliers_have_no_cap() -> None:
    state = make_state(supercoin=1, energy_multiplier=500)
    buy_special(state, "energy_mult")
    assert state.energy_multiplier == 501


def test_special_without_supercoin() -> None:
    state = make_state(supercoin=0)
    assert_rejected(
        state, lambda: buy_special(state, "exchange_mult"), NotEnoughSupercoin, "슈퍼코인이 부족합니다."
    )


def test_unknown_special() -> None:
    state = make_state(supercoin=5)
    assert_rejected(state, lambda: buy_special(state, "award_supercoin"), UnknownUpgrade)


# Tutorial ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [0, 1, 10, 12, 20])
def test_tutorial_steps_without_reward(step: int) -> None:
    state = make_state()
    set_tutorial_step(state, step)
    assert (state.tutorial, state.money) == (step, BigValue(10))


@pytest.mark.parametrize(("step", "reward"), [(11, 18), (13, 30)])
def test_tutorial_rewards_are_paid_once_per_account(step: int, reward: int) -> None:
    state = make_state()
    set_tutorial_step(state, step)
    set_tutorial_step(state, 1)
    set_tutorial_step(state, step)
    assert state.money == BigValue(10 + reward)
    assert state.tutorial_rewards_paid == [step]


def test_both_rewards() -> None:
    state = make_state()
    for step in range(1, 21):
        set_tutorial_step(state, step)
    assert (state.money, sorted(state.tutorial_rewards_paid)) == (BigValue(58), [11, 13])


@pytest.mark.parametrize("step", [-1, 21, 1000])
def test_tutorial_step_out_of_range(step: int) -> None:
    state = make_state()
    assert_rejected(state, lambda: set_tutorial_step(state, step), InvalidTutorialStep)


def test_skip_tutorial_finishes_it() -> None:
    state = make_state(tutorial=7)
    skip_tutorial(state)
    assert state.tutorial == 0


# Autosave ----------------------------------------------------------------------------------------------
def test_autosave_applies_only_pause_switches_of_owned_generators() -> None:
    state = make_state(generators=[built("a", 1, 0), built("b", 1, 1, running=False), built("c", 1, 2)])
    before = dataclasses.asdict(state)
    apply_autosave(state, {"a": False, "b": True, "stranger": False})
    assert [g.running for g in state.generators] == [False, True, True]
    for generator in before["generators"]:
        generator["running"] = {"a": False, "b": True, "c": True}[generator["generator_id"]]
    assert dataclasses.asdict(state) == before
