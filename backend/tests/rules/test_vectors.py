"""The client's extrapolation vectors (frontend/src/game/vectors.json) against the Python rules.

Each case is a GET /progress answer, a time step and the state expected after it. This test recomputes
every expected state with `rules.simulation.advance`; `make vectors` (WRITE_VECTORS=1) writes them back into
the file, so the TypeScript extrapolation is tested against exactly what the server computes.
"""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path
from typing import Any

import pytest

from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import Catalogue, GeneratorType
from tycoon.rules.simulation import advance
from tycoon.rules.state import GeneratorState, PlayerState

VECTORS = Path(__file__).resolve().parents[3] / "frontend" / "src" / "game" / "vectors.json"
WRITE = os.environ.get("WRITE_VECTORS") == "1"

Case = dict[str, Any]


def load_cases() -> list[Case]:
    if not VECTORS.exists():
        return []
    cases: list[Case] = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    return cases


def wire_value(fields: dict[str, Any], prefix: str) -> BigValue:
    return BigValue.from_wire(fields[f"{prefix}_data"], fields[f"{prefix}_high"])


def generator_type(index: int, generator: dict[str, Any]) -> GeneratorType:
    """A type whose base numbers are the answer's final rates, so the state needs no upgrade levels."""
    return GeneratorType(
        index=index,
        name=generator["type"],
        description="",
        cost=wire_value(generator, "cost"),
        production=wire_value(generator, "production"),
        build_seconds=int(generator["rebuild_seconds"]),
        heat=float(generator["heat_rate"]),
        tolerance=float(generator["heat_limit"]),
        size=1.0,
    )


def generator_state(index: int, generator: dict[str, Any]) -> GeneratorState:
    return GeneratorState(
        generator_id=generator["generator_id"],
        type_index=index,
        x_position=generator["x_position"],
        world_position=generator["world_position"],
        running=generator["running"] or generator["exploded"],  # the wire shows a rebuild as stopped
        heat=float(generator["heat"]),
        build_end=generator["build_complete_ts"] if generator["isdeveloping"] else None,
        build_total=float(generator.get("build_total_seconds", 0.0)),
        exploded=generator["exploded"],
    )


def expected_after(case: Case) -> dict[str, Any]:
    progress = case["progress"]
    generators = progress["generators"]
    catalogue = Catalogue(tuple(generator_type(i, g) for i, g in enumerate(generators)))
    state = PlayerState(
        user_id=progress["user"]["user_id"],
        username=progress["user"]["username"],
        settled_at=progress["server_time_ms"] / 1000,
        energy=wire_value(progress["user"], "energy"),
        generators=[generator_state(i, g) for i, g in enumerate(generators)],
    )
    advance(state, catalogue, state.settled_at + case["dt_seconds"], math.inf, random.Random(0))
    return {"energy": wire_dict(state.energy), "generators": [snapshot(g) for g in state.generators]}


def wire_dict(value: BigValue) -> dict[str, int]:
    data, high = value.to_wire()
    return {"data": data, "high": high}


def snapshot(generator: GeneratorState) -> dict[str, Any]:
    return {
        "generator_id": generator.generator_id,
        "heat": generator.heat,
        "running": generator.running and not generator.exploded,
        "isdeveloping": generator.developing,
        "exploded": generator.exploded,
    }


def assert_same_outcome(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """The tolerances of docs/api.md: heat 1e-6 relative, energy one unit of `data`."""
    unit = BigValue.from_wire(1, max(actual["energy"]["high"], expected["energy"]["high"]))
    ours = BigValue.from_wire(**actual["energy"])
    theirs = BigValue.from_wire(**expected["energy"])
    assert (ours - theirs if ours > theirs else theirs - ours) <= unit
    for mine, stored in zip(actual["generators"], expected["generators"], strict=True):
        assert mine["heat"] == pytest.approx(stored["heat"], rel=1e-6, abs=1e-6)
        assert {k: v for k, v in mine.items() if k != "heat"} == {
            k: v for k, v in stored.items() if k != "heat"
        }


@pytest.mark.skipif(not VECTORS.exists(), reason="no frontend checkout")
def test_vectors_match_the_rules() -> None:
    cases = load_cases()
    assert cases
    if WRITE:
        for case in cases:
            case["expected"] = expected_after(case)
        text = json.dumps({"cases": cases}, ensure_ascii=False, indent=1)
        VECTORS.write_text(text, encoding="utf-8")
    for case in cases:
        assert_same_outcome(expected_after(case), case["expected"])
