"""Scheduled jobs. Delivery is at-least-once, so each job is idempotent (replaying it changes nothing)."""

from __future__ import annotations

import time
from typing import Annotated

from sqlalchemy.exc import DBAPIError
from taskiq import Context, TaskiqDepends

from tycoon.jobs.broker import broker
from tycoon.jobs.health import report_metrics as report_worker_metrics
from tycoon.observability.metrics import STORAGE_ERRORS
from tycoon.players import persistence
from tycoon.rankings.refresh import refresh_time_rankings

ContextDep = Annotated[Context, TaskiqDepends()]
PLAY_TIME_FLUSH_SECONDS = 60


@broker.task(task_name="flush_dirty_players", schedule=[{"interval": 1}])
async def flush_dirty_players(context: ContextDep) -> int:
    state = context.state
    await state.game.catalogue.refresh(state.engine, state.redis)
    try:
        report = await persistence.flush_dirty(state.redis, state.engine)
    except (DBAPIError, OSError):
        STORAGE_ERRORS.labels(backend="postgres").inc()
        raise  # the dirty players stay dirty; the next run retries them
    return report.written


@broker.task(task_name="refresh_time_rankings", schedule=[{"interval": 5}])
async def refresh_rankings(context: ContextDep) -> int:
    return await refresh_time_rankings(context.state.redis, context.state.game)


@broker.task(task_name="flush_play_time", schedule=[{"interval": PLAY_TIME_FLUSH_SECONDS}])
async def flush_play_time(context: ContextDep) -> int:
    since_ms = int((time.time() - PLAY_TIME_FLUSH_SECONDS) * 1000)
    return await persistence.mark_present_dirty(context.state.redis, since_ms)


@broker.task(task_name="report_metrics", schedule=[{"interval": 15}])
async def report_metrics(context: ContextDep) -> None:
    """Write-behind lag and backlog, active players, queue depth and the worker's heartbeat, for /metrics."""
    await report_worker_metrics(context.state.redis, context.state.game.presence.play_window_ms)
