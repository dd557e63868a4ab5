"""One Redis connection pool per process, made in the lifespan and handed out by a dependency."""

from __future__ import annotations

from typing import Annotated

import redis.asyncio as aioredis
from fastapi import Depends, Request

from tycoon.config import Settings

Redis = aioredis.Redis


def create_redis(settings: Settings, *, pool_size: int | None = None) -> Redis:
    # BlockingConnectionPool waits for a free connection instead of raising MaxConnectionsError under load.
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=pool_size or settings.redis_pool_size,
        timeout=5,
        decode_responses=True,
        health_check_interval=30,
    )
    return aioredis.Redis(connection_pool=pool)


async def get_redis(request: Request) -> Redis:  # async: FastAPI runs sync dependencies in a thread
    client: Redis = request.app.state.redis
    return client


RedisDep = Annotated[Redis, Depends(get_redis)]
