"""PlayerState ⇄ the JSON document kept in Redis and in PostgreSQL (`players.doc`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from tycoon.kit.bignum import BigValue
from tycoon.rules.state import GeneratorState, PlayerState

_BIG_FIELDS = frozenset(f.name for f in dataclasses.fields(PlayerState) if f.type in ("BigValue", BigValue))
_GENERATOR_FIELDS = tuple(f.name for f in dataclasses.fields(GeneratorState))
_PLAYER_FIELDS = tuple(f.name for f in dataclasses.fields(PlayerState) if f.name != "generators")


def to_doc(state: PlayerState) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name in _PLAYER_FIELDS:
        value = getattr(state, name)
        doc[name] = str(value) if name in _BIG_FIELDS else value
    doc["generators"] = [{name: getattr(g, name) for name in _GENERATOR_FIELDS} for g in state.generators]
    return doc


def from_doc(doc: dict[str, Any]) -> PlayerState:
    fields = {name: doc[name] for name in _PLAYER_FIELDS if name in doc}
    for name in _BIG_FIELDS & fields.keys():
        fields[name] = BigValue.parse(fields[name])
    fields["tutorial_rewards_paid"] = list(fields.get("tutorial_rewards_paid", []))
    generators = [GeneratorState(**row) for row in doc.get("generators", [])]
    return PlayerState(**fields, generators=generators)


def dumps(state: PlayerState) -> str:
    return orjson.dumps(to_doc(state)).decode()


def loads(text: str | bytes) -> PlayerState:
    return from_doc(orjson.loads(text))
