"""Request fields shared by several domains, bounded so that no input can reach a 500."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field

from tycoon.errors import PathNotFound, UserMismatch
from tycoon.game.service import Player
from tycoon.kit.bignum import BigValue
from tycoon.kit.wiretypes import NotBoolean

WireData = Annotated[int, Field(ge=-(10**18), le=10**18), NotBoolean]
WireHigh = Annotated[int, Field(ge=-(10**12), le=10**12), NotBoolean]
# A count the JSON encoder can echo back (a bulk failure names it) and a double holds exactly, so that the
# document's bound is the one applied; the rules answer 400 above their limits.
Amount = Annotated[int, Field(ge=1, le=10**15), NotBoolean]
# Ids and keys of any length the request-size limit lets through get the original's 403/404 or are ignored.
# The bound only makes pydantic check the text, so a lone surrogate ("\ud800" in JSON), which no UTF-8 text
# can hold, is a 422 rather than an answer that cannot be encoded.
AnyText = Annotated[str, Field(max_length=2**20)]
GeneratorId = Annotated[str, Path()]  # an id of no generator is the original's 404
UserId = Annotated[AnyText | None, Field(default=None)]


class AmountIn(BaseModel):
    amount: Amount = 1


class BigIn(BaseModel):
    """A big number as the original sends it."""

    data: WireData
    high: WireHigh

    def value(self) -> BigValue:
        return BigValue.from_wire(self.data, self.high)


def one_of(options: tuple[str, ...]) -> Any:
    """A path parameter naming one of `options`: listed as such in the OpenAPI document; anything else is a
    404 (check with `check_one_of`), as the original's one route per item answered."""
    return Path(json_schema_extra={"enum": list(options)})


def check_one_of(key: str, options: tuple[str, ...]) -> None:
    if key not in options:
        raise PathNotFound()


def check_same_user(player: Player, user_id: str | None) -> None:
    if user_id and user_id != player.user_id:  # an empty id is no id, as in the original
        raise UserMismatch()
