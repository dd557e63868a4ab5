"""Scheduled jobs. Delivery is at-least-once, so each job is idempotent (replaying it changes nothing)."""

from __future__ import annotations

import time
from typing import Annotated

from taskiq import Context, TaskiqDepends

from tycoon.jobs.broker import broker
from tycoon.players import persistence
from tycoon.rankings.refresh import refresh_time_rankings

ContextDep = Annotated[Context, TaskiqDepends()]
PLAY_TIME_FLUSH_SECONDS = 60


@broker.task(task_name="flush_dirty_players", schedule=[{"interval": 1}])
async def flush_dirty_players(context: ContextDep) -> int:
    state = context.state
    await state.game.catalogue.refresh(state.engine, state.redis)
    report = await persistence.flush_dirty(state.redis, state.engine)
    return report.written


@broker.task(task_name="refresh_time_rankings", schedule=[{"interval": 5}])
async def refresh_rankings(context: ContextDep) -> int:
    return await refresh_time_rankings(context.state.redis, context.state.game)


@broker.task(task_name="flush_play_time", schedule=[{"interval": PLAY_TIME_FLUSH_SECONDS}])
async def flush_play_time(context: ContextDep) -> int:
    since_ms = int((time.time() - PLAY_TIME_FLUSH_SECONDS) * 1000)
    return await persistence.mark_present_dirty(context.state.redis, since_ms)
