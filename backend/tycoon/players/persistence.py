"""Write-behind: players changed in Redis reach PostgreSQL in one statement per batch.

Run every second by the worker (jobs/tasks.py). A player stays in the dirty set until the version that was
written is still the current one, so a change made during the flush is flushed next time; replaying a flush
is harmless because PostgreSQL only accepts versions that move forward.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.observability.metrics import WRITE_BEHIND_REFUSED
from tycoon.players import keys, repository
from tycoon.players.repository import PlayerRecord, RefusingRow
from tycoon.redis import Redis

BATCH = 1000
log = structlog.get_logger("tycoon.write_behind")

# KEYS: dirty zset. ARGV: key prefix, then (user_id, flushed version, refusing row's version or '', whether that
# row holds the document sent: '1'/'0') quadruples. A refused copy is forgotten when it does not descend from the
# row: the row is newer than the copy is now, or the row has the version sent with another document; a row only
# ahead of the version read was written by a faster flush of a newer copy, and the copy stays. Returns how many
# went.
_CLEAR = """
local forgotten = 0
for i = 2, #ARGV, 4 do
  local key = ARGV[1] .. ARGV[i]
  local v = redis.call('HGET', key, 'v')
  local row = ARGV[i + 2]
  if v and row ~= '' and (tonumber(row) > tonumber(v) or (row == ARGV[i + 1] and ARGV[i + 3] == '0')) then
    redis.call('DEL', key)
    v = false
    forgotten = forgotten + 1
  end
  if (not v) or v == ARGV[i + 1] then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return forgotten
"""


@dataclass(frozen=True, slots=True)
class FlushReport:
    written: int
    backlog: int
    lag_seconds: float  # age of the oldest change still waiting after this flush
    refused: int = 0  # copies PostgreSQL refused and Redis forgot (see repository._FLUSH)


async def flush_dirty(redis: Redis, engine: AsyncEngine, batch: int = BATCH) -> FlushReport:
    """Changed players to PostgreSQL. A copy PostgreSQL refuses (it does not descend from the row) is forgotten:
    the player reloads from PostgreSQL, and the changes made on that copy are lost — they were built on a state
    older than the record (docs/architecture.md)."""
    written = refused = 0
    while ids := await redis.zrange(keys.DIRTY, 0, batch - 1):
        records = await _read(redis, [str(uid) for uid in ids])
        rows_refusing = await repository.write_behind(engine, records) if records else {}
        forgotten = await _clear(redis, records, [str(uid) for uid in ids], rows_refusing)
        if forgotten:
            WRITE_BEHIND_REFUSED.inc(forgotten)
            log.warning("write_behind_refused", players=forgotten, user_ids=sorted(rows_refusing)[:10])
        written += len(records) - len(rows_refusing)
        refused += forgotten
        if len(ids) < batch:
            break
    return await _report(redis, written, refused)


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


async def _clear(
    redis: Redis, records: list[PlayerRecord], user_ids: list[str], rows: dict[str, RefusingRow]
) -> int:
    flushed = {record.user_id: record.version for record in records}
    args: list[str | int] = ["player:"]
    for user_id in user_ids:  # vanished players (deleted, expired) leave the set too
        row = rows.get(user_id)
        args += [user_id, flushed.get(user_id, -1), "" if row is None else row.version]
        args.append("1" if row is None or row.same_document else "0")
    forgotten: int = await redis.register_script(_CLEAR)(keys=[keys.DIRTY], args=args)
    return forgotten


async def _report(redis: Redis, written: int, refused: int) -> FlushReport:
    waiting, lag = await backlog(redis)
    return FlushReport(written=written, backlog=waiting, lag_seconds=lag, refused=refused)


async def mark_present_dirty(redis: Redis, since_ms: int) -> int:
    """Queue recently present players for a flush so their play time reaches PostgreSQL."""
    present = await redis.zrange(keys.ACTIVE, since_ms, "+inf", byscore=True)
    if not present:
        return 0
    now_ms = int(time.time() * 1000)
    added = await redis.zadd(keys.DIRTY, {str(uid): now_ms for uid in present}, nx=True)
    return int(added or 0)


async def backlog(redis: Redis) -> tuple[int, float]:
    """How many players have changes not yet in PostgreSQL, and the age in seconds of the oldest change."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zcard(keys.DIRTY)
        pipe.zrange(keys.DIRTY, 0, 0, withscores=True)
        count, oldest = await pipe.execute()
    lag = max(0.0, time.time() - float(oldest[0][1]) / 1000) if oldest else 0.0
    return int(count), lag


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
