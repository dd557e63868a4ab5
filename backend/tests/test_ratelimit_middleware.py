"""RateLimitMiddleware as a unit: what it answers for the outcomes of its Redis script (stubbed here; the real
limits across processes are tested in tests/system/test_rate_limits.py), which requests it charges, and the
pieces it is made of (the RateLimit header fields, the address a limit counts, the routes without a session)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.conftest import make_settings
from tycoon.app import create_app
from tycoon.auth.cookies import ACCESS_COOKIE
from tycoon.auth.deps import CurrentPlayer
from tycoon.errors import QuotaPolicy, RateLimited, TooManyRequests
from tycoon.ratelimit.limits import CHARGED, Limits, address_key, quota_policy
from tycoon.ratelimit.memory import RefusalMemory, credentials_key
from tycoon.ratelimit.middleware import AddressLimit, RateLimitMiddleware, public_paths, refusal_headers


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


class _StubRedis:
    def __init__(self, script: Callable[..., Awaitable[Any]]) -> None:
        self.script = script

    def register_script(self, _: str) -> Callable[..., Awaitable[Any]]:
        return self.script


def _client(script: Callable[..., Awaitable[Any]], memory: RefusalMemory | None = None) -> httpx.AsyncClient:
    async def ok(_: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def with_session(request: Request) -> PlainTextResponse:
        setattr(request.state, CHARGED, True)  # as authenticate does before the session script
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", ok), Route("/progress", with_session)])
    app.state.redis = _StubRedis(script)
    app.state.public_paths = frozenset({"/"})
    limit = AddressLimit(Limits(10, 30, 100), RefusalMemory() if memory is None else memory)
    app.add_middleware(RateLimitMiddleware, limit=limit)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_refusal_is_a_429_with_retry_headers() -> None:
    async def refuse(**_: Any) -> list[Any]:
        return [1500, "ip"]

    async with _client(refuse) as client:
        response = await client.get("/")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.headers["ratelimit-policy"] == '"ip";q=100;w=1'
    assert response.headers["ratelimit"] == '"ip";r=0;t=2'
    assert response.headers["ratelimit-limit"] == "100"
    assert response.headers["ratelimit-remaining"] == "0"
    assert response.headers["ratelimit-reset"] == "2"


async def test_a_refused_address_is_refused_again_without_redis_until_its_wait_has_passed(
    clock: list[float],
) -> None:
    script = _Scripted([1500, "ip"], [0, ""])
    async with _client(script, RefusalMemory(clock=lambda: clock[0])) as client:
        assert (await client.get("/")).status_code == 429
        clock[0] += 1.0
        again = await client.get("/")
        with_credentials = await client.get("/progress", headers={"Authorization": "Bearer x"})
        clock[0] += 0.6
        after = await client.get("/")
    assert (again.status_code, again.headers["retry-after"], again.headers["ratelimit-reset"]) == (
        429,
        "1",
        "1",
    )
    assert with_credentials.status_code == 429  # the session script charges the same address bucket
    assert after.status_code == 200
    assert script.calls == 2  # the first request and the one after the wait


async def test_a_remembered_player_refusal_is_answered_for_the_same_credentials_only() -> None:
    memory = RefusalMemory()
    policy = quota_policy("player", 10, 30)
    async with _client(_Scripted([0, ""]), memory) as client:
        headers = {"Authorization": "Bearer mine"}
        probe = await client.get("/progress", headers=headers)  # what the credentials key looks like
        mine = credentials_key({"headers": [(b"authorization", b"Bearer mine")]})
        memory.remember(mine, RateLimited(policy, 2.5, "player-7"))
        refused = await client.get("/progress", headers=headers)
        other = await client.get("/progress", headers={"Authorization": "Bearer yours"})
    assert probe.status_code == 200
    assert (refused.status_code, refused.headers["ratelimit-policy"]) == (429, '"player";q=30;w=3')
    assert other.status_code == 200


async def test_when_redis_fails_the_request_goes_on_instead_of_a_500() -> None:
    async def broken(**_: Any) -> list[Any]:
        raise RedisConnectionError("down")

    async with _client(broken) as client:
        response = await client.get("/")
    assert response.status_code == 200


class _Scripted:
    """The rate-limit script's answers in turn, the last one repeated; counts its calls."""

    def __init__(self, *answers: list[Any]) -> None:
        self.answers = answers
        self.calls = 0

    async def __call__(self, **_: Any) -> list[Any]:
        self.calls += 1
        return self.answers[min(self.calls, len(self.answers)) - 1]


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/nope", {"Authorization": "Bearer made-up"}),  # 404
        ("DELETE", "/progress", {"Authorization": "Bearer made-up"}),  # 405
        ("GET", "/nope", {"Cookie": f"{ACCESS_COOKIE}=made-up"}),
    ],
)
async def test_credentials_that_never_reach_the_session_script_are_charged_after_their_answer(
    method: str, path: str, headers: dict[str, str], clock: list[float]
) -> None:
    # A review sent 400 such requests from one address in 0.2 s: none was counted against its 100/s.
    script = _Scripted([0, ""], [800, "ip"])
    async with _client(script, RefusalMemory(clock=lambda: clock[0])) as client:
        first = await client.request(method, path, headers=headers)
        second = await client.request(method, path, headers=headers)  # answered, then its charge is refused
        third = await client.get("/", headers=headers)  # the address is refused, whatever the path
    assert first.status_code == second.status_code
    assert first.status_code in (404, 405)
    assert (third.status_code, third.headers["ratelimit-policy"]) == (429, '"ip";q=100;w=1')
    assert script.calls == 2


@pytest.mark.parametrize(
    "credentials",
    [{"Authorization": "Bearer made-up"}, {"Cookie": f"{ACCESS_COOKIE}=made-up"}],
    ids=["header", "cookie"],
)
async def test_credentials_do_not_skip_the_address_limit_on_a_route_without_a_session(
    credentials: dict[str, str],
) -> None:
    script = _Scripted([0, ""])
    async with _client(script) as client:
        await client.get("/", headers=credentials)
    assert script.calls == 1


async def test_a_route_with_a_session_is_left_to_the_session_script() -> None:
    script = _Scripted([0, ""])
    async with _client(script) as client:
        with_credentials = await client.get("/progress", headers={"Authorization": "Bearer x"})
        without = await client.get("/progress")
    assert with_credentials.status_code == without.status_code == 200
    assert script.calls == 1  # only the request without credentials


@pytest.mark.parametrize(
    ("rate", "burst", "quota", "window"),
    [(10, 30, 30, 3), (100, 100, 100, 1), (3, 10, 10, 4), (0.5, 1, 1, 2)],
)
def test_a_token_bucket_is_described_as_its_burst_per_refill_time(
    rate: float, burst: int, quota: int, window: int
) -> None:
    assert quota_policy("player", rate, burst) == QuotaPolicy("player", quota, window)


def test_a_throttle_without_a_policy_says_only_when_to_retry() -> None:
    assert refusal_headers(TooManyRequests(retry_after=0.2)) == {"Retry-After": "1"}


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64(ip: str, key: str) -> None:
    assert address_key(ip) == key


def test_the_public_paths_are_the_routes_without_a_session() -> None:
    public = create_app(make_settings()).state.public_paths
    assert {"/generator_types", "/signup", "/login", "/refresh/access", "/logout", "/", "/metrics"} <= public
    assert not {"/progress", "/rank", "/ranks", "/change/rate", "/delete_account"} & public


def test_a_route_without_a_session_must_have_a_fixed_path() -> None:
    router = APIRouter()

    @router.get("/catalogue/{index}")
    async def lookup(index: int) -> int:
        return index

    with pytest.raises(ValueError, match="fixed path"):
        public_paths(router.routes)


def test_a_route_with_a_session_must_not_end_with_a_slash() -> None:
    """The middleware charges a path ending in a slash before its answer, as the router's redirect."""
    router = APIRouter()

    @router.get("/progress/")
    async def progress(player: CurrentPlayer) -> str:
        return player.user_id

    with pytest.raises(ValueError, match="slash"):
        public_paths(router.routes)


def test_the_memory_forgets_what_has_expired_and_stays_bounded(clock: list[float]) -> None:
    memory = RefusalMemory(capacity=2, clock=lambda: clock[0])
    policy = quota_policy("ip", 100, 100)
    memory.remember("a", RateLimited(policy, 1.0))
    memory.remember("b", RateLimited(policy, 5.0))
    memory.remember("c", RateLimited(policy, 5.0))  # full of live refusals: not remembered
    assert (memory.recall("c"), len(memory)) == (None, 2)
    clock[0] += 2.0
    memory.remember("c", RateLimited(policy, 5.0))  # "a" has expired and makes room
    assert memory.recall("a") is None
    recalled = memory.recall("c")
    assert recalled is not None
    assert recalled.retry_after == 5.0
    assert memory.recall("b") is not None


def test_the_credentials_key_has_a_fixed_size_and_tells_headers_apart() -> None:
    def key(*headers: tuple[bytes, bytes]) -> bytes:
        return credentials_key({"headers": [*headers, (b"accept", b"*/*")]})

    huge = key((b"cookie", b"junk=" + b"x" * 8_000))
    assert len(huge) == len(key()) == 16
    assert key((b"authorization", b"Bearer a"), (b"cookie", b"c")) != key((b"authorization", b"Bearer ac"))
    assert key((b"authorization", b"Bearer a")) == key((b"accept", b"json"), (b"authorization", b"Bearer a"))
