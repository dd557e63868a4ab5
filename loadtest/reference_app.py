"""The yardstick: a bare FastAPI app served exactly like the game server, measured in the same benchmark run.

GET /hello answers a constant; GET /redis answers after one Redis GET. Each game figure is then also given as a
ratio to these, which holds across machines and noisy neighbours better than absolute numbers do.

    cd backend && REDIS_URL=redis://127.0.0.1:6379/9 uv run gunicorn --chdir ../loadtest reference_app:app \
        -k uvicorn_worker.UvicornWorker -w 2 -b 127.0.0.1:8100
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from pydantic import BaseModel
from redis.asyncio import BlockingConnectionPool, Redis

KEY = "reference:value"


class Hello(BaseModel):
    message: str


class Value(BaseModel):
    value: str | None


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # the game server's pool settings (tycoon/redis.py)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=64, timeout=5, decode_responses=True, health_check_interval=30
    )
    app.state.redis = Redis(connection_pool=pool)
    await app.state.redis.set(KEY, "hello")
    try:
        yield
    finally:
        await app.state.redis.aclose()
        await pool.aclose()


app = FastAPI(lifespan=lifespan)


@app.get("/hello")
async def hello() -> Hello:
    return Hello(message="hello")


@app.get("/redis")
async def one_redis_get(request: Request) -> Value:
    value: str | None = await request.app.state.redis.get(KEY)
    return Value(value=value)
