"""A tiny app built from the observability pieces, on a database and a Redis db of its own.

Others run tests on the `test` database and Redis db 0 at the same time: these use `tycoon_obs` and db 5.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from tycoon.config import Settings
from tycoon.health.endpoints import router as health_router
from tycoon.observability import middleware
from tycoon.observability.logging import configure_logging
from tycoon.observability.metrics import RATE_LIMITED, setup_metrics
from tycoon.observability.middleware import RequestContextMiddleware
from tycoon.observability.security import SecurityHeadersMiddleware

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DATABASE = "tycoon_obs"
DATABASE_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/5"
LOGGERS_TOUCHED = (
    "",
    *(f"{server}{part}" for server in ("uvicorn", "gunicorn") for part in ("", ".error", ".access")),
)


def build_app(settings: Settings, *, hsts: bool = False, **request_log: Any) -> FastAPI:
    """`request_log`: RequestContextMiddleware's settings (every_request, slow_read_ms)."""
    app = FastAPI()
    app.include_router(health_router)

    @app.get("/items/{item_id}")
    async def item(item_id: str, request: Request) -> dict[str, str]:
        request.state.player_id = 42
        structlog.get_logger("tycoon.test").info("inside handler", item_id=item_id)
        logging.getLogger("some.library").warning("library says hello")
        return {"item_id": item_id}

    @app.post("/items/{item_id}")
    async def change_item(item_id: str) -> dict[str, str]:
        return {"item_id": item_id}

    @app.get("/limited")
    async def limited() -> JSONResponse:
        RATE_LIMITED.labels(scope="player").inc()
        return JSONResponse({"detail": "Too many requests"}, status_code=429, headers={"Retry-After": "1"})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    setup_metrics(app, settings)
    app.add_middleware(SecurityHeadersMiddleware, hsts=hsts)
    app.add_middleware(RequestContextMiddleware, **request_log)
    return app


@pytest.fixture(scope="session")
def app_factory() -> Callable[..., FastAPI]:
    return build_app


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=DATABASE_URL, redis_url=REDIS_URL, log_json=True, log_level="INFO")


@pytest.fixture(scope="module")
def json_logging(settings: Settings) -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other test modules."""
    loggers = [logging.getLogger(name) for name in LOGGERS_TOUCHED]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    configure_logging(settings)
    yield
    structlog.reset_defaults()
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


@pytest.fixture
def fresh_request_logger(monkeypatch: pytest.MonkeyPatch, json_logging: None) -> None:
    # structlog caches a logger on first use: a logger first used under another test's configuration keeps it.
    monkeypatch.setattr(middleware, "log", structlog.get_logger("tycoon.request"))


@pytest.fixture(scope="session")
async def database() -> str:
    admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as connection:
        query = text("SELECT 1 FROM pg_database WHERE datname = :name")
        exists = await connection.scalar(query, {"name": DATABASE})
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    return DATABASE_URL


@pytest.fixture(scope="session")
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database, pool_size=2, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def redis() -> AsyncIterator[Redis]:
    client = Redis(connection_pool=BlockingConnectionPool.from_url(REDIS_URL, max_connections=8))
    yield client
    await client.aclose()


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine, redis: Redis) -> FastAPI:
    app = build_app(settings)
    app.state.settings, app.state.engine, app.state.redis = settings, engine, redis
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
