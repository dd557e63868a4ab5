"""Closed-form time (rules.simulation) against step simulations, and its scenarios (issue 2, decision 2)."""

from __future__ import annotations

import copy
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tycoon.errors import GeneratorTypeNotFound
from tycoon.game.service import SeededLater
from tycoon.kit.bignum import BigValue
from tycoon.rules import simulation
from tycoon.rules.catalogue import DEFAULT_CATALOGUE
from tycoon.rules.simulation import (
    COOLING_PER_SECOND,
    GeneratorRates,
    advance,
    build_duration,
    generator_rates,
    production_per_second,
)
from tycoon.rules.state import GeneratorState, PlayerState

from .helpers import T0, built, make_state, player_states

NEVER = math.inf  # produce_until without an offline cap


def run(state: PlayerState, seconds: float, produce_until: float = NEVER, seed: int = 0) -> None:
    advance(state, DEFAULT_CATALOGUE, state.settled_at + seconds, produce_until, random.Random(seed))


# Rates -------------------------------------------------------------------------------------------------
def test_rates_follow_the_formulas() -> None:
    generator = built(type_index=1, production_level=2, heat_reduction_level=1, tolerance_level=1)
    state = make_state(
        production_bonus=5, heat_reduction=3, tolerance_bonus=2, rebirth_count=2, energy_multiplier=1
    )
    rates = generator_rates(state, generator, DEFAULT_CATALOGUE)
    assert rates.production == BigValue("37.44")  # 2.6 × 1.2 × 1.5 × 2² × 2¹
    assert rates.heat_rate == pytest.approx((1 + 0.5 * 2) * 0.9 * 0.7)
    assert rates.heat_limit == 10 + 10 + 20
    assert rates.rebuild_seconds == 4


@pytest.mark.parametrize(("level", "factor"), [(0, 1.0), (5, 0.5), (9, 0.1), (40, 0.1)])
def test_global_heat_reduction_saturates_at_ten_percent(level: int, factor: float) -> None:
    rates = generator_rates(make_state(heat_reduction=level), built(type_index=19), DEFAULT_CATALOGUE)
    assert rates.heat_rate == pytest.approx(300 * factor)


def test_multipliers_pass_the_float_range() -> None:
    state = make_state(rebirth_count=5_000, energy_multiplier=10)
    production = generator_rates(state, built(type_index=44), DEFAULT_CATALOGUE).production
    assert production.log10() == pytest.approx(52 + 5_010 * math.log10(2))


def test_unknown_generator_type_is_an_error() -> None:
    with pytest.raises(GeneratorTypeNotFound):
        generator_rates(make_state(), built(type_index=99), DEFAULT_CATALOGUE)


@pytest.mark.parametrize(
    ("index", "level", "seconds"),
    [(4, 0, 13), (4, 3, 9), (2, 5, 3), (44, 9, 88), (44, 30, 88), (0, 9, 1), (30, 6, 185), (36, 3, 454)],
)
def test_build_duration(index: int, level: int, seconds: int) -> None:
    gtype = DEFAULT_CATALOGUE.by_index(index)
    assert gtype is not None
    assert build_duration(gtype, level) == seconds


def test_production_per_second_counts_built_running_generators_only() -> None:
    state = make_state(
        generators=[
            built("a", 0, 0),
            built("b", 1, 1),
            built("c", 1, 2, running=False),
            built("d", 1, 3, build_end=T0 + 5),
        ]
    )
    assert production_per_second(state, DEFAULT_CATALOGUE) == BigValue("3.6")


# Scenarios ---------------------------------------------------------------------------------------------
def test_solar_panel_builds_heats_explodes_rebuilds_and_runs_again() -> None:
    state = make_state(generators=[built(type_index=1, build_end=T0 + 4, build_total=4)])
    generator = state.generators[0]
    run(state, 3)
    assert (generator.build_end, state.energy) == (T0 + 4, BigValue(0))
    run(state, 1)  # built at T0 + 4
    assert (generator.build_end, generator.heat, generator.running) == (None, 0.0, True)
    run(state, 10)  # heat 10 = the limit: not above it yet
    assert (generator.heat, generator.exploded, state.energy) == (10.0, False, BigValue(26))
    run(state, 0.5)
    assert (generator.exploded, generator.heat, generator.build_end) == (True, 0.0, T0 + 18)
    assert (generator.build_total, generator.running, state.energy) == (4.0, True, BigValue(26))
    run(state, 5.5)  # rebuilt at T0 + 18, then 2 s of running
    assert (generator.exploded, generator.build_end, generator.heat) == (False, None, 2.0)
    assert state.energy == BigValue("31.2")


def test_plant_cell_never_explodes() -> None:
    state = make_state(generators=[built(type_index=0)])
    run(state, 30 * 24 * 3600)
    assert (state.generators[0].heat, state.generators[0].build_end) == (0.0, None)
    assert state.energy == BigValue(30 * 24 * 3600)


def test_vanishing_heat_rate_never_explodes() -> None:
    generator = built(
        type_index=1, heat=50.0, heat_reduction_level=6_800
    )  # above its limit, e.g. after an edit
    state = make_state(generators=[generator])
    rates = generator_rates(state, generator, DEFAULT_CATALOGUE)
    assert 0 < rates.heat_rate < 1e-300
    assert not rates.explodes
    run(state, 100)
    assert (generator.exploded, state.energy) == (False, BigValue(260))


def test_heat_above_a_lowered_limit_explodes_at_once() -> None:
    state = make_state(generators=[built(type_index=1, heat=50.0)])
    run(state, 1)
    assert (state.generators[0].exploded, state.generators[0].build_end, state.energy) == (
        True,
        T0 + 4,
        BigValue(0),
    )


def test_paused_generator_cools_and_does_not_produce() -> None:
    state = make_state(generators=[built(type_index=1, heat=8.0, running=False)])
    run(state, 3)
    assert (state.generators[0].heat, state.energy) == (8.0 - 3 * COOLING_PER_SECOND, BigValue(0))
    run(state, 100)
    assert state.generators[0].heat == 0.0


def test_paused_building_generator_cools_and_runs_when_built() -> None:
    state = make_state(generators=[built(type_index=1, heat=3.0, running=False, build_end=T0 + 2)])
    run(state, 1)
    assert (state.generators[0].heat, state.generators[0].running) == (2.0, False)
    run(state, 2)  # built at T0 + 2 with heat 1, then 1 s of running
    assert (state.generators[0].heat, state.generators[0].running) == (2.0, True)
    assert state.energy == BigValue("2.6")


def test_production_stops_at_the_offline_cap_but_heat_goes_on() -> None:
    state = make_state(generators=[built(type_index=0), built("g2", 1, 1)])
    run(state, 25, produce_until=T0 + 5)
    assert state.energy == BigValue(5 * 1 + 5 * 2.6)
    assert state.generators[1].exploded  # exploded at T0 + 10, rebuilding until T0 + 24 + ...
    run(state, 10, produce_until=T0 + 5)
    assert state.energy == BigValue(5 * 1 + 5 * 2.6)


def test_advance_into_the_past_changes_nothing() -> None:
    state = make_state(generators=[built(type_index=1)])
    before = copy.deepcopy(state)
    advance(state, DEFAULT_CATALOGUE, T0 - 10, NEVER, random.Random(0))
    assert state == before


def test_supercoins_drop_at_one_per_million_producing_seconds() -> None:
    state = make_state(generators=[built(type_index=0)])
    run(state, 100_000_000, seed=7)  # 100 expected
    assert 70 <= state.supercoin <= 130
    assert 0 <= state.drop_exposure < state.drop_threshold


def test_a_settling_seeds_its_draws_only_when_a_coin_drops() -> None:
    """The request path's generator (game/service.py) draws what random.Random of its seed draws, and costs no
    seeding when no coin dropped (most settlings)."""
    lazy, eager = SeededLater("player:1.5"), random.Random("player:1.5")
    quiet = make_state(generators=[built(type_index=0)])
    advance(quiet, DEFAULT_CATALOGUE, quiet.settled_at + 10, NEVER, lazy)
    assert quiet.supercoin == 0
    assert lazy._rng is None
    busy, same = make_state(generators=[built(type_index=0)]), make_state(generators=[built(type_index=0)])
    advance(busy, DEFAULT_CATALOGUE, busy.settled_at + 10**8, NEVER, lazy)
    advance(same, DEFAULT_CATALOGUE, same.settled_at + 10**8, NEVER, eager)
    assert busy.supercoin > 0
    assert busy == same


def test_supercoin_exposure_counts_only_producing_time() -> None:
    state = make_state(generators=[built(type_index=1), built("p", 0, 1, running=False)])
    run(state, 14 * 1000)  # solar: 10 s running in every 14 s cycle; the paused plant not at all
    assert state.drop_exposure == pytest.approx(10 * 1000 * 1e-6)


# Closed form vs a 1-second step simulation split at events ---------------------------------------------
@dataclass
class Stepped:
    heat: float
    running: bool
    build_end: float | None  # seconds after T0
    exploded: bool
    producing: float = 0.0


def step_simulate(
    generator: GeneratorState, rates: GeneratorRates, duration: float, window: float
) -> Stepped:
    """An independent simulation: 1 s steps, each split at explosion, build end and cooling-to-zero events."""
    build_end = None if generator.build_end is None else generator.build_end - T0
    g = Stepped(generator.heat, generator.running, build_end, generator.exploded)
    t = 0.0
    while t < duration:
        step_end = min(math.floor(t) + 1.0, duration)
        while t < step_end:
            t = _step_segment(g, rates, t, step_end, window)
    if g.build_end is not None and g.build_end <= duration:
        _step_segment(g, rates, duration, duration, window)
    return g


def _step_segment(g: Stepped, rates: GeneratorRates, t: float, limit: float, window: float) -> float:
    if g.build_end is not None:
        return _step_building(g, t, limit)
    if not g.running:
        end = min(limit, t + g.heat) if g.heat > 0 else limit
        g.heat = max(0.0, g.heat - (end - t))
        return end
    explodes = rates.heat_rate > 0 and rates.heat_limit > 0
    if explodes and g.heat >= rates.heat_limit:  # any time past the limit is an explosion
        g.heat, g.build_end, g.exploded = 0.0, t + rates.rebuild_seconds, True
        return t
    at_limit = t + (rates.heat_limit - g.heat) / rates.heat_rate if explodes else math.inf
    end = min(limit, at_limit)
    g.producing += max(0.0, min(end, window) - t)
    g.heat = rates.heat_limit if end == at_limit else g.heat + rates.heat_rate * (end - t)
    return end


def _step_building(g: Stepped, t: float, limit: float) -> float:
    assert g.build_end is not None
    if g.build_end <= t:
        g.heat = 0.0 if g.exploded else g.heat
        g.build_end, g.exploded, g.running = None, False, True
        return t
    end = min(limit, g.build_end)
    if not g.running:
        g.heat = max(0.0, g.heat - (end - t))
    return end


def assert_close(actual: float, expected: float, scale: float) -> None:
    assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9 * max(1.0, scale))


@settings(max_examples=60, deadline=None)
@given(player_states(), st.floats(0.0, 2_500.0), st.floats(-10.0, 2_600.0))
def test_closed_form_matches_step_simulation(state: PlayerState, duration: float, window: float) -> None:
    # Both sides see the same instants: T0 + x rounds, and (T0 + x) − T0 is then exact.
    duration, window = (T0 + duration) - T0, (T0 + window) - T0
    rates = [generator_rates(state, g, DEFAULT_CATALOGUE) for g in state.generators]
    stepped = [step_simulate(g, r, duration, window) for g, r in zip(state.generators, rates, strict=True)]
    advance(state, DEFAULT_CATALOGUE, T0 + duration, T0 + window, random.Random(0))
    expected_energy = sum(float(r.production) * s.producing for r, s in zip(rates, stepped, strict=True))
    assert_close(float(state.energy), expected_energy, expected_energy)
    for generator, rate, step in zip(state.generators, rates, stepped, strict=True):
        assert_close(generator.heat, step.heat, rate.heat_limit)
        assert (generator.running, generator.exploded) == (step.running, step.exploded)
        assert (generator.build_end is None) == (step.build_end is None)
        if generator.build_end is not None and step.build_end is not None:
            assert_close(generator.build_end - T0, step.build_end, duration)


def naive_ticks(rates: GeneratorRates, ticks: int) -> tuple[int, int]:
    """The original client: every second heat += h, explode if heat > T (that tick still produces)."""
    heat, rebuild_left, produced, explosions = 0.0, 0, 0, 0
    for _ in range(ticks):
        if rebuild_left > 0:
            rebuild_left -= 1
            continue
        produced += 1
        heat += rates.heat_rate
        if heat > rates.heat_limit:
            heat, rebuild_left, explosions = 0.0, int(rates.rebuild_seconds), explosions + 1
    return produced, explosions


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 44), st.integers(0, 10), st.integers(0, 10), st.integers(0, 10), st.integers(1, 3_000))
def test_closed_form_is_within_one_tick_per_cycle_of_the_original_client(
    index: int, production: int, cooling: int, tolerance: int, ticks: int
) -> None:
    generator = built(type_index=index, production_level=production, heat_reduction_level=cooling)
    state = make_state(tolerance_bonus=tolerance, generators=[generator])
    rates = generator_rates(state, generator, DEFAULT_CATALOGUE)
    produced, explosions = naive_ticks(rates, ticks)
    run(state, ticks)
    closed = float(state.energy) / float(rates.production)
    assert abs(closed - produced) <= explosions + 1


# Associativity and cost --------------------------------------------------------------------------------
def split_points(duration: float, fractions: list[float]) -> list[float]:
    return sorted(T0 + duration * f for f in fractions)


@settings(max_examples=60, deadline=None)
@given(
    player_states(),
    st.floats(0.0, 3_000.0),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
    st.floats(-10.0, 3_100.0),
)
def test_advance_in_steps_equals_advance_at_once(
    state: PlayerState, duration: float, fractions: list[float], window: float
) -> None:
    in_steps = copy.deepcopy(state)
    for point in [*split_points(duration, fractions), T0 + duration]:
        advance(in_steps, DEFAULT_CATALOGUE, point, T0 + window, random.Random(1))
    advance(state, DEFAULT_CATALOGUE, T0 + duration, T0 + window, random.Random(2))
    assert_close(float(in_steps.energy), float(state.energy), float(state.energy))
    assert_close(in_steps.drop_exposure, state.drop_exposure, state.drop_exposure)
    assert in_steps.settled_at == state.settled_at
    for stepped, direct in zip(in_steps.generators, state.generators, strict=True):
        assert_close(stepped.heat, direct.heat, generator_rates(state, direct, DEFAULT_CATALOGUE).heat_limit)
        assert (stepped.running, stepped.exploded) == (direct.running, direct.exploded)
        assert (stepped.build_end is None) == (direct.build_end is None)


def lines_executed_in_simulation(action: Callable[[], None]) -> int:
    """How many lines of rules/simulation.py run: a work count that no timing noise can blur."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != simulation.__file__:
            return None
        count += event == "line"
        return tracer

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def busy_state() -> PlayerState:
    return make_state(
        drop_threshold=1e12,
        generators=[
            built("solar", 1, 0, heat=5.0),
            built("divine", 44, 1, heat=0.0, build_end=T0 + 2, build_total=890, exploded=True),
            built("paused", 3, 2, heat=20.0, running=False),
            built("building", 10, 3, build_end=T0 + 1, build_total=58),
            built("plant", 0, 4),
        ],
    )


def test_advance_costs_the_same_after_3_seconds_or_8_hours() -> None:
    def work(seconds: float) -> int:
        state = busy_state()
        return lines_executed_in_simulation(lambda: run(state, seconds))

    three_seconds, eight_hours, thirty_days = work(3), work(8 * 3600), work(30 * 24 * 3600)
    assert eight_hours == thirty_days  # no loop over seconds or explosion cycles
    assert eight_hours <= three_seconds * 1.5  # only which branches run differs


def shift_in_time(state: PlayerState, seconds: float) -> None:
    state.settled_at += seconds
    for generator in state.generators:
        if generator.build_end is not None:
            generator.build_end += seconds


@settings(max_examples=40, deadline=None)
@given(player_states(), st.floats(0.0, 3_000.0), st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4))
def test_advance_is_associative_at_real_unix_times(
    state: PlayerState, duration: float, fractions: list[float]
) -> None:
    # At 1.7e9 s a float timestamp resolves ~2.4e-7 s: agreement is to that resolution, not to 1e-9.
    shift_in_time(state, 1.7e9 - T0)
    start = state.settled_at
    in_steps = copy.deepcopy(state)
    for point in [*sorted(start + duration * f for f in fractions), start + duration]:
        advance(in_steps, DEFAULT_CATALOGUE, point, NEVER, random.Random(1))
    advance(state, DEFAULT_CATALOGUE, start + duration, NEVER, random.Random(1))
    rates = [generator_rates(state, g, DEFAULT_CATALOGUE) for g in state.generators]
    total = sum(float(r.production) for r in rates)
    assert float(in_steps.energy) == pytest.approx(float(state.energy), rel=1e-9, abs=total * 1e-5)
    for stepped, direct, rate in zip(in_steps.generators, state.generators, rates, strict=True):
        assert stepped.heat == pytest.approx(direct.heat, rel=1e-9, abs=rate.heat_rate * 1e-5 + 1e-9)
        assert (stepped.running, stepped.exploded) == (direct.running, direct.exploded)
