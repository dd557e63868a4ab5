"""Write-behind: players changed in Redis reach PostgreSQL in one statement per batch.

Run every second by the worker (jobs/tasks.py). A player stays in the dirty set until the version that was
written is still the current one, so a change made during the flush is flushed next time; replaying a flush
is harmless because PostgreSQL only accepts versions that move forward.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.players import keys, repository
from tycoon.players.repository import PlayerRecord
from tycoon.redis import Redis

BATCH = 1000

# KEYS: dirty zset. ARGV: key prefix, then (user_id, flushed version) pairs.
_CLEAR = """
local cleared = 0
for i = 2, #ARGV, 2 do
  local v = redis.call('HGET', ARGV[1] .. ARGV[i], 'v')
  if (not v) or v == ARGV[i + 1] then
    cleared = cleared + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return cleared
"""


@dataclass(frozen=True, slots=True)
class FlushReport:
    written: int
    backlog: int
    lag_seconds: float  # age of the oldest change still waiting after this flush


async def flush_dirty(redis: Redis, engine: AsyncEngine, batch: int = BATCH) -> FlushReport:
    written = 0
    while ids := await redis.zrange(keys.DIRTY, 0, batch - 1):
        records = await _read(redis, [str(uid) for uid in ids])
        if records:
            await repository.write_behind(engine, records)
        await _clear(redis, records, [str(uid) for uid in ids])
        written += len(records)
        if len(ids) < batch:
            break
    return await _report(redis, written)


async def _read(redis: Redis, user_ids: list[str]) -> list[PlayerRecord]:
    async with redis.pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.hmget(keys.player(user_id), ["v", "doc", "pt", "seen", "away"])
        rows = await pipe.execute()
    return [
        PlayerRecord(user_id, int(v), doc, int(pt or 0), int(seen or 0), None if away is None else int(away))
        for user_id, (v, doc, pt, seen, away) in zip(user_ids, rows, strict=True)
        if v is not None and doc is not None
    ]


async def _clear(redis: Redis, records: list[PlayerRecord], user_ids: list[str]) -> None:
    flushed = {record.user_id: record.version for record in records}
    args: list[str | int] = ["player:"]
    for user_id in user_ids:  # vanished players (deleted, expired) leave the set too
        args += [user_id, flushed.get(user_id, -1)]
    await redis.register_script(_CLEAR)(keys=[keys.DIRTY], args=args)


async def _report(redis: Redis, written: int) -> FlushReport:
    waiting = await backlog(redis)
    oldest = await redis.zrange(keys.DIRTY, 0, 0, withscores=True)
    lag = max(0.0, time.time() - float(oldest[0][1]) / 1000) if oldest else 0.0
    return FlushReport(written=written, backlog=waiting, lag_seconds=lag)


async def mark_present_dirty(redis: Redis, since_ms: int) -> int:
    """Queue recently present players for a flush so their play time reaches PostgreSQL."""
    present = await redis.zrange(keys.ACTIVE, since_ms, "+inf", byscore=True)
    if not present:
        return 0
    now_ms = int(time.time() * 1000)
    added = await redis.zadd(keys.DIRTY, {str(uid): now_ms for uid in present}, nx=True)
    return int(added or 0)


async def backlog(redis: Redis) -> int:
    """How many players have changes not yet in PostgreSQL."""
    return int(await redis.zcard(keys.DIRTY))


async def drop_cached_players(redis: Redis) -> int:
    """Forget every player's Redis copy and the dirty set (rollback C, going back to STATE_STORE=redis).

    Only while the API runs in postgres mode: there PostgreSQL holds the newest state and these copies are older.
    """
    dropped = 0
    batch: list[str] = []
    async for key in redis.scan_iter(match=keys.player("*"), count=500):
        batch.append(key)
        if len(batch) == 500:
            dropped += int(await redis.unlink(*batch))
            batch = []
    if batch:
        dropped += int(await redis.unlink(*batch))
    await redis.delete(keys.DIRTY)
    return dropped
