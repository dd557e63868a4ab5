"""Rankings: one Redis sorted set per criterion, exact rank for every player.

Money, rebirth and supercoin change only when a player's state is saved, so the save updates them. Energy,
play time and supercoin drops also grow with time: the scheduled job `refresh_rankings` recomputes them for
recently active players. `rebuild` recreates every set from PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from redis.commands.core import AsyncScript

from tycoon.players import keys
from tycoon.rankings.scores import (
    Criteria,
    RankEntry,
    energy_entry,
    money_entry,
    playtime_entry,
    rank_at,
    rebirth_entry,
    shown_key,
    supercoin_entry,
    zset_key,
)
from tycoon.redis import Redis
from tycoon.rules.state import PlayerState

USERNAMES = "usernames"  # hash user_id → username

# KEYS: zset, shown hash, usernames hash. ARGV: offset, limit. Returns {total, shown, names} (not the ids: the
# answer has no use for them, and a page of 100 would carry 3.6 KB of them).
_PAGE = """
local total = redis.call('ZCARD', KEYS[1])
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[1] + ARGV[2] - 1)
if #ids == 0 then return {total, {}, {}} end
return {total, redis.call('HMGET', KEYS[2], unpack(ids)), redis.call('HMGET', KEYS[3], unpack(ids))}
"""


# KEYS: the player's "gone" mark, then per criterion its zset and shown hash. ARGV: user id, then per criterion
# its score and shown value. A player whose account is being deleted is left out: a save or a refresh that
# loaded the player before the deletion must not put it back after the deletion cleared the rankings.
_STORE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS, 2 do
  redis.call('ZADD', KEYS[i], ARGV[i], ARGV[1])
  redis.call('HSET', KEYS[i + 1], ARGV[1], ARGV[i + 1])
end
return 1
"""

_SCRIPTS: WeakKeyDictionary[Redis, dict[str, AsyncScript]] = WeakKeyDictionary()


def _script(redis: Redis, text: str) -> AsyncScript:
    """Registered once per client (registering hashes the script's text)."""
    scripts = _SCRIPTS.setdefault(redis, {})
    script = scripts.get(text)
    if script is None:
        script = scripts[text] = redis.register_script(text)
    return script


@dataclass(frozen=True, slots=True)
class RankRow:
    username: str
    rank: int
    shown: str


@dataclass(frozen=True, slots=True)
class RankPage:
    total: int
    rows: list[RankRow]


def entries_for(state: PlayerState, play_time_ms: int) -> list[RankEntry]:
    return [
        money_entry(state.money),
        energy_entry(state.energy),
        playtime_entry(play_time_ms),
        rebirth_entry(state.rebirth_count, state.money),
        supercoin_entry(state.supercoin, state.money),
    ]


def time_entries(state: PlayerState, play_time_ms: int) -> list[RankEntry]:
    """The criteria that move without a save."""
    return [
        energy_entry(state.energy),
        playtime_entry(play_time_ms),
        supercoin_entry(state.supercoin, state.money),
    ]


async def store_entries(redis: Redis, state: PlayerState, play_time_ms: int) -> None:
    await store_many(redis, [(state.user_id, entries_for(state, play_time_ms))])


async def store_many(redis: Redis, players: list[tuple[str, list[RankEntry]]]) -> None:
    store = _script(redis, _STORE)
    if len(players) == 1:  # a save's (STATE_STORE=postgres): one call, no pipeline's script check round trip
        await store(*_store_call(*players[0]))
        return
    async with redis.pipeline(transaction=False) as pipe:
        for user_id, entries in players:
            await store(*_store_call(user_id, entries), client=pipe)
        await pipe.execute()


def _store_call(user_id: str, entries: list[RankEntry]) -> tuple[list[str], list[str | float]]:
    """_STORE's keys and arguments for one player."""
    names = [name for entry in entries for name in (zset_key(entry.criteria), shown_key(entry.criteria))]
    values = [value for entry in entries for value in (entry.score, entry.shown)]
    return [keys.gone(user_id), *names], [user_id, *values]


async def register_username(redis: Redis, user_id: str, username: str) -> None:
    await redis.hset(USERNAMES, user_id, username)


async def remove_player(redis: Redis, user_id: str) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        for criteria in Criteria:
            pipe.zrem(zset_key(criteria), user_id)
            pipe.hdel(shown_key(criteria), user_id)
        pipe.hdel(USERNAMES, user_id)
        await pipe.execute()


async def rank_of(redis: Redis, criteria: Criteria, user_id: str) -> int | None:
    return rank_at(await redis.zrank(zset_key(criteria), user_id))


async def page(redis: Redis, criteria: Criteria, limit: int, offset: int) -> RankPage:
    script = _script(redis, _PAGE)
    keys = [zset_key(criteria), shown_key(criteria), USERNAMES]
    total, shown, names = await script(keys=keys, args=[offset, limit])
    rows = [
        RankRow(username=name or "", rank=offset + i + 1, shown=value or "0")
        for i, (name, value) in enumerate(zip(names, shown, strict=True))
    ]
    return RankPage(total=int(str(total)), rows=rows)
