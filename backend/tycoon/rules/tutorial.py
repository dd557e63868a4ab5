"""Tutorial progress (ORIGINAL-RULES §11); its two money rewards are paid once per account (issue 2)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from tycoon.errors import InvalidTutorialStep
from tycoon.kit.bignum import BigValue
from tycoon.rules.state import PlayerState

FINISHED: Final = 0
LAST_STEP: Final = 20
# Entering step 11 ("buy global production") and 13 ("buy a generator upgrade") pays for that purchase.
STEP_REWARDS: Final[Mapping[int, BigValue]] = MappingProxyType({11: BigValue(18), 13: BigValue(30)})


def set_tutorial_step(state: PlayerState, step: int) -> None:
    if not FINISHED <= step <= LAST_STEP:
        raise InvalidTutorialStep()
    state.tutorial = step
    reward = STEP_REWARDS.get(step)
    if reward is not None and step not in state.tutorial_rewards_paid:
        state.money = state.money + reward
        state.tutorial_rewards_paid.append(step)


def skip_tutorial(state: PlayerState) -> None:
    state.tutorial = FINISHED
