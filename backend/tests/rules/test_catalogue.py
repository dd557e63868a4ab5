"""The generator catalogue (ORIGINAL-RULES §3) and the upgrade tables (§7, §9)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import uuid
from decimal import Decimal

import pytest

from tycoon.errors import GeneratorTypeNotFound
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import (
    DEFAULT_CATALOGUE,
    DEFAULT_GENERATOR_TYPES,
    GENERATOR_UPGRADES,
    GLOBAL_UPGRADES,
    REBIRTH_UPGRADES,
    SPECIAL_UPGRADES,
    Catalogue,
)
from tycoon.rules.state import GeneratorState, PlayerState


def test_catalogue_has_45_types_in_order() -> None:
    assert len(DEFAULT_GENERATOR_TYPES) == 45
    assert [t.index for t in DEFAULT_GENERATOR_TYPES] == list(range(45))
    assert len({t.name for t in DEFAULT_GENERATOR_TYPES}) == 45
    assert all(t.description for t in DEFAULT_GENERATOR_TYPES)


@pytest.mark.parametrize(
    ("index", "name", "cost", "production", "build", "heat", "tolerance", "size"),
    [
        (0, "식물 광합성 전지", (10000, 0), (1000, 0), 3, 0, 3, 1),
        (1, "소형 태양광 패널(개인용)", (250000, 0), (2600, 0), 4, 1, 10, 2),
        (12, "연료전지 발전기(수소)", (382500, 8), (150000, 4), 81, 50, 625, 2.7),
        (23, "반물질 발전기", (175000, 29), (267000, 13), 279, 3200, 8750, 4.8),
        (25, "쿼크 응축 발전기", (870000, 36), (472500, 17), 328, 4320, 11200, 5.0),
        (42, "변종 에카-프랑슘 압축 폭발 에너지 발전기", (543000, 175), (764000, 46), 830, 24700, 33000, 5.8),
        (44, "신성 엔진 발전기", (100000, 1250000), (100000, 50), 890, 27000, 34500, 6),
    ],
)
def test_rows_match_the_original_table(
    index: int,
    name: str,
    cost: tuple[int, int],
    production: tuple[int, int],
    build: int,
    heat: float,
    tolerance: float,
    size: float,
) -> None:
    gtype = DEFAULT_CATALOGUE.by_index(index)
    assert gtype is not None
    assert (gtype.name, gtype.cost.to_wire(), gtype.production.to_wire()) == (name, cost, production)
    assert (gtype.build_seconds, gtype.heat, gtype.tolerance, gtype.size) == (build, heat, tolerance, size)


def test_real_values_of_the_extremes() -> None:
    assert DEFAULT_GENERATOR_TYPES[0].cost == BigValue(10)
    assert DEFAULT_GENERATOR_TYPES[23].cost == BigValue("1.75e31")
    assert DEFAULT_GENERATOR_TYPES[44].cost == BigValue("1e1250002")
    assert DEFAULT_GENERATOR_TYPES[44].production == BigValue("1e52")


def test_type_ids_are_stable_uuid5_of_the_name() -> None:
    first = DEFAULT_GENERATOR_TYPES[0]
    assert uuid.UUID(first.type_id).version == 5
    assert first.type_id == dataclasses.replace(first, cost=BigValue(1)).type_id
    assert len({t.type_id for t in DEFAULT_GENERATOR_TYPES}) == 45
    assert DEFAULT_CATALOGUE.by_type_id(first.type_id) is first


def test_lookups_miss_cleanly() -> None:
    assert DEFAULT_CATALOGUE.by_index(45) is None
    assert DEFAULT_CATALOGUE.by_index(-1) is None
    assert DEFAULT_CATALOGUE.by_type_id("no-such-id") is None


def test_with_type_replaces_one_type_and_bumps_the_version() -> None:
    cheaper = dataclasses.replace(DEFAULT_GENERATOR_TYPES[5], cost=BigValue(1), tolerance=1.0)
    edited = DEFAULT_CATALOGUE.with_type(cheaper)
    assert edited.version == DEFAULT_CATALOGUE.version + 1
    assert edited.by_index(5) == cheaper
    assert edited.by_type_id(cheaper.type_id) == cheaper
    assert edited.types[:5] == DEFAULT_CATALOGUE.types[:5]
    assert DEFAULT_CATALOGUE.by_index(5) == DEFAULT_GENERATOR_TYPES[5]  # the original is untouched


def test_with_type_of_an_unknown_index_is_an_error() -> None:
    with pytest.raises(GeneratorTypeNotFound):
        DEFAULT_CATALOGUE.with_type(dataclasses.replace(DEFAULT_GENERATOR_TYPES[0], index=45))


def test_catalogues_compare_by_types_and_version() -> None:
    assert Catalogue(DEFAULT_GENERATOR_TYPES) == DEFAULT_CATALOGUE
    assert Catalogue(DEFAULT_GENERATOR_TYPES, version=1) != DEFAULT_CATALOGUE


def test_catalogue_survives_copy_and_pickle() -> None:
    edited = DEFAULT_CATALOGUE.with_type(dataclasses.replace(DEFAULT_GENERATOR_TYPES[3], heat=9.0))
    for clone in (copy.deepcopy(edited), pickle.loads(pickle.dumps(edited))):
        assert clone == edited
        assert clone.by_index(3) == edited.by_index(3)
        assert clone.by_type_id(DEFAULT_GENERATOR_TYPES[3].type_id) == edited.by_index(3)


def test_upgrade_tables() -> None:
    assert set(GLOBAL_UPGRADES) == {"production", "heat_reduction", "tolerance", "max_generators", "demand"}
    assert GLOBAL_UPGRADES["max_generators"].growth == Decimal(3)  # the backend's curve
    assert {s.offset for s in GLOBAL_UPGRADES.values()} == {1}
    assert set(REBIRTH_UPGRADES) == {"rebirth_chain", "upgrade_batch", "rebirth_start_money"}
    assert {s.offset for s in REBIRTH_UPGRADES.values()} == {0}
    assert set(GENERATOR_UPGRADES) == {"production", "heat_reduction", "tolerance"}
    assert SPECIAL_UPGRADES["build_speed"].cap == 9
    assert SPECIAL_UPGRADES["energy_mult"].cap is None


def test_upgrade_fields_name_real_state_attributes() -> None:
    player_fields = {f.name for f in dataclasses.fields(PlayerState)}
    generator_fields = {f.name for f in dataclasses.fields(GeneratorState)}
    for spec in [*GLOBAL_UPGRADES.values(), *REBIRTH_UPGRADES.values()]:
        assert spec.field in player_fields
    for special in SPECIAL_UPGRADES.values():
        assert special.field in player_fields
    for generator_spec in GENERATOR_UPGRADES.values():
        assert generator_spec.field in generator_fields
