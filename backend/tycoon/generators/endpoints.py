"""The map: list, place, demolish, pause/resume, skip a build, per-generator upgrades, autosave (§4, §5, §7.2)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from tycoon.auth.deps import CurrentPlayer, GameDep
from tycoon.errors import (
    AmountTooLarge,
    GeneratorLimitReached,
    GeneratorNotFound,
    GeneratorTypeNotFound,
    NoChangesProvided,
    NotEnoughMoney,
    NotEnoughMoneyToDemolish,
    NotEnoughMoneyToSkip,
    PositionTaken,
    UnknownUpgrade,
    UserMismatch,
)
from tycoon.game.inputs import Amount, AnyText, GeneratorId, UserId, WireData, WireHigh, check_same_user
from tycoon.game.schemas import GeneratorOut, PlayerView, UserOut, respond, wire
from tycoon.game.service import Game, Player
from tycoon.kit.wiretypes import Bool, NotBoolean
from tycoon.openapi import refusals
from tycoon.rules import autosave, generators
from tycoon.rules.state import PlayerState

router = APIRouter(tags=["generators"])

Position = Annotated[int, Field(ge=-(10**12), le=10**12), NotBoolean]
Heat = Annotated[float, Field(ge=0), NotBoolean]
# What an autosave reports (ignored but for the pause flags): never negative.
SavedData = Annotated[int, Field(ge=0, le=10**18), NotBoolean]
SavedHigh = Annotated[int, Field(ge=0, le=10**12), NotBoolean]
SavedCount = Annotated[int, Field(ge=0, le=10**15), NotBoolean]


class ProgressOut(BaseModel):
    user_id: str
    generators: list[GeneratorOut]
    user: UserOut


class PlaceIn(BaseModel):
    user_id: AnyText  # required, as the original's: another player's id is its 403 "User mismatch"
    generator_type_id: str  # any text: an id of no type is the original's 404
    x_position: Position
    world_position: Position
    energy_data: WireData | None = None  # sent by the original client, ignored
    energy_high: WireHigh | None = None


class PlaceOut(BaseModel):
    ok: bool
    generator: GeneratorOut
    user: UserOut


class DemolishedOut(BaseModel):
    generator_id: str
    cost_data: int
    cost_high: int


class DemolishOut(BaseModel):
    user: UserOut
    demolished: DemolishedOut


class StateIn(BaseModel):
    generator_id: AnyText | None = None  # unused, as in the original
    running: Bool | None = None
    heat: Heat | None = None  # ignored: heat is the server's
    explode: Bool | None = None  # ignored: explosions are the server's


class GeneratorEnvelope(BaseModel):
    user: UserOut
    generator: GeneratorOut


class UpgradeIn(BaseModel):
    upgrade: AnyText
    amount: Amount = 1


class UpgradeOut(GeneratorEnvelope):
    cost_data: int
    cost_high: int


class SkipOut(GeneratorEnvelope):
    skip_cost_data: int | None = None
    skip_cost_high: int | None = None
    remaining_seconds: int | None = None


class AutosaveGenerator(BaseModel):
    generator_id: AnyText  # an id of no generator of the player's is ignored
    heat: Heat | None = None
    running: Bool | None = None


class AutosaveIn(BaseModel):
    """Accepted for the original client; only pause/resume flags are taken (docs/api.md)."""

    energy_data: SavedData | None = None
    energy_high: SavedHigh | None = None
    money_data: SavedData | None = None
    money_high: SavedHigh | None = None
    production_data: SavedData | None = None
    production_high: SavedHigh | None = None
    play_time_ms: SavedCount | None = None
    supercoin: SavedCount | None = None
    generators: list[AutosaveGenerator] | None = Field(None, max_length=1000)


class AutosaveOut(BaseModel):
    user: UserOut
    message: str


class GeneratorBulkItem(BaseModel):
    generator_id: AnyText
    key: AnyText
    amount: Amount = 1


class GeneratorBulkIn(BaseModel):
    upgrades: list[GeneratorBulkItem] = Field(max_length=1000)


class GeneratorBulkOut(BaseModel):
    user: UserOut
    generators: list[GeneratorOut]


def _with_generator(game: Game, player: Player, generator_id: str, **extra: Any) -> Response:
    view = PlayerView(player, game.catalogue.current)
    return respond({"user": view.user(), "generator": view.generator_by_id(generator_id), **extra})


@router.get(
    "/progress", response_model=ProgressOut, operation_id="get_progress", responses=refusals(UserMismatch)
)
async def get_progress(player: CurrentPlayer, game: GameDep, user_id: UserId = None) -> Response:
    check_same_user(player, user_id)
    view = PlayerView(player, game.catalogue.current)
    return respond({"user_id": player.user_id, "generators": view.generators(), "user": view.user()})


@router.post(
    "/progress",
    response_model=PlaceOut,
    operation_id="place_generator",
    responses=refusals(
        UserMismatch, GeneratorTypeNotFound, GeneratorLimitReached, PositionTaken, NotEnoughMoney
    ),
)
async def place_generator(body: PlaceIn, player: CurrentPlayer, game: GameDep) -> Response:
    check_same_user(player, body.user_id)
    catalogue = game.catalogue.current
    gtype = catalogue.by_type_id(body.generator_type_id)
    if gtype is None:
        raise GeneratorTypeNotFound()
    generator_id = str(uuid.uuid4())

    def place(state: PlayerState) -> None:
        generators.place_generator(
            state, catalogue, gtype, body.x_position, body.world_position, player.now, generator_id
        )

    await game.act(player, place)
    view = PlayerView(player, catalogue)
    return respond({"ok": True, "generator": view.generator_by_id(generator_id), "user": view.user()})


@router.delete(
    "/progress/{generator_id}",
    response_model=DemolishOut,
    operation_id="demolish_generator",
    responses=refusals(GeneratorNotFound, GeneratorTypeNotFound, NotEnoughMoneyToDemolish),
)
async def demolish_generator(generator_id: GeneratorId, player: CurrentPlayer, game: GameDep) -> Response:
    catalogue = game.catalogue.current
    fee = await game.act(player, lambda state: generators.demolish(state, catalogue, generator_id))
    demolished = {"generator_id": generator_id, **wire("cost", fee)}
    return respond({"user": PlayerView(player, catalogue).user(), "demolished": demolished})


@router.post(
    "/progress/{generator_id}/state",
    response_model=GeneratorEnvelope,
    operation_id="set_generator_state",
    responses=refusals(GeneratorNotFound, NoChangesProvided),
)
async def set_generator_state(
    generator_id: GeneratorId, body: StateIn, player: CurrentPlayer, game: GameDep
) -> Response:
    generators.owned_generator(player.state, generator_id)  # 404 first, as the original
    if body.running is None and body.heat is None and not body.explode:  # explode: false is no change
        raise NoChangesProvided()
    if body.running is not None:
        running = body.running
        await game.act(player, lambda state: generators.set_running(state, generator_id, running))
    return _with_generator(game, player, generator_id)


@router.post(
    "/progress/{generator_id}/upgrade",
    response_model=UpgradeOut,
    operation_id="upgrade_generator",
    responses=refusals(
        GeneratorNotFound, GeneratorTypeNotFound, UnknownUpgrade, AmountTooLarge, NotEnoughMoney
    ),
)
async def upgrade_generator(
    generator_id: GeneratorId, body: UpgradeIn, player: CurrentPlayer, game: GameDep
) -> Response:
    catalogue = game.catalogue.current
    cost = await game.act(
        player,
        lambda state: generators.upgrade_generator(state, catalogue, generator_id, body.upgrade, body.amount),
    )
    return _with_generator(game, player, generator_id, **wire("cost", cost))


@router.post(
    "/progress/{generator_id}/build/skip",
    response_model=SkipOut,
    operation_id="skip_build",
    responses=refusals(GeneratorNotFound, GeneratorTypeNotFound, NotEnoughMoneyToSkip),
)
async def skip_build(generator_id: GeneratorId, player: CurrentPlayer, game: GameDep) -> Response:
    catalogue = game.catalogue.current
    result = await game.act(
        player, lambda state: generators.skip_build(state, catalogue, generator_id, player.now)
    )
    if result.cost is None:
        return _with_generator(game, player, generator_id)
    charged = {**wire("skip_cost", result.cost), "remaining_seconds": result.remaining_seconds}
    return _with_generator(game, player, generator_id, **charged)


@router.post("/progress/autosave", response_model=AutosaveOut, operation_id="autosave")
async def autosave_progress(body: AutosaveIn, player: CurrentPlayer, game: GameDep) -> Response:
    flags = {g.generator_id: g.running for g in body.generators or [] if g.running is not None}
    changed = any(
        (generator := player.state.generator(gid)) is not None and generator.running != running
        for gid, running in flags.items()
    )
    if changed:
        await game.act(player, lambda state: autosave.apply_autosave(state, flags))
    message = "Progress saved" if changed else "No changes to save"
    return respond({"user": PlayerView(player, game.catalogue.current).user(), "message": message})


@router.post(
    "/generators/bulk-upgrade",
    response_model=GeneratorBulkOut,
    operation_id="bulk_upgrade_generators",
    responses=refusals(AmountTooLarge),
)
async def bulk_upgrade_generators(body: GeneratorBulkIn, player: CurrentPlayer, game: GameDep) -> Response:
    catalogue = game.catalogue.current
    items = [(item.generator_id, item.key, item.amount) for item in body.upgrades]
    touched = await game.act(player, lambda state: generators.bulk_upgrade(state, catalogue, items))
    view = PlayerView(player, catalogue)
    return respond({"user": view.user(), "generators": view.generators(only=set(touched))})
