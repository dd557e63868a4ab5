"""GET /rank and GET /ranks for the five criteria (§10), served from Redis sorted sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from tycoon.auth.deps import Caller, CurrentCaller, authenticate, loads_session, settle
from tycoon.game.schemas import respond
from tycoon.rankings import service
from tycoon.rankings.scores import Criteria, entries_shown, zset_key
from tycoon.redis import RedisDep, get_redis

router = APIRouter(tags=["rankings"])

# Far past every ranking (a larger offset than there are players is an empty page, as in the original), and within
# what Redis's ZRANGE indexes and the JSON answer's integers can carry.
MAX_OFFSET = 2**53


class BigScore(BaseModel):
    data: int
    high: int
    displayValue: str  # noqa: N815 - the original's field name


Score = BigScore | int


class RankOut(BaseModel):
    username: str
    rank: int | None
    score: Score
    criteria: str


class RankRowOut(BaseModel):
    username: str
    rank: int
    score: Score


class RanksOut(BaseModel):
    total: int
    limit: int
    offset: int
    criteria: str
    ranks: list[RankRowOut]


def score_of(criteria: Criteria, shown: str) -> dict[str, int | str] | int:
    """The score as the original shows it (BigScore for money and energy), as plain data for `respond`."""
    if criteria in (Criteria.money, Criteria.energy):
        data, _, high = shown.partition(",")
        return {"data": int(data), "high": int(high or 0), "displayValue": f"{data}e{high or 0}"}
    return int(shown)


@dataclass(frozen=True, slots=True)
class RankedCaller:
    criteria: Criteria
    caller: Caller


@loads_session
async def ranked_caller(request: Request, criteria: str | None = None) -> RankedCaller:
    chosen = Criteria.parse(criteria)
    caller = await authenticate(request, rank_in=zset_key(chosen))  # the rank comes with the session
    return RankedCaller(chosen, caller)


@router.get("/rank", response_model=RankOut, operation_id="my_rank")
async def my_rank(request: Request, ranked: Annotated[RankedCaller, Depends(ranked_caller)]) -> Response:
    chosen, caller = ranked.criteria, ranked.caller
    ends_absence = caller.loaded.away_since_ms is not None
    player = await settle(request, caller)
    rank = caller.rank
    if ends_absence:  # settling stored what was made while away: rank the score shown, not the one before
        rank = await service.rank_of(await get_redis(request), chosen, player.user_id)
    shown = entries_shown(player.state, player.loaded.play_time_ms, chosen)
    return respond(
        {
            "username": player.state.username,
            "rank": rank,
            "score": score_of(chosen, shown),
            "criteria": chosen.value,
        }
    )


@router.get("/ranks", response_model=RanksOut, operation_id="ranks")
async def ranks(
    caller: CurrentCaller,
    redis: RedisDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    criteria: str | None = None,
) -> Response:
    chosen = Criteria.parse(criteria)
    page = await service.page(redis, chosen, limit, offset)
    rows = [
        {"username": row.username, "rank": row.rank, "score": score_of(chosen, row.shown)}
        for row in page.rows
    ]
    return respond(
        {"total": page.total, "limit": limit, "offset": offset, "criteria": chosen.value, "ranks": rows}
    )
