"""What the API sends about a player: the original's UserOut and serialised generator G, plus the rates a
client needs to extrapolate between answers (docs/api.md)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel

from tycoon.game.service import Player
from tycoon.kit.bignum import BigValue
from tycoon.rules.catalogue import Catalogue
from tycoon.rules.generators import owned_generator
from tycoon.rules.simulation import (
    COOLING_PER_SECOND,
    generator_rates,
    generator_type_of,
    production_per_second,
)
from tycoon.rules.state import GeneratorState


class UserOut(BaseModel):
    user_id: str
    username: str
    energy_data: int
    energy_high: int
    money_data: int
    money_high: int
    sold_energy_data: int
    sold_energy_high: int
    production_bonus: int
    heat_reduction: int
    tolerance_bonus: int
    max_generators_bonus: int
    demand_bonus: int
    play_time_ms: int
    rebirth_count: int
    rebirth_chain_upgrade: int
    upgrade_batch_upgrade: int
    rebirth_start_money_upgrade: int
    tutorial: int
    supercoin: int
    build_speed_reduction: int
    energy_multiplier: int
    exchange_rate_multiplier: int
    is_admin: bool
    server_time_ms: int
    production_data: int
    production_high: int
    catalogue_version: int  # changes when an admin edits the catalogue: a client reloads GET /generator_types


class GeneratorUpgradesOut(BaseModel):
    production: int
    heat_reduction: int
    tolerance: int


class GeneratorOut(BaseModel):
    generator_id: str
    generator_type_id: str
    type: str
    cost_data: int
    cost_high: int
    x_position: int
    world_position: int
    level: int
    isdeveloping: bool
    build_complete_ts: float | None
    build_total_seconds: float
    rebuild_seconds: float
    exploded: bool
    heat: float
    heat_rate: float
    heat_limit: float
    cooling_rate: float
    running: bool
    production_data: int
    production_high: int
    upgrades: GeneratorUpgradesOut


class UserEnvelope(BaseModel):
    user: UserOut


class MessageOut(BaseModel):
    detail: str


_USER_INTS = (
    "production_bonus", "heat_reduction", "tolerance_bonus", "max_generators_bonus", "demand_bonus",
    "play_time_ms", "rebirth_count", "rebirth_chain_upgrade", "upgrade_batch_upgrade",
    "rebirth_start_money_upgrade", "tutorial", "supercoin", "build_speed_reduction", "energy_multiplier",
    "exchange_rate_multiplier",
)  # fmt: skip


def wire(prefix: str, value: BigValue) -> dict[str, int]:
    data, high = value.to_wire()
    return {f"{prefix}_data": data, f"{prefix}_high": high}


def respond(payload: dict[str, Any] | list[Any]) -> Response:
    """Serialise an answer built as plain data. The route's `response_model` documents it (and the tests check
    answers against it); skipping pydantic here keeps the hot path cheap."""
    return Response(orjson.dumps(payload), media_type="application/json")


class PlayerView:
    """What the API shows of one player at one instant; each generator's rates are computed once."""

    def __init__(self, player: Player, catalogue: Catalogue) -> None:
        self.player = player
        self.catalogue = catalogue
        state = player.state
        self.rates = {g.generator_id: generator_rates(state, g, catalogue) for g in state.generators}

    def user(self) -> dict[str, Any]:
        state = self.player.state
        user: dict[str, Any] = {
            "user_id": state.user_id,
            "username": state.username,
            "is_admin": self.player.principal.is_admin,
            "server_time_ms": int(self.player.now * 1000),
            "catalogue_version": self.catalogue.version,
            **wire("energy", state.energy),
            **wire("money", state.money),
            **wire("sold_energy", state.sold_energy),
            **wire("production", production_per_second(state, self.catalogue, self.rates)),
        }
        for name in _USER_INTS:
            user[name] = getattr(state, name)
        return user

    def generator(self, generator: GeneratorState) -> dict[str, Any]:
        gtype = generator_type_of(self.catalogue, generator)
        rates = self.rates[generator.generator_id]
        return {
            "generator_id": generator.generator_id,
            "generator_type_id": gtype.type_id,
            "type": gtype.name,
            **wire("cost", gtype.cost),
            "x_position": generator.x_position,
            "world_position": generator.world_position,
            "level": 1,
            "isdeveloping": generator.developing,
            "build_complete_ts": generator.build_end,
            "build_total_seconds": generator.build_total,
            "rebuild_seconds": rates.rebuild_seconds,
            "exploded": generator.exploded,
            "heat": generator.heat,
            "heat_rate": rates.heat_rate,
            "heat_limit": rates.heat_limit,
            "cooling_rate": COOLING_PER_SECOND,
            # the original showed a rebuilding generator as stopped
            "running": generator.running and not generator.exploded,
            **wire("production", rates.production),
            "upgrades": {
                "production": generator.production_level,
                "heat_reduction": generator.heat_reduction_level,
                "tolerance": generator.tolerance_level,
            },
        }

    def generator_by_id(self, generator_id: str) -> dict[str, Any]:
        return self.generator(owned_generator(self.player.state, generator_id))

    def generators(self, only: Collection[str] | None = None) -> list[dict[str, Any]]:
        return [
            self.generator(g) for g in self.player.state.generators if only is None or g.generator_id in only
        ]


def user_view(player: Player, catalogue: Catalogue) -> dict[str, Any]:
    return PlayerView(player, catalogue).user()
