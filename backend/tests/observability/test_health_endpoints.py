"""/healthz answers without I/O; /readyz checks PostgreSQL, Redis and the migration head for real."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tycoon.health.endpoints import expected_heads

HEAD = "obs_head_0001"


@pytest.fixture
async def at_head(app: FastAPI, engine: AsyncEngine) -> AsyncIterator[None]:
    """The test database claims migration HEAD, and the app expects exactly that."""
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await connection.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        await connection.execute(text(f"INSERT INTO alembic_version VALUES ('{HEAD}')"))
    app.dependency_overrides[expected_heads] = lambda: frozenset({HEAD})
    yield
    app.dependency_overrides.clear()


async def test_healthz_needs_nothing(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.engine = app.state.redis = None  # no I/O: it answers even with no database at all
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.usefixtures("at_head")
async def test_ready_with_postgres_redis_and_schema_at_head(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"postgres": "ok", "migrations": "ok", "redis": "ok"},
    }


@pytest.mark.usefixtures("at_head")
async def test_unready_when_redis_is_unreachable(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.redis = Redis.from_url("redis://127.0.0.1:1/5", socket_connect_timeout=0.5)
    try:
        response = await client.get("/readyz")
    finally:
        await app.state.redis.aclose()
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unready"
    assert body["checks"]["postgres"] == "ok"
    assert body["checks"]["redis"] != "ok"


@pytest.mark.usefixtures("at_head")
async def test_unready_when_postgres_is_unreachable(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/tycoon_obs")
    try:
        response = await client.get("/readyz")
    finally:
        await app.state.engine.dispose()
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "postgres": "error: ConnectionRefusedError",
        "migrations": "unknown",
        "redis": "ok",
    }


@pytest.mark.usefixtures("at_head")
async def test_unready_when_the_schema_is_behind_the_code(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.dependency_overrides[expected_heads] = lambda: frozenset({"obs_head_0002"})
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == f"database at {HEAD}, code expects obs_head_0002"


async def test_unready_when_the_database_was_never_migrated(
    app: FastAPI, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    app.dependency_overrides[expected_heads] = lambda: frozenset({HEAD})
    response = await client.get("/readyz")
    app.dependency_overrides.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("error: ")


def test_expected_heads_come_from_the_migrations_folder() -> None:
    heads = expected_heads()
    assert heads
    assert all(isinstance(head, str) and head for head in heads)


def test_health_routes_stay_out_of_the_openapi_schema(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert "/healthz" not in paths
    assert "/readyz" not in paths
    assert "/metrics" not in paths
