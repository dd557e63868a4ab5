"""Fixtures on the real PostgreSQL and Redis.

The session gets its own database (`tycoon_test`, recreated and migrated) and Redis database 1 (flushed), so
the suite never touches data of a running dev server. Each test makes its own players, so tests need no
cleanup between them. `client` runs the API in-process (with its lifespan) for both state stores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as sync_redis
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from tycoon.app import create_app
from tycoon.config import Settings, StateStoreKind

BACKEND = Path(__file__).resolve().parent.parent
ADMIN_DB_URL = os.environ.get("TEST_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_DB = os.environ.get("TEST_DATABASE_NAME", "tycoon_test")
DATABASE_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{TEST_DB}"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ORIGIN = "http://127.0.0.1:5173"

TEST_ENV = {
    "ENVIRONMENT": "test",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "LOGIN_IP_LIMIT_PER_MINUTE": "100000",
    "RATE_LIMIT_IP_PER_SECOND": "100000",
    "RATE_LIMIT_PLAYER_BURST": "1000",  # tests/api/test_rate_limits.py checks the real limits
    "LOG_JSON": "false",
    "LOG_LEVEL": "WARNING",
    "FRONTEND_ORIGINS": ORIGIN,
}


def _psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_DB_URL, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


@pytest.fixture(scope="session", autouse=True)
def test_environment() -> Iterator[dict[str, str]]:
    """Fresh database migrated to head and seeded, empty Redis database; env for subprocesses."""
    _psql(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {TEST_DB}")
    sync_redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, **TEST_ENV}
    for command in (["migrate"], ["seed"]):
        subprocess.run([sys.executable, "-m", "tycoon", *command], cwd=BACKEND, env=env, check=True)
    saved = {key: os.environ.get(key) for key in TEST_ENV}
    os.environ.update(TEST_ENV)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {key.lower(): value for key, value in TEST_ENV.items()}
    values.update(overrides)
    return Settings(**values)


class Api:
    """A test client speaking as one player (Bearer token), with helpers for the common steps."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token: str | None = None
        self.user: dict[str, Any] = {}

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def signup(self, username: str | None = None, password: str = "password1") -> dict[str, Any]:
        username = username or f"p{uuid.uuid4().hex[:12]}"
        response = await self.http.post("/signup", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.token, self.user = body["access_token"], body["user"]
        return body

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.headers, **kwargs)

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return await self.http.post(path, json=json, headers=self.headers, **kwargs)

    async def delete(self, path: str) -> httpx.Response:
        return await self.http.delete(path, headers=self.headers)

    async def type_id(self, index: int = 0) -> str:
        types = (await self.http.get("/generator_types")).json()["types"]
        return str(types[index]["id"])

    async def place(self, x: int = 100, index: int = 0) -> httpx.Response:
        body = {
            "user_id": self.user["user_id"],
            "generator_type_id": await self.type_id(index),
            "x_position": x,
            "world_position": 0,
        }
        return await self.post("/progress", body)


@pytest.fixture(scope="session")
async def redis_app() -> AsyncIterator[FastAPI]:
    app = create_app(make_settings(state_store=StateStoreKind.redis))
    async with LifespanManager(app):
        yield app


@pytest.fixture(scope="session")
async def postgres_app() -> AsyncIterator[FastAPI]:
    app = create_app(make_settings(state_store=StateStoreKind.postgres))
    async with LifespanManager(app):
        yield app


def http_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers={"Origin": ORIGIN})


@pytest.fixture(params=["redis", "postgres"])
async def api(
    request: pytest.FixtureRequest, redis_app: FastAPI, postgres_app: FastAPI
) -> AsyncIterator[Api]:
    """A signed-up player, once per state store."""
    app = redis_app if request.param == "redis" else postgres_app
    async with http_client(app) as http:
        player = Api(http)
        await player.signup()
        yield player


@pytest.fixture
async def redis_api(redis_app: FastAPI) -> AsyncIterator[Api]:
    async with http_client(redis_app) as http:
        player = Api(http)
        await player.signup()
        yield player


async def grant(app: FastAPI, user_id: str, *, money: str | None = None, **fields: int) -> None:
    """Give a player money or set integer fields (supercoin, rebirth_count…) through the real store."""
    from tycoon.kit.bignum import BigValue
    from tycoon.rules.state import PlayerState

    def change(state: PlayerState) -> None:
        if money is not None:
            state.money = state.money + BigValue(money)
        for name, value in fields.items():
            setattr(state, name, value)

    await app.state.game.act_on_user(user_id, change)


async def rewind(app: FastAPI, user_id: str, seconds: float) -> None:
    """Make `seconds` pass for a player: every stored timestamp moves back (stored state only)."""
    from tycoon.rules.state import PlayerState

    def shift(state: PlayerState) -> None:
        state.settled_at -= seconds
        for generator in state.generators:
            if generator.build_end is not None:
                generator.build_end -= seconds

    await app.state.game.act_on_user(user_id, shift)
