"""The supercoin shop (§9). Supercoins drop on the server (rules.simulation); clients cannot award them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel

from tycoon.auth.deps import CurrentPlayer, GameDep
from tycoon.errors import MaxLevelReached, NotEnoughSupercoin, PathNotFound
from tycoon.game.inputs import check_one_of, one_of
from tycoon.game.schemas import UserOut, respond, user_view
from tycoon.openapi import refusals
from tycoon.rules import special
from tycoon.rules.catalogue import SPECIAL_UPGRADES

router = APIRouter(tags=["special"])
SPECIAL_KEYS: tuple[str, ...] = tuple(SPECIAL_UPGRADES)


class SupercoinOut(BaseModel):
    supercoin: int


@router.post("/special/award_supercoin", response_model=SupercoinOut, operation_id="award_supercoin")
async def award_supercoin(player: CurrentPlayer) -> SupercoinOut:
    """Kept for the original client: grants nothing, reports the server's count."""
    return SupercoinOut(supercoin=player.state.supercoin)


@router.post(
    "/special/{key}",
    response_model=UserOut,
    operation_id="buy_special",
    responses=refusals(PathNotFound, NotEnoughSupercoin, MaxLevelReached),
)
async def buy_special(
    key: Annotated[str, one_of(SPECIAL_KEYS)], player: CurrentPlayer, game: GameDep
) -> Response:
    check_one_of(key, SPECIAL_KEYS)
    await game.act(player, lambda state: special.buy_special(state, key))
    return respond(user_view(player, game.catalogue.current))
