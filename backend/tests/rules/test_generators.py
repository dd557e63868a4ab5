"""Placing, demolishing, skipping, pausing and upgrading generators (ORIGINAL-RULES §4, §7.2)."""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal

import pytest

from tycoon.errors import (
    AmountTooLarge,
    GeneratorLimitReached,
    GeneratorNotFound,
    GeneratorTypeNotFound,
    InvalidAmount,
    NotEnoughMoney,
    NotEnoughMoneyToDemolish,
    NotEnoughMoneyToSkip,
    PositionTaken,
    UnknownUpgrade,
)
from tycoon.kit.bignum import BigValue, big_sum
from tycoon.rules.catalogue import DEFAULT_CATALOGUE, GENERATOR_UPGRADES, Catalogue, GeneratorType
from tycoon.rules.generators import (
    SkipResult,
    bulk_upgrade,
    demolish,
    max_generators,
    place_generator,
    set_running,
    skip_build,
    upgrade_generator,
)
from tycoon.rules.state import PlayerState
from tycoon.rules.upgrades import MAX_AMOUNT

from .helpers import T0, assert_rejected, built, make_state, rich

SOLAR = DEFAULT_CATALOGUE.types[1]  # 250, builds in 4 s
DIVINE = DEFAULT_CATALOGUE.types[44]


def place(
    state: PlayerState, gtype: GeneratorType = SOLAR, x: int = 100, world: int = 0, gid: str = "new"
) -> None:
    place_generator(state, DEFAULT_CATALOGUE, gtype, x, world, T0, gid)


# Placing -----------------------------------------------------------------------------------------------
def test_place_charges_the_cost_and_starts_the_build() -> None:
    state = make_state(money=BigValue(300), build_speed_reduction=5)
    generator = place_generator(state, DEFAULT_CATALOGUE, SOLAR, 100, 0, T0, "new")
    assert state.money == BigValue(50)
    assert state.generators == [generator]
    assert (generator.generator_id, generator.type_index, generator.x_position) == ("new", 1, 100)
    assert (generator.build_end, generator.build_total) == (T0 + 2, 2.0)  # 4 s − 50 %
    assert (generator.running, generator.heat, generator.exploded) == (True, 0.0, False)


def test_max_generators_is_ten_plus_the_upgrade() -> None:
    assert max_generators(make_state()) == 10
    assert max_generators(make_state(max_generators_bonus=7)) == 17


def test_place_at_the_limit_is_refused() -> None:
    state = rich(generators=[built(f"g{i}", 0, i) for i in range(10)])
    assert_rejected(state, lambda: place(state), GeneratorLimitReached)
    state.max_generators_bonus = 1
    place(state)
    assert len(state.generators) == 11


def test_developing_generators_count_towards_the_limit() -> None:
    state = rich(generators=[built(f"g{i}", 0, i, build_end=T0 + 9) for i in range(10)])
    assert_rejected(state, lambda: place(state), GeneratorLimitReached)


def test_place_on_the_exact_same_position_is_refused() -> None:
    state = rich(generators=[built("old", 0, 100, world_position=0)])
    taken = "Generator already exists in this position"
    assert_rejected(state, lambda: place(state, x=100), PositionTaken, taken)
    place(state, x=101)
    place(state, x=100, world=1, gid="other world")
    assert len(state.generators) == 3


@pytest.mark.parametrize(("x", "world"), [(-1, 0), (1_000_001, 0), (0, -1), (0, 1001)])
def test_any_position_is_allowed_as_in_the_original(x: int, world: int) -> None:
    # §4.1: the server checks only exact duplicates; the request bounds them (±10^12, else 422)
    state = rich()
    place(state, x=x, world=world)
    assert (state.generators[-1].x_position, state.generators[-1].world_position) == (x, world)


def test_the_limit_is_checked_before_the_position() -> None:
    state = rich()
    for x in range(10):
        place(state, x=x, gid=f"g{x}")
    assert_rejected(state, lambda: place(state, x=0, gid="one more"), GeneratorLimitReached)


def test_place_without_money_is_refused() -> None:
    state = make_state(money=BigValue("249.999"))
    assert_rejected(state, lambda: place(state), NotEnoughMoney)


def test_place_of_a_type_outside_the_catalogue_is_refused() -> None:
    state = rich()
    small = Catalogue(DEFAULT_CATALOGUE.types[:10])
    assert_rejected(
        state, lambda: place_generator(state, small, DIVINE, 1, 0, T0, "x"), GeneratorTypeNotFound
    )


def test_the_most_expensive_type_can_be_bought() -> None:
    state = make_state(money=BigValue("1.5e1250002"))
    place(state, DIVINE)
    assert state.money == BigValue("5e1250001")


# Demolishing -------------------------------------------------------------------------------------------
def test_demolish_costs_half_the_install_cost() -> None:
    state = make_state(money=BigValue(200), generators=[built("g1", 1), built("g2", 0, 1)])
    assert demolish(state, DEFAULT_CATALOGUE, "g1") == BigValue(125)
    assert state.money == BigValue(75)
    assert [g.generator_id for g in state.generators] == ["g2"]


def test_demolish_needs_the_fee() -> None:
    state = make_state(money=BigValue("124.99"), generators=[built("g1", 1)])
    assert_rejected(state, lambda: demolish(state, DEFAULT_CATALOGUE, "g1"), NotEnoughMoneyToDemolish)


def test_demolish_of_an_unknown_generator() -> None:
    state = rich(generators=[built("g1", 1)])
    assert_rejected(state, lambda: demolish(state, DEFAULT_CATALOGUE, "nope"), GeneratorNotFound)


# Skipping builds ---------------------------------------------------------------------------------------
def test_skip_charges_ten_percent_of_the_remaining_share() -> None:
    state = make_state(money=BigValue(100), generators=[built(type_index=1, build_end=T0 + 3, build_total=4)])
    result = skip_build(state, DEFAULT_CATALOGUE, "g1", T0)
    assert result == SkipResult(cost=BigValue("18.75"), remaining_seconds=3)  # 250 × 3/4 × 0.1
    assert state.money == BigValue("81.25")
    generator = state.generators[0]
    assert (generator.build_end, generator.running, generator.exploded) == (None, True, False)


def test_skip_of_a_rebuild_after_an_explosion_costs_the_same_way() -> None:
    generator = built(type_index=1, build_end=T0 + 2, build_total=4, exploded=True, running=False)
    state = make_state(money=BigValue(100), generators=[generator])
    assert skip_build(state, DEFAULT_CATALOGUE, "g1", T0).cost == BigValue("12.5")
    assert (generator.build_end, generator.exploded, generator.running) == (None, False, True)
    assert generator.heat == 0


def test_skip_is_priced_from_whole_seconds_as_the_original_clock() -> None:
    # ends at 1002.7, now 1000.5: the original's trunc(end) − int(now) = 2 s of a 3 s build
    state = make_state(generators=[built(type_index=0, build_end=T0 + 2.7, build_total=3)])
    result = skip_build(state, DEFAULT_CATALOGUE, "g1", T0 + 0.5)
    assert result == SkipResult(cost=BigValue("0.666"), remaining_seconds=2)  # 10 × 2/3 × 0.1, as shown
    assert state.money == BigValue("9.334")


@pytest.mark.parametrize(
    ("end", "now", "seconds", "cost"),
    [(1.1, 0.9, 1, "92.307"), (2.0, 0.0, 2, "184.615"), (2.99, 0.01, 2, "184.615")],
)  # 12 000 × r/13 × 0.1 as the wire shows it
def test_remaining_seconds_are_the_build_end_minus_now_in_whole_seconds(
    end: float, now: float, seconds: int, cost: str
) -> None:
    state = rich(generators=[built(type_index=4, build_end=T0 + end, build_total=13)])
    result = skip_build(state, DEFAULT_CATALOGUE, "g1", T0 + now)
    assert result == SkipResult(cost=BigValue(cost), remaining_seconds=seconds)


def test_skip_price_is_what_the_wire_shows() -> None:
    state = rich(generators=[built(type_index=4, build_end=T0 + 12, build_total=13)])
    cost = skip_build(state, DEFAULT_CATALOGUE, "g1", T0).cost
    assert cost is not None
    assert (cost, cost.to_wire()) == (BigValue("1107.69"), (110769, 1))  # 12 000 × 12/13 × 0.1 = 1107.69…


def test_a_build_is_shared_at_the_current_build_speed_level() -> None:
    # type 4 (13 s) placed at level 0; with build speed level 1 bought since, D = int(13 × 0.9) = 11 (§4.3)
    state = rich(generators=[built(type_index=4, build_end=T0 + 10, build_total=13)])
    state.build_speed_reduction = 1
    cost = skip_build(state, DEFAULT_CATALOGUE, "g1", T0).cost
    assert cost == BigValue("1090.90")  # 12 000 × 10/11 × 0.1 = 1090.909…, as the wire shows it


def test_a_build_due_by_whole_seconds_is_completed_free() -> None:
    state = make_state(generators=[built(type_index=1, build_end=T0 + 0.9, build_total=4)])
    assert skip_build(state, DEFAULT_CATALOGUE, "g1", T0 + 0.2) == SkipResult(cost=None, remaining_seconds=0)
    assert (state.generators[0].build_end, state.money) == (None, BigValue(10))


def test_skip_costs_one_only_when_the_price_shows_as_zero() -> None:
    cheap = dataclasses.replace(DEFAULT_CATALOGUE.types[0], cost=BigValue("0.02"))  # × 1/3 × 0.1 < 0.001
    catalogue = DEFAULT_CATALOGUE.with_type(cheap)
    state = make_state(generators=[built(type_index=0, build_end=T0 + 1, build_total=3)])
    assert skip_build(state, catalogue, "g1", T0).cost == BigValue(1)
    state = make_state(generators=[built(type_index=0, build_end=T0 + 1, build_total=3)])
    assert skip_build(state, DEFAULT_CATALOGUE, "g1", T0).cost == BigValue("0.333")  # below 1: kept


def test_skip_of_a_built_generator_is_free_and_changes_nothing() -> None:
    state = make_state(generators=[built(type_index=1, heat=4.0)])
    assert skip_build(state, DEFAULT_CATALOGUE, "g1", T0) == SkipResult(cost=None, remaining_seconds=0)
    assert (state.money, state.generators[0].heat) == (BigValue(10), 4.0)


def test_skip_of_a_due_build_completes_it_free() -> None:
    state = make_state(generators=[built(type_index=1, build_end=T0, build_total=4)])
    assert skip_build(state, DEFAULT_CATALOGUE, "g1", T0).cost is None
    assert state.generators[0].build_end is None
    assert state.money == BigValue(10)


def test_skip_without_money() -> None:
    state = make_state(money=BigValue(1), generators=[built(type_index=1, build_end=T0 + 3, build_total=4)])
    assert_rejected(state, lambda: skip_build(state, DEFAULT_CATALOGUE, "g1", T0), NotEnoughMoneyToSkip)


def test_skip_of_an_unknown_generator() -> None:
    state = rich()
    assert_rejected(state, lambda: skip_build(state, DEFAULT_CATALOGUE, "g1", T0), GeneratorNotFound)


# Pause / resume ----------------------------------------------------------------------------------------
def test_set_running_pauses_and_resumes() -> None:
    state = make_state(generators=[built()])
    set_running(state, "g1", False)
    assert state.generators[0].running is False
    set_running(state, "g1", True)
    assert state.generators[0].running is True


def test_set_running_of_an_unknown_generator() -> None:
    state = make_state(generators=[built()])
    assert_rejected(state, lambda: set_running(state, "other", False), GeneratorNotFound)


# Per-generator upgrades --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "first_level_cost"), [("production", "312.5"), ("heat_reduction", "240"), ("tolerance", "270")]
)
def test_first_generator_upgrade_costs(key: str, first_level_cost: str) -> None:
    state = rich(generators=[built(type_index=1)])
    before = state.money
    assert upgrade_generator(state, DEFAULT_CATALOGUE, "g1", key, 1) == BigValue(first_level_cost)
    assert state.money == before - BigValue(first_level_cost)
    assert getattr(state.generators[0], GENERATOR_UPGRADES[key].field) == 1


@pytest.mark.parametrize("key", sorted(GENERATOR_UPGRADES))
@pytest.mark.parametrize(("level", "amount"), [(0, 1), (0, 7), (3, 5), (20, 13)])
def test_generator_upgrade_cost_equals_the_explicit_sum(key: str, level: int, amount: int) -> None:
    spec = GENERATOR_UPGRADES[key]
    generator = built(type_index=5)
    setattr(generator, spec.field, level)
    state = rich(generators=[generator])
    install_cost = DEFAULT_CATALOGUE.types[5].cost
    terms = [install_cost * spec.multiplier * spec.growth ** (level + i) for i in range(1, amount + 1)]
    cost = upgrade_generator(state, DEFAULT_CATALOGUE, "g1", key, amount)
    assert float(cost) == pytest.approx(float(big_sum(terms)), rel=1e-15)
    assert getattr(generator, spec.field) == level + amount


def test_ten_thousand_levels_at_a_high_level_are_fast_and_finite() -> None:
    generator = built(type_index=44, production_level=1_000_000)
    state = make_state(money=BigValue("1e99999999"), generators=[generator])
    started = time.perf_counter()
    cost = upgrade_generator(state, DEFAULT_CATALOGUE, "g1", "production", 10_000)
    assert time.perf_counter() - started < 1.0  # a few Decimal powers, not a loop
    expected_log = 1_250_002 + (1_000_001 + 10_000) * Decimal("1.25").log10() + Decimal(4).log10()
    assert cost.log10() == pytest.approx(float(expected_log), rel=1e-12)  # g^N/(g−1) dominates: × 4


@pytest.mark.parametrize(
    ("key", "amount", "error"),
    [
        ("production", 0, InvalidAmount),
        ("production", -3, InvalidAmount),
        ("production", 10_001, AmountTooLarge),
        ("speed", 1, UnknownUpgrade),
    ],
)
def test_generator_upgrade_rejections(key: str, amount: int, error: type[Exception]) -> None:
    state = rich(generators=[built()])
    assert_rejected(state, lambda: upgrade_generator(state, DEFAULT_CATALOGUE, "g1", key, amount), error)  # type: ignore[arg-type]


def test_generator_upgrade_of_an_unknown_generator() -> None:
    state = rich()
    assert_rejected(
        state, lambda: upgrade_generator(state, DEFAULT_CATALOGUE, "g1", "production", 1), GeneratorNotFound
    )


def test_an_unknown_generator_is_reported_before_an_unknown_key() -> None:
    state = rich(generators=[built()])  # the original looks the generator up first (review F9)
    assert_rejected(
        state, lambda: upgrade_generator(state, DEFAULT_CATALOGUE, "g2", "speed", 1), GeneratorNotFound
    )


# Bulk per-generator upgrades ---------------------------------------------------------------------------
def two_generators(money: str) -> PlayerState:
    return make_state(money=BigValue(money), generators=[built("g1", 0), built("g2", 0, x_position=1)])


def test_bulk_skips_items_that_name_nothing() -> None:
    state = two_generators("100")
    items = [("nope", "production", 1), ("g1", "speed", 1), ("g2", "production", 2), ("g1", "tolerance", 1)]
    assert bulk_upgrade(state, DEFAULT_CATALOGUE, items) == ["g2", "g1"]
    assert (state.generators[0].tolerance_level, state.generators[1].production_level) == (1, 2)
    assert state.money == BigValue(100) - BigValue("12.5") - BigValue("15.625") - BigValue("10.8")


def test_bulk_stops_at_the_first_item_that_cannot_be_bought() -> None:
    state = two_generators("100")
    items = [("g1", "production", 1), ("g1", "production", 50), ("g2", "production", 1)]
    assert bulk_upgrade(state, DEFAULT_CATALOGUE, items) == ["g1"]  # earlier items are kept
    assert [g.production_level for g in state.generators] == [1, 0]
    assert state.money == BigValue("87.5")


def test_bulk_with_an_item_above_the_amount_limit_changes_nothing() -> None:
    state = two_generators("1e9999")
    items = [("g1", "production", 1), ("g1", "production", MAX_AMOUNT + 1)]
    with pytest.raises(AmountTooLarge):
        bulk_upgrade(state, DEFAULT_CATALOGUE, items)
    assert [g.production_level for g in state.generators] == [0, 0]
    assert state.money == BigValue("1e9999")


def test_generator_upgrade_without_money() -> None:
    state = make_state(money=BigValue("312.49"), generators=[built()])
    assert_rejected(
        state, lambda: upgrade_generator(state, DEFAULT_CATALOGUE, "g1", "production", 1), NotEnoughMoney
    )


def test_generator_upgrade_is_allowed_while_developing() -> None:
    state = rich(generators=[built(build_end=T0 + 4, build_total=4)])
    upgrade_generator(state, DEFAULT_CATALOGUE, "g1", "tolerance", 2)
    assert state.generators[0].tolerance_level == 2
