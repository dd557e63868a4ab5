"""STATE_STORE=postgres: the same game with player state in PostgreSQL alone (write-through).

For rollback and for comparison. Sessions, rankings and caches stay in Redis; every request reads and writes
the player's row (presence is counted in the same statement that loads it).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.players import keys, repository
from tycoon.players.codec import dumps
from tycoon.players.store import LoadedPlayer, Presence, SessionLoad, SessionPrincipal
from tycoon.rankings.scores import rank_at
from tycoon.rankings.service import store_entries
from tycoon.ratelimit.limits import CHECK_LUA, Limits
from tycoon.redis import Redis
from tycoon.rules.state import PlayerState


class PostgresPlayerStore:
    def __init__(self, redis: Redis, engine: AsyncEngine, presence: Presence, limits: Limits) -> None:
        self._redis = redis
        self._engine = engine
        self._presence = presence
        self._limits = limits
        self._check = redis.register_script(CHECK_LUA)

    async def load_for_session(
        self, token_hash: str, now_ms: int, client_ip: str, rank_in: str | None = None
    ) -> SessionLoad | None:
        value = await self._redis.get(keys.session(token_hash))
        principal = None if value is None else SessionPrincipal.parse(str(value))
        user_id = None if principal is None else principal.user_id
        # the address's bucket is charged for a token of no session too, as the Redis store's script does
        wait_ms, scope = await self._check(args=self._limits.script_args(client_ip, user_id))
        if int(wait_ms) > 0:
            raise self._limits.refusal(int(wait_ms), str(scope), user_id if scope == "player" else None)
        if principal is None:
            return None
        user_id = principal.user_id
        presence = self._presence
        record = await repository.touch_player(
            self._engine, user_id, now_ms, presence.play_window_ms, presence.play_window_ms
        )
        await self._redis.zadd(keys.ACTIVE, {user_id: now_ms})
        rank = None if rank_in is None else rank_at(await self._redis.zrank(rank_in, user_id))
        return SessionLoad(principal, None if record is None else record.loaded(), rank)

    async def load(self, user_id: str) -> LoadedPlayer | None:
        record = await repository.fetch_player(self._engine, user_id)
        return None if record is None else record.loaded()

    async def load_many(self, user_ids: list[str]) -> list[LoadedPlayer]:
        return [record.loaded() for record in await repository.fetch_players(self._engine, user_ids)]

    async def save(self, loaded: LoadedPlayer, state: PlayerState, now_ms: int) -> int | None:
        clear_away = loaded.away_since_ms is not None
        version = await repository.save_player(
            self._engine, loaded.user_id, loaded.version, dumps(state), clear_away
        )
        if version is not None:
            await store_entries(self._redis, state, loaded.play_time_ms)
        return version

    async def forget(self, user_id: str) -> None:
        """PostgreSQL is the only copy; the mark keeps a save in flight out of the rankings (their writes check it)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.gone(user_id), 1, ex=keys.GONE_TTL_SECONDS)
            pipe.zrem(keys.ACTIVE, user_id)
            await pipe.execute()

    async def remember(self, user_id: str) -> None:
        await self._redis.delete(keys.gone(user_id))
