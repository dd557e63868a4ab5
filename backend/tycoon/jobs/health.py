"""What the worker reports about itself and the write-behind, through Redis, for the API's /metrics."""

from __future__ import annotations

import time

from redis.exceptions import ResponseError

from tycoon.jobs.broker import QUEUE_NAME
from tycoon.observability.metrics import (
    ACTIVE_PLAYERS,
    JOB_QUEUE_DEPTH,
    WRITE_BEHIND_BACKLOG,
    WRITE_BEHIND_LAG_SECONDS,
    report_gauges,
    report_heartbeat,
)
from tycoon.players import keys, persistence
from tycoon.redis import Redis


async def report_metrics(redis: Redis, play_window_ms: int) -> None:
    now_ms = int(time.time() * 1000)
    waiting, lag = await persistence.backlog(redis)
    values = {
        WRITE_BEHIND_BACKLOG: float(waiting),
        WRITE_BEHIND_LAG_SECONDS: lag,
        ACTIVE_PLAYERS: float(await redis.zcount(keys.ACTIVE, now_ms - play_window_ms, "+inf")),
        JOB_QUEUE_DEPTH: float(await queue_depth(redis)),
    }
    await report_gauges(redis, values)
    await report_heartbeat(redis, "worker")


async def queue_depth(redis: Redis) -> int:
    """Jobs not yet delivered plus delivered but not acknowledged, over the stream's consumer groups."""
    try:
        groups = await redis.xinfo_groups(QUEUE_NAME)
    except ResponseError:  # no stream yet (nothing was ever queued)
        return 0
    return sum(int(group.get("lag") or 0) + int(group.get("pending") or 0) for group in groups)
