"""The web client repeats the price curves to label its buttons (frontend/src/game/costs.ts); they must be the
server's (the original's client once showed max_generators at growth 8 while the server charged 3)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tycoon.rules.catalogue import GENERATOR_UPGRADES, GLOBAL_UPGRADES, REBIRTH_UPGRADES, SPECIAL_UPGRADES

COSTS_TS = Path(__file__).resolve().parents[3] / "frontend" / "src" / "game" / "costs.ts"
_ROW = re.compile(r"\{ key: '(?P<key>\w+)',(?P<body>[^}]*)\}")


def _client_rows(table: str) -> dict[str, dict[str, str]]:
    """The rows of `export const <table> = [...]` by key."""
    text = COSTS_TS.read_text()
    start = text.index(f"export const {table}")
    section = text[start : text.index("];", start)]
    return {
        match["key"]: dict(re.findall(r"(\w+): ('[^']*'|[\w.]+)", match["body"]))
        for match in _ROW.finditer(section)
    }


@pytest.mark.parametrize(
    ("table", "key"),
    [("GLOBAL_UPGRADES", key) for key in sorted(GLOBAL_UPGRADES)]
    + [("REBIRTH_UPGRADES", key) for key in sorted(REBIRTH_UPGRADES)],
)
def test_upgrade_curves_match(table: str, key: str) -> None:
    specs = {"GLOBAL_UPGRADES": GLOBAL_UPGRADES, "REBIRTH_UPGRADES": REBIRTH_UPGRADES}[table]
    row, spec = _client_rows(table)[key], specs[key]
    assert (Decimal(row["base"]), Decimal(row["growth"]), row["field"]) == (
        spec.base,
        spec.growth,
        f"'{spec.field}'",
    )


def test_generator_upgrade_curves_match() -> None:
    rows = _client_rows("GENERATOR_UPGRADES")
    for key, spec in GENERATOR_UPGRADES.items():
        assert (Decimal(rows[key]["multiplier"]), Decimal(rows[key]["growth"])) == (
            spec.multiplier,
            spec.growth,
        )


@pytest.mark.parametrize("key", sorted(SPECIAL_UPGRADES))
def test_special_item_caps_match(key: str) -> None:
    row, spec = _client_rows("SPECIAL_ITEMS")[key], SPECIAL_UPGRADES[key]
    assert row["maxLevel"] == ("null" if spec.cap is None else str(spec.cap))
