"""Selling energy for money (§6)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from tycoon.auth.deps import CurrentCaller, CurrentPlayer, GameDep
from tycoon.errors import InvalidAmount, NotEnoughEnergy, UserMismatch
from tycoon.game.inputs import UserId, WireData, WireHigh, check_same_user
from tycoon.game.schemas import UserOut, respond, user_view, wire
from tycoon.kit.bignum import BigValue
from tycoon.openapi import refusals
from tycoon.rules import exchange

router = APIRouter(tags=["exchange"])


class SellIn(BaseModel):
    user_id: UserId
    amount_data: WireData
    amount_high: WireHigh  # required, as in the original


class RateOut(BaseModel):
    rate: float
    rate_data: int
    rate_high: int


class SellOut(RateOut):
    energy_data: int
    energy_high: int
    money_data: int
    money_high: int
    gained_data: int
    gained_high: int
    user: UserOut


def _rate_fields(rate: BigValue) -> dict[str, float | int]:
    return {"rate": exchange.rate_as_float(rate), **wire("rate", rate)}


@router.post(
    "/change/energy2money",
    response_model=SellOut,
    operation_id="sell_energy",
    responses=refusals(UserMismatch, InvalidAmount, NotEnoughEnergy),
)
async def sell_energy(body: SellIn, player: CurrentPlayer, game: GameDep) -> Response:
    check_same_user(player, body.user_id)
    amount = BigValue.from_wire(body.amount_data, body.amount_high)
    catalogue = game.catalogue.current
    result = await game.act(player, lambda state: exchange.sell_energy(state, catalogue, amount))
    state = player.state
    return respond(
        {
            **wire("energy", state.energy),
            **wire("money", state.money),
            **wire("gained", result.gained),
            **_rate_fields(result.rate),
            "user": user_view(player, catalogue),
        }
    )


@router.get("/change/rate", response_model=RateOut, operation_id="exchange_rate")
async def exchange_rate(caller: CurrentCaller) -> Response:
    return respond(_rate_fields(exchange.current_rate(caller.stored_state())))
