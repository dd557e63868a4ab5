"""RateLimitMiddleware as a unit: what it answers for the outcomes of its Redis script (stubbed here; the real
limits across processes are tested in tests/system/test_rate_limits.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tycoon.ratelimit.limits import Limits
from tycoon.ratelimit.middleware import RateLimitMiddleware


class _StubRedis:
    def __init__(self, script: Callable[..., Awaitable[Any]]) -> None:
        self.script = script

    def register_script(self, _: str) -> Callable[..., Awaitable[Any]]:
        return self.script


def _client(script: Callable[..., Awaitable[Any]]) -> httpx.AsyncClient:
    async def ok(_: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", ok)])
    app.state.redis = _StubRedis(script)
    app.add_middleware(RateLimitMiddleware, limits=Limits(10, 30, 100))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_refusal_is_a_429_with_retry_headers() -> None:
    async def refuse(**_: Any) -> list[Any]:
        return [1500, "ip"]

    async with _client(refuse) as client:
        response = await client.get("/")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.headers["ratelimit-limit"] == "100"


async def test_when_redis_fails_the_request_goes_on_instead_of_a_500() -> None:
    async def broken(**_: Any) -> list[Any]:
        raise RedisConnectionError("down")

    async with _client(broken) as client:
        response = await client.get("/")
    assert response.status_code == 200
