"""Global upgrades (money) and rebirth upgrades (rebirths), one at a time or in bulk (§7.1, §7.3)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, Field

from tycoon.auth.deps import CurrentPlayer, GameDep
from tycoon.errors import (
    AmountTooLarge,
    BatchLimitExceeded,
    GameError,
    InvalidUpgradeEndpoint,
    NotEnoughMoney,
    NotEnoughRebirths,
    PathNotFound,
)
from tycoon.game.inputs import Amount, AmountIn, AnyText, check_one_of, one_of
from tycoon.game.schemas import UserOut, respond, user_view
from tycoon.openapi import refusals
from tycoon.rules import upgrades
from tycoon.rules.catalogue import GLOBAL_UPGRADES, REBIRTH_UPGRADES
from tycoon.rules.state import PlayerState

router = APIRouter(tags=["upgrades"])

UpgradeKey = Literal[
    "production", "heat_reduction", "tolerance", "max_generators", "demand",
    "rebirth_chain", "upgrade_batch", "rebirth_start_money",
]  # fmt: skip
UPGRADE_KEYS: tuple[str, ...] = get_args(UpgradeKey)
assert set(UPGRADE_KEYS) == set(GLOBAL_UPGRADES) | set(REBIRTH_UPGRADES)


class UpgradeBulkItem(BaseModel):
    endpoint: AnyText  # an unknown one fails its item, as in the original
    amount: Amount = 1


class UpgradeBulkIn(BaseModel):
    upgrades: list[UpgradeBulkItem] = Field(max_length=1000)


class BulkResult(BaseModel):
    index: int
    endpoint: str
    amount: int
    status: str = "applied"


class BulkFailure(BaseModel):
    index: int
    endpoint: str
    amount: int
    error: str


class UpgradeBulkOut(BaseModel):
    user: UserOut
    results: list[BulkResult]
    partial_failure: bool
    failed: BulkFailure | None = None


@router.post("/upgrade/bulk", response_model=UpgradeBulkOut, operation_id="bulk_upgrade")
async def bulk_upgrade(body: UpgradeBulkIn, player: CurrentPlayer, game: GameDep) -> Response:
    def apply_all(state: PlayerState) -> tuple[list[BulkResult], BulkFailure | None]:
        results: list[BulkResult] = []
        for index, item in enumerate(body.upgrades):
            try:
                if item.endpoint not in UPGRADE_KEYS:
                    raise InvalidUpgradeEndpoint()
                upgrades.apply_upgrade(state, item.endpoint, item.amount)
            except GameError as error:  # the first failure stops, as in the original
                return results, BulkFailure(
                    index=index, endpoint=item.endpoint, amount=item.amount, error=error.message
                )
            results.append(BulkResult(index=index, endpoint=item.endpoint, amount=item.amount))
        return results, None

    results, failed = await game.act(player, apply_all)
    answer = {
        "user": user_view(player, game.catalogue.current),
        "results": [result.model_dump() for result in results],
        "partial_failure": failed is not None,
    }
    if failed is not None:  # absent otherwise, as in the original
        answer["failed"] = failed.model_dump()
    return respond(answer)


@router.post(
    "/upgrade/{key}",
    response_model=UserOut,
    operation_id="buy_upgrade",
    responses=refusals(PathNotFound, BatchLimitExceeded, AmountTooLarge, NotEnoughMoney, NotEnoughRebirths),
)
async def buy_upgrade(
    key: Annotated[str, one_of(UPGRADE_KEYS)],
    player: CurrentPlayer,
    game: GameDep,
    body: AmountIn | None = Body(None),
) -> Response:
    check_one_of(key, UPGRADE_KEYS)
    amount = body.amount if body else 1
    await game.act(player, lambda state: upgrades.apply_upgrade(state, key, amount))
    return respond(user_view(player, game.catalogue.current))
