"""Helpers for the endpoint tests: the app behind `api`, more players, wire numbers, cookie-only clients."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, cast

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from tests.conftest import Api, grant, http_client, make_settings, rewind
from tycoon.app import create_app
from tycoon.config import StateStoreKind

ACCESS_COOKIE = "ec9db4eab1b820ebb3b5ed98b8ed9994ed9598eb8ba4eb8b88"
REFRESH_COOKIE = "yeCuXMndsYC3kMnAPw__"
TRAP_COOKIE = "abtkn"
CSRF_COOKIE = "csrf_token"
PASSWORD = "password1"

# catalogue indexes used by the tests (ORIGINAL-RULES §3)
PLANT = 0  # cost 10, 1/s, build 3 s, heat 0
SOLAR = 1  # cost 250, 2.6/s, build 4 s, heat 1/s, tolerance 10
WIND = 2  # cost 1000, 6.8/s, build 6 s
ONSHORE = 4  # cost 12 000, 54/s, build 13 s


@pytest.fixture(scope="package", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Argon2 with minimal cost while these tests run: ~800 sign-ups would otherwise spend half the suite's
    CPU hashing. Same algorithm and code path, only the work factor is lower."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from tycoon.auth import passwords

    with pytest.MonkeyPatch.context() as patch:
        cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
        patch.setattr(passwords, "_HASHER", cheap)
        yield


class Clock:
    """The server's wall clock, moved forward: unlike `rewind`, this is a real absence (no request meanwhile)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture(scope="module", params=list(StateStoreKind))
async def short_cap_app(request: pytest.FixtureRequest) -> AsyncIterator[FastAPI]:
    """An app whose players produce at most 60 s while away."""
    app = create_app(make_settings(state_store=request.param, offline_cap_seconds=60))
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def client(redis_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client and no player, for behaviour that does not depend on the state store."""
    async with http_client(redis_app) as http:
        yield http


@pytest.fixture
def app(api: Api) -> FastAPI:
    """The app (state store) the `api` player lives in."""
    return app_of(api)


def app_of(api: Api) -> FastAPI:
    transport = api.http._transport
    assert isinstance(transport, httpx.ASGITransport)
    return cast(FastAPI, transport.app)


def new_username() -> str:
    return f"u{uuid.uuid4().hex[:12]}"


def value(body: dict[str, Any], name: str) -> Decimal:
    """The real value of the wire pair `<name>_data`, `<name>_high`."""
    return Decimal(body[f"{name}_data"]).scaleb(body[f"{name}_high"] - 3)


def wire(name: str, number: Decimal | int | float) -> dict[str, int]:
    """A small number (< 1000) as the wire pair with high 0."""
    return {f"{name}_data": int(Decimal(str(number)) * 1000), f"{name}_high": 0}


@asynccontextmanager
async def another_player(app: FastAPI, username: str | None = None) -> AsyncIterator[Api]:
    async with http_client(app) as http:
        player = Api(http)
        await player.signup(username)
        yield player


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[Api]:
    """A player granted the admin role (as `tycoon grant-admin` does), logged in again to carry it."""
    from tycoon.auth import repository

    async with another_player(app) as player:
        await repository.set_admin(app.state.engine, player.user["username"], True)
        response = await login(player.http, player.user["username"])
        assert response.status_code == 200, response.text
        player.token = response.json()["access_token"]
        yield player


@asynccontextmanager
async def bare_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no Origin header and never keeps cookies: each request says what it sends."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies=no_cookies
    ) as http:
        yield http


async def login(http: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return await http.post("/login", json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def progress(api: Api) -> dict[str, Any]:
    response = await api.get("/progress")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def user_of(api: Api) -> dict[str, Any]:
    user: dict[str, Any] = (await progress(api))["user"]
    return user


async def generator_of(api: Api, generator_id: str) -> dict[str, Any]:
    generators = (await progress(api))["generators"]
    return next(g for g in generators if g["generator_id"] == generator_id)


async def place(api: Api, index: int = PLANT, x: int = 100) -> dict[str, Any]:
    """Place a generator (the caller has the money) and return it."""
    response = await api.place(x=x, index=index)
    assert response.status_code == 200, response.text
    generator: dict[str, Any] = response.json()["generator"]
    return generator


def drift(started: float) -> float:
    """How far a value that grows 1 per second may be off: the real seconds since `started`, plus a margin.

    Stored timestamps are rewound, but the requests themselves take real time (up to a second on a loaded CI
    machine), and the server's clock keeps running meanwhile.
    """
    return time.monotonic() - started + 0.05


async def built(api: Api, index: int = PLANT, x: int = 100, *, money: str = "1e9") -> dict[str, Any]:
    """Grant money, place a generator and let its build finish; returns it as built."""
    app = app_of(api)
    await grant(app, api.user["user_id"], money=money)
    generator = await place(api, index, x)
    await rewind(app, api.user["user_id"], generator["build_total_seconds"] + 0.01)
    return await generator_of(api, generator["generator_id"])


async def signed_up(api: Api) -> dict[str, str]:
    """Tokens of a fresh session for the `api` player (a second login, on a client that is then dropped)."""
    async with bare_client(app_of(api)) as http:
        response = await login(http, api.user["username"])
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client without cookies or Origin: every request says which token it uses."""
    async with bare_client(app) as client:
        yield client
