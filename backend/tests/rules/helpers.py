"""Builders and generated cases shared by the rules tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Final

import pytest
from hypothesis import strategies as st

from tycoon.errors import GameError
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import DEFAULT_CATALOGUE
from tycoon.rules.state import GeneratorState, PlayerState

T0: Final = 1_000.0  # small, so that float timestamps keep ~1e-13 s resolution in the step comparisons


def make_state(**fields: Any) -> PlayerState:
    return PlayerState(user_id="u1", username="player", settled_at=T0, **fields)


def built(
    generator_id: str = "g1", type_index: int = 1, x_position: int = 0, **fields: Any
) -> GeneratorState:
    return GeneratorState(generator_id=generator_id, type_index=type_index, x_position=x_position, **fields)


def rich(**fields: Any) -> PlayerState:
    return make_state(money=BigValue("1e400"), **fields)


def assert_rejected(
    state: PlayerState, action: Callable[[], object], error: type[GameError], message: str | None = None
) -> None:
    """The action raises `error` (with `message`, if given) and leaves the state exactly as it was."""
    before = dataclasses.asdict(state)
    with pytest.raises(error) as caught:
        action()
    if message is not None:
        assert caught.value.message == message
    assert dataclasses.asdict(state) == before


# Generated states --------------------------------------------------------------------------------------
@st.composite
def generator_states(draw: st.DrawFn, generator_id: str, x_position: int) -> GeneratorState:
    gtype = DEFAULT_CATALOGUE.types[draw(st.integers(0, len(DEFAULT_CATALOGUE.types) - 1))]
    generator = built(
        generator_id,
        gtype.index,
        x_position,
        production_level=draw(st.integers(0, 25)),
        heat_reduction_level=draw(st.integers(0, 25)),
        tolerance_level=draw(st.integers(0, 25)),
        running=draw(st.booleans()),
    )
    phase = draw(st.sampled_from(["built", "building", "rebuilding"]))
    if phase == "built":
        generator.heat = draw(st.floats(0.0, gtype.tolerance * 1.2))
    else:
        generator.build_end = T0 + draw(st.floats(0.001, 1_500.0))
        generator.build_total = generator.build_end - T0 + draw(st.floats(0.0, 100.0))
        generator.exploded = phase == "rebuilding"
        generator.heat = 0.0 if generator.exploded else draw(st.floats(0.0, 50.0))
    return generator


@st.composite
def player_states(draw: st.DrawFn, max_generators: int = 4) -> PlayerState:
    count = draw(st.integers(1, max_generators))
    return make_state(
        energy=BigValue(0),
        production_bonus=draw(st.integers(0, 20)),
        heat_reduction=draw(st.integers(0, 12)),
        tolerance_bonus=draw(st.integers(0, 20)),
        rebirth_count=draw(st.integers(0, 6)),
        energy_multiplier=draw(st.integers(0, 3)),
        drop_threshold=1e12,  # no supercoin drops: the random draws would differ between paths
        generators=[draw(generator_states(f"g{i}", i)) for i in range(count)],
    )
