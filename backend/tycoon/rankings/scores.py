"""Ranking keys for Redis sorted sets.

Scores are negated so that ZRANK (ascending) puts the best player first and breaks ties by user id ascending,
as the original did. Money and energy rank by log10 of their value (float64 keeps ~15 digits of it, enough to
order values that differ by 1e-9 relative even near 10^10^6). Rebirth and supercoin rank by their count, then by
money: the count goes in the integer part and log10(1 + money) (scaled into [0, 1)) in the fraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tycoon.kit.bignum import BigValue
from tycoon.rules.state import PlayerState

_LOG_SPAN = 1e7  # log10 of money is scaled into [0, 1) by this for secondary keys
_EMPTY = 1e12  # score of a zero value: after every positive value
_EXACT_BELOW = 10**15  # above this, log10(1 + money) and log10(money) are the same float


class Criteria(StrEnum):
    money = "money"
    energy = "energy"
    playtime = "playtime"
    rebirth = "rebirth"
    supercoin = "supercoin"

    @classmethod
    def parse(cls, raw: str | None) -> Criteria:
        """Any other value means money, as in the original."""
        try:
            return cls(raw or "money")
        except ValueError:
            return cls.money


@dataclass(frozen=True, slots=True)
class RankEntry:
    criteria: Criteria
    score: float  # sorted-set score (lower ranks first)
    shown: str  # what GET /ranks shows: "data,high" for big values, the integer otherwise


def big_score(value: BigValue) -> float:
    return -value.log10() if value.value > 0 else _EMPTY


def _money_fraction(money: BigValue) -> float:
    """log10(1 + money) scaled into [0, 1): rises with money over its whole range, 0 and 1 included."""
    if money.value <= 0:
        return 0.0
    log = money.log10() if money.value > _EXACT_BELOW else math.log10(1 + float(money))
    return min(log, _LOG_SPAN - 1) / _LOG_SPAN


def count_then_money_score(count: int, money: BigValue) -> float:
    return -(count + _money_fraction(money))


def _shown_big(value: BigValue) -> str:
    data, high = value.to_wire()
    return f"{data},{high}"


def money_entry(money: BigValue) -> RankEntry:
    return RankEntry(Criteria.money, big_score(money), _shown_big(money))


def energy_entry(energy: BigValue) -> RankEntry:
    return RankEntry(Criteria.energy, big_score(energy), _shown_big(energy))


def playtime_entry(play_time_ms: int) -> RankEntry:
    return RankEntry(Criteria.playtime, -float(play_time_ms), str(play_time_ms))


def rebirth_entry(rebirth_count: int, money: BigValue) -> RankEntry:
    return RankEntry(Criteria.rebirth, count_then_money_score(rebirth_count, money), str(rebirth_count))


def supercoin_entry(supercoin: int, money: BigValue) -> RankEntry:
    return RankEntry(Criteria.supercoin, count_then_money_score(supercoin, money), str(supercoin))


def zset_key(criteria: Criteria) -> str:
    return f"rank:{criteria.value}"


def rank_at(position: object) -> int | None:
    """A member's 0-based position in a ranking's sorted set (a ZRANK reply) as its 1-based rank; None if not
    ranked."""
    return None if position is None else int(str(position)) + 1


def shown_key(criteria: Criteria) -> str:
    return f"rank:{criteria.value}:shown"


def entries_shown(state: PlayerState, play_time_ms: int, criteria: Criteria) -> str:
    """What the caller's own score shows, computed from its fresh state."""
    shown = {
        Criteria.money: lambda: money_entry(state.money).shown,
        Criteria.energy: lambda: energy_entry(state.energy).shown,
        Criteria.playtime: lambda: str(play_time_ms),
        Criteria.rebirth: lambda: str(state.rebirth_count),
        Criteria.supercoin: lambda: str(state.supercoin),
    }
    return shown[criteria]()
