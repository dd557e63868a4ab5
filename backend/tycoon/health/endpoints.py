"""GET /healthz: the process answers (no I/O). GET /readyz: PostgreSQL, Redis and the schema are usable.

The platform's health check uses /healthz: a slow database must not make it restart every replica.
/readyz is for deploy checks and monitoring. Both stay out of the OpenAPI schema (not part of the game's API).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import tycoon

CHECK_TIMEOUT_SECONDS = 2.0
MIGRATIONS = Path(tycoon.__file__).resolve().parent.parent / "migrations"  # alembic.ini's script_location

router = APIRouter(tags=["health"])


@cache
def expected_heads() -> frozenset[str]:
    """The migration heads this code expects (read once, at the first /readyz: alembic is slow to import)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request, heads: Annotated[frozenset[str], Depends(expected_heads)]) -> JSONResponse:
    state = request.app.state
    database, redis = await asyncio.gather(_database_checks(state.engine, heads), check_redis(state.redis))
    checks = {**database, "redis": redis}
    ready = all(result == "ok" for result in checks.values())
    body = {"status": "ready" if ready else "unready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


async def check_redis(redis: Redis, seconds: float = CHECK_TIMEOUT_SECONDS) -> str:
    return await _outcome(_ping(redis), seconds)


async def check_postgres(engine: AsyncEngine, seconds: float = CHECK_TIMEOUT_SECONDS) -> str:
    return await _outcome(_select_one(engine), seconds)


async def _outcome(check: Awaitable[str], seconds: float = CHECK_TIMEOUT_SECONDS) -> str:
    """The verdict ("ok" or why not) or the kind of failure: never its message, which may name hosts."""
    try:
        async with asyncio.timeout(seconds):
            return await check
    except TimeoutError:
        return "timeout"
    except Exception as error:
        return f"error: {type(error).__name__}"


async def _ping(redis: Redis) -> str:
    await redis.ping()
    return "ok"


async def _select_one(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return "ok"


async def _database_checks(engine: AsyncEngine, heads: frozenset[str]) -> dict[str, str]:
    postgres = await check_postgres(engine)
    if postgres != "ok":
        return {"postgres": postgres, "migrations": "unknown"}
    return {"postgres": postgres, "migrations": await _outcome(_migrations_at_head(engine, heads))}


async def _migrations_at_head(engine: AsyncEngine, heads: frozenset[str]) -> str:
    async with engine.connect() as connection:
        result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        applied = frozenset(result.scalars())
    if applied == heads:
        return "ok"
    return f"database at {','.join(sorted(applied)) or 'nothing'}, code expects {','.join(sorted(heads))}"
