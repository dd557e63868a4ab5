"""Rebirth: trade everything for a permanent ×2 per rebirth (ORIGINAL-RULES §8)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from tycoon.errors import ChainLimitExceeded, InvalidAmount, NotEnoughMoneyForRebirth
from tycoon.kit.bignum import ZERO, BigValue, power
from tycoon.rules.state import STARTING_MONEY, PlayerState
from tycoon.rules.upgrades import batch_limit

REBIRTH_BASE_COST: Final = BigValue(15_000_000)


@dataclass(frozen=True, slots=True)
class RebirthInfo:
    rebirth_count: int
    next_cost: BigValue
    current_multiplier: BigValue
    next_multiplier: BigValue
    max_chain: int
    chain_cost: BigValue  # price of the longest chain allowed now
    start_money: BigValue
    upgrade_batch_limit: int


def rebirth_cost(held: int) -> BigValue:
    """Price of the next rebirth when `held` rebirths are held: 15 000 000 × 8^n."""
    return REBIRTH_BASE_COST * power(8, held)


def multiplier(held: int) -> BigValue:
    """What production and the exchange rate are multiplied by with `held` rebirths: 2^n."""
    return power(2, held)


def multiplier_number(held: int) -> int | float | None:
    """2^n as the original sent it, a JSON number, within what JSON numbers carry: exact below 2^63, a double
    (still exact: a power of two) up to 2^1023, beyond that none (JavaScript would read Infinity)."""
    if held < 63:
        exact: int = 2**held
        return exact
    return math.ldexp(1.0, held) if held < 1024 else None


def multiplier_text(held: int) -> str:
    """2^n for a message: every digit as the original while a double holds it, then scientific notation."""
    return str(2**held) if held < 1024 else f"{multiplier(held).value:.6e}"


def max_chain(state: PlayerState) -> int:
    return 1 + state.rebirth_chain_upgrade


def start_money(state: PlayerState) -> BigValue:
    return STARTING_MONEY * power(10, state.rebirth_start_money_upgrade)


def rebirth(state: PlayerState, count: int, now: float) -> None:
    """Rebirth `count` times at once; only the last step's price must be held (money is reset, not charged).

    `now` keeps the signature of the other actions; a rebirth starts no timer.
    """
    limit = max_chain(state)
    if count < 1:
        raise InvalidAmount()
    if count > limit:
        raise ChainLimitExceeded(f"한 번에 최대 {limit}회까지 환생할 수 있습니다.")
    if state.money < rebirth_cost(state.rebirth_count + count - 1):
        raise NotEnoughMoneyForRebirth()
    state.rebirth_count += count
    _reset(state)


def _reset(state: PlayerState) -> None:
    # Kept: rebirths and their upgrades, supercoin and the special shop, play time, tutorial, drop progress.
    state.generators.clear()
    state.production_bonus = 0
    state.heat_reduction = 0
    state.tolerance_bonus = 0
    state.max_generators_bonus = 0
    state.demand_bonus = 0
    state.energy = ZERO
    state.sold_energy = ZERO
    state.money = start_money(state)


def rebirth_info(state: PlayerState) -> RebirthInfo:
    held = state.rebirth_count
    chain = max_chain(state)
    return RebirthInfo(
        rebirth_count=held,
        next_cost=rebirth_cost(held),
        current_multiplier=multiplier(held),
        next_multiplier=multiplier(held + 1),
        max_chain=chain,
        chain_cost=rebirth_cost(held + chain - 1),
        start_money=start_money(state),
        upgrade_batch_limit=batch_limit(state),
    )
