"""Request fields shared by several domains, bounded so that no input can reach a 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field

from tycoon.errors import UserMismatch
from tycoon.game.service import Player
from tycoon.kit.bignum import BigValue

WireData = Annotated[int, Field(ge=-(10**18), le=10**18)]
WireHigh = Annotated[int, Field(ge=-(10**12), le=10**12)]
Amount = Annotated[int, Field(ge=1, le=10**12)]  # the rules refuse more than 10 000 with a clear message
GeneratorId = Annotated[str, Path(max_length=64)]
UserId = Annotated[str | None, Field(default=None, max_length=64)]


class AmountIn(BaseModel):
    amount: Amount = 1


class BigIn(BaseModel):
    """A big number as the original sends it."""

    data: WireData
    high: WireHigh

    def value(self) -> BigValue:
        return BigValue.from_wire(self.data, self.high)


def check_same_user(player: Player, user_id: str | None) -> None:
    if user_id is not None and user_id != player.user_id:
        raise UserMismatch()
