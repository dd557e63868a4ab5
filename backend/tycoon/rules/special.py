"""The supercoin shop (ORIGINAL-RULES §9): one supercoin per level."""

from __future__ import annotations

from typing import Final

from tycoon.errors import MaxLevelReached, NotEnoughSupercoin
from tycoon.rules.catalogue import SPECIAL_UPGRADES
from tycoon.rules.state import PlayerState
from tycoon.rules.upgrades import spec_for

SUPERCOIN_PRICE: Final = 1


def buy_special(state: PlayerState, key: str) -> None:
    spec = spec_for(SPECIAL_UPGRADES, key)
    level: int = getattr(state, spec.field)
    if state.supercoin < SUPERCOIN_PRICE:  # checked first, as the original
        raise NotEnoughSupercoin()
    if spec.cap is not None and level >= spec.cap:
        raise MaxLevelReached()
    state.supercoin -= SUPERCOIN_PRICE
    setattr(state, spec.field, level + 1)


INQUIRY_REWARD: Final = 1  # supercoins for an inquiry an admin accepts (§9, source 2)


def reward_inquiry(state: PlayerState) -> None:
    state.supercoin += INQUIRY_REWARD
