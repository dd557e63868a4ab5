"""Scheduled refresh of the criteria that grow with time (energy, play time, supercoin drops), and rebuild."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.game.service import Game
from tycoon.players import keys, repository
from tycoon.players.store import LoadedPlayer
from tycoon.rankings import service
from tycoon.rankings.scores import Criteria, RankEntry, shown_key, zset_key
from tycoon.redis import Redis

# The refresh runs every 5 s over every active player. Done in one burst it stalled every request for 150-400 ms
# at 1,250 players (CPU and Redis both busy with it): it goes in small batches spread over about 2 s instead.
BATCH = 100
SPREAD_SECONDS = 2.0
SLACK_MS = 60_000  # keep refreshing a little past the end of production, to record its final value


async def refresh_time_rankings(redis: Redis, game: Game) -> int:
    """Recompute energy, play time and supercoin ranks of players whose production may still be running."""
    now = time.time()
    since = int(now * 1000) - max(game.presence.offline_cap_ms, game.presence.play_window_ms) - SLACK_MS
    await redis.zremrangebyscore(keys.ACTIVE, "-inf", since)
    user_ids = [str(uid) for uid in await redis.zrange(keys.ACTIVE, since, "+inf", byscore=True)]
    starts = range(0, len(user_ids), BATCH)
    pause = SPREAD_SECONDS / len(starts) if len(starts) > 1 else 0.0
    for start in starts:
        if start:
            await asyncio.sleep(pause)
        players = await game.store.load_many(user_ids[start : start + BATCH])
        now = time.time()
        await service.store_many(redis, [_time_entries(game, loaded, now) for loaded in players])
    return len(user_ids)


def _time_entries(game: Game, loaded: LoadedPlayer, now: float) -> tuple[str, list[RankEntry]]:
    state = game.settle_unattended(loaded, now)
    return loaded.user_id, service.time_entries(state, loaded.play_time_ms)


async def rebuild(redis: Redis, engine: AsyncEngine, game: Game) -> int:
    """Recreate every ranking set from PostgreSQL (after a Redis loss)."""
    now = time.time()
    records = await repository.all_players(engine)
    async with redis.pipeline(transaction=True) as pipe:
        for criteria in Criteria:
            pipe.delete(zset_key(criteria), shown_key(criteria))
        pipe.delete(service.USERNAMES)
        await pipe.execute()
    states = [game.settle_unattended(record.loaded(), now) for record in records]
    if states:
        await redis.hset(service.USERNAMES, mapping={state.user_id: state.username for state in states})
    await service.store_many(redis, [(s.user_id, service.entries_for(s, s.play_time_ms)) for s in states])
    return len(records)
