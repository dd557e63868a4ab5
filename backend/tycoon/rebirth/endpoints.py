"""Rebirth, with chains (§8)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, Field

from tycoon.auth.deps import CurrentPlayer, GameDep
from tycoon.errors import ChainLimitExceeded, NotEnoughMoneyForRebirth
from tycoon.game.schemas import UserOut, respond, user_view, wire
from tycoon.kit.wiretypes import NotBoolean
from tycoon.openapi import refusals
from tycoon.rules import rebirth

router = APIRouter(tags=["rebirth"])


class RebirthIn(BaseModel):
    # No upper bound: a count above the chain limit is the original's 400, refused before any price is computed.
    count: Annotated[int, Field(ge=1), NotBoolean] = 1


class RebirthOut(BaseModel):
    user: UserOut
    message: str


class RebirthInfoOut(BaseModel):
    user: UserOut
    rebirth_count: int
    next_cost_data: int
    next_cost_high: int
    current_multiplier: int | float | None = Field(description="2^n; null beyond 2^1023 (see _data/_high)")
    next_multiplier: int | float | None
    current_multiplier_data: int
    current_multiplier_high: int
    next_multiplier_data: int
    next_multiplier_high: int
    max_chain: int
    chain_cost_data: int
    chain_cost_high: int
    start_money_data: int
    start_money_high: int
    upgrade_batch_limit: int


@router.get("/rebirth/info", response_model=RebirthInfoOut, operation_id="rebirth_info")
async def rebirth_info(player: CurrentPlayer, game: GameDep) -> Response:
    info = rebirth.rebirth_info(player.state)
    return respond(
        {
            "user": user_view(player, game.catalogue.current),
            "rebirth_count": info.rebirth_count,
            **wire("next_cost", info.next_cost),
            "current_multiplier": rebirth.multiplier_number(info.rebirth_count),
            "next_multiplier": rebirth.multiplier_number(info.rebirth_count + 1),
            **wire("current_multiplier", info.current_multiplier),
            **wire("next_multiplier", info.next_multiplier),
            "max_chain": info.max_chain,
            **wire("chain_cost", info.chain_cost),
            **wire("start_money", info.start_money),
            "upgrade_batch_limit": info.upgrade_batch_limit,
        }
    )


@router.post(
    "/rebirth",
    response_model=RebirthOut,
    operation_id="rebirth",
    responses=refusals(ChainLimitExceeded, NotEnoughMoneyForRebirth),
)
async def do_rebirth(player: CurrentPlayer, game: GameDep, body: RebirthIn | None = Body(None)) -> Response:
    count = body.count if body else 1
    await game.act(player, lambda state: rebirth.rebirth(state, count, player.now))
    multiplier = rebirth.multiplier_text(player.state.rebirth_count)
    message = f"Rebirth successful! New multiplier: {multiplier}x (x{count})"
    return respond({"user": user_view(player, game.catalogue.current), "message": message})
