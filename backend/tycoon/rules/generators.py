"""Placing, demolishing, skipping builds, pausing and upgrading generators (ORIGINAL-RULES §4, §7.2).

Every action expects the state already advanced to `now` (rules.simulation.advance), checks everything, and
only then changes the state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from tycoon.errors import (
    GeneratorLimitReached,
    GeneratorNotFound,
    GeneratorTypeNotFound,
    NotEnoughMoney,
    NotEnoughMoneyToDemolish,
    NotEnoughMoneyToSkip,
    PositionTaken,
    UnknownUpgrade,
)
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import GENERATOR_UPGRADES, Catalogue, GeneratorType
from tycoon.rules.simulation import build_duration, complete_build, generator_type_of
from tycoon.rules.state import GeneratorState, PlayerState
from tycoon.rules.upgrades import check_amount, generator_upgrade_cost, spec_for

BASE_GENERATOR_SLOTS: Final = 10
DEMOLISH_FEE: Final = Decimal("0.5")  # of the install cost
SKIP_PRICE: Final = Decimal("0.1")  # of the install cost, for a whole build
MIN_SKIP_COST: Final = BigValue(1)  # the original charged 1 when the price came out as 0 on the wire


@dataclass(frozen=True, slots=True)
class SkipResult:
    cost: BigValue | None  # None: nothing was charged
    remaining_seconds: int  # the build's end in whole seconds minus now in whole seconds, as the original


def max_generators(state: PlayerState) -> int:
    return BASE_GENERATOR_SLOTS + state.max_generators_bonus


def owned_generator(state: PlayerState, generator_id: str) -> GeneratorState:
    generator = state.generator(generator_id)
    if generator is None:
        raise GeneratorNotFound()
    return generator


# Placing and demolishing -------------------------------------------------------------------------------
def place_generator(
    state: PlayerState,
    catalogue: Catalogue,
    gtype: GeneratorType,
    x_position: int,
    world_position: int,
    now: float,
    generator_id: str,
) -> GeneratorState:
    _check_placement(state, catalogue, gtype, x_position, world_position)
    duration = float(build_duration(gtype, state.build_speed_reduction))
    generator = GeneratorState(
        generator_id=generator_id,
        type_index=gtype.index,
        x_position=x_position,
        world_position=world_position,
        build_end=now + duration,
        build_total=duration,
    )
    state.money = state.money - gtype.cost
    state.generators.append(generator)
    return generator


def _check_placement(
    state: PlayerState, catalogue: Catalogue, gtype: GeneratorType, x_position: int, world_position: int
) -> None:
    if catalogue.by_index(gtype.index) is None:
        raise GeneratorTypeNotFound()
    if len(state.generators) >= max_generators(state):
        raise GeneratorLimitReached()
    if any(g.x_position == x_position and g.world_position == world_position for g in state.generators):
        raise PositionTaken()
    if state.money < gtype.cost:
        raise NotEnoughMoney()


def demolish(state: PlayerState, catalogue: Catalogue, generator_id: str) -> BigValue:
    """Demolition costs half the install cost; nothing is refunded, upgrades are lost."""
    generator = owned_generator(state, generator_id)
    fee = generator_type_of(catalogue, generator).cost * DEMOLISH_FEE
    if state.money < fee:
        raise NotEnoughMoneyToDemolish()
    state.money = state.money - fee
    state.generators.remove(generator)
    return fee


# Builds and switches -----------------------------------------------------------------------------------
def skip_build(state: PlayerState, catalogue: Catalogue, generator_id: str, now: float) -> SkipResult:
    """Finish a build or a rebuild now, for 10 % of the install cost × the share of the build left."""
    generator = owned_generator(state, generator_id)
    if generator.build_end is None:
        return SkipResult(cost=None, remaining_seconds=0)
    remaining = whole_seconds_left(generator.build_end, now)
    if remaining <= 0:  # due by the original's whole-second clock: free
        complete_build(generator, 0.0 if generator.exploded else generator.heat)
        return SkipResult(cost=None, remaining_seconds=0)
    gtype = generator_type_of(catalogue, generator)
    # a build is a share of its duration at the current build-speed level (§4.3); a rebuild of its own
    total = (
        generator.build_total
        if generator.exploded
        else float(build_duration(gtype, state.build_speed_reduction))
    )
    cost = skip_cost(gtype, total, remaining)
    if state.money < cost:
        raise NotEnoughMoneyToSkip()
    state.money = state.money - cost
    complete_build(generator, 0.0 if generator.exploded else generator.heat)
    return SkipResult(cost=cost, remaining_seconds=remaining)


def whole_seconds_left(build_end: float, now: float) -> int:
    # The original stored a build's end as trunc(start + D) and read its clock as int(time.time()).
    return math.trunc(build_end) - math.trunc(now)


def skip_cost(gtype: GeneratorType, total_seconds: float, remaining_seconds: int) -> BigValue:
    """C × min(1, r / D) × 0.1 as the wire shows it (six digits, truncated), so the player pays the price
    shown; 1 when that shows as 0 (below 0.001), as the original."""
    whole = gtype.cost * SKIP_PRICE
    if remaining_seconds < total_seconds:
        whole = whole * remaining_seconds / total_seconds
    shown = BigValue.from_wire(*whole.to_wire())
    return MIN_SKIP_COST if shown.is_zero() else shown


def set_running(state: PlayerState, generator_id: str, running: bool) -> None:
    owned_generator(state, generator_id).running = running


# Per-generator upgrades --------------------------------------------------------------------------------
def upgrade_generator(
    state: PlayerState, catalogue: Catalogue, generator_id: str, key: str, amount: int
) -> BigValue:
    generator = owned_generator(state, generator_id)  # before the key, as the original
    spec = spec_for(GENERATOR_UPGRADES, key)
    check_amount(amount)
    level: int = getattr(generator, spec.field)
    cost = generator_upgrade_cost(spec, generator_type_of(catalogue, generator).cost, level, amount)
    if state.money < cost:
        raise NotEnoughMoney()
    state.money = state.money - cost
    setattr(generator, spec.field, level + amount)
    return cost


def bulk_upgrade(
    state: PlayerState, catalogue: Catalogue, items: Sequence[tuple[str, str, int]]
) -> list[str]:
    """POST /generators/bulk-upgrade: (generator id, key, amount) items in order, as the original: an item
    naming no generator of the player's or no upgrade is skipped; processing stops at the first item that
    cannot be paid. An item above MAX_AMOUNT levels makes the whole request a 400 before anything changes
    (issue 2: amounts above 10,000 per request are a 400). Returns the upgraded generators' ids."""
    for _, _, amount in items:
        check_amount(amount)
    upgraded: list[str] = []
    for generator_id, key, amount in items:
        try:
            upgrade_generator(state, catalogue, generator_id, key, amount)
        except (GeneratorNotFound, GeneratorTypeNotFound, UnknownUpgrade):
            continue
        except NotEnoughMoney:
            break
        upgraded.append(generator_id)
    return upgraded
