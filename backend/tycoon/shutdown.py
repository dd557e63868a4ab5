"""Closing a stopping process's Redis and PostgreSQL pools, within a bound.

A pool closes each of its connections politely: asyncpg sends Terminate and waits for the server to hang up,
redis-py waits for its connections' locks. A stalled database never hangs up, so an API worker stopping then
waited until gunicorn killed it at its 25-s grace period (26.3 s measured with PostgreSQL stalled), and the job
worker 16.8 s. A stopping process needs nothing from a close but that it ends: after the bound the process
exits and the OS closes the sockets that are left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

CLOSE_SECONDS = 3.0

log = structlog.get_logger()


async def close_stores(redis: Redis, engine: AsyncEngine, seconds: float = CLOSE_SECONDS) -> None:
    """Close both pools at once, each given at most `seconds`."""
    await asyncio.gather(
        _close("redis", redis.aclose(), seconds), _close("postgres", engine.dispose(), seconds)
    )


async def _close(store: str, closing: Awaitable[None], seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            await closing
    except TimeoutError:
        log.warning("close_timed_out", store=store, seconds=seconds)
