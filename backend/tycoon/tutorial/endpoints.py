"""Tutorial steps (§11); the rewards of steps 11 and 13 are paid once per account."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from tycoon.auth.deps import CurrentPlayer, GameDep
from tycoon.errors import InvalidTutorialStep
from tycoon.game.schemas import UserOut, respond, user_view
from tycoon.kit.wiretypes import Int
from tycoon.openapi import refusals
from tycoon.rules import tutorial

router = APIRouter(tags=["tutorial"])


class StepIn(BaseModel):
    step: Int  # any integer: outside 0-20 the original's 400 (rules.tutorial)


class StepOut(BaseModel):
    tutorial: int
    user: UserOut
    message: str


class SkipOut(BaseModel):
    tutorial: int
    message: str


class StatusOut(BaseModel):
    tutorial: int


@router.post(
    "/tutorial/progress",
    response_model=StepOut,
    operation_id="tutorial_progress",
    responses=refusals(InvalidTutorialStep),
)
async def tutorial_progress(body: StepIn, player: CurrentPlayer, game: GameDep) -> Response:
    await game.act(player, lambda state: tutorial.set_tutorial_step(state, body.step))
    user = user_view(player, game.catalogue.current)
    return respond({"tutorial": player.state.tutorial, "user": user, "message": "Tutorial progress updated"})


@router.post("/tutorial/skip", response_model=SkipOut, operation_id="tutorial_skip")
async def tutorial_skip(player: CurrentPlayer, game: GameDep) -> SkipOut:
    await game.act(player, tutorial.skip_tutorial)
    return SkipOut(tutorial=player.state.tutorial, message="Tutorial skipped")


@router.get("/tutorial/status", response_model=StatusOut, operation_id="tutorial_status")
async def tutorial_status(player: CurrentPlayer) -> StatusOut:
    return StatusOut(tutorial=player.state.tutorial)
