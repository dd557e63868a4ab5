from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from tycoon.overload import InflightLimitMiddleware, LoopLag

LIMIT = 3


class HoldingApp:
    """Answers 200, but holds every request to /hold until `release` is set."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.all_held = asyncio.Event()
        self.held = 0
        self.expected = LIMIT  # all_held is set when this many are held
        self.calls: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls.append(scope["path"])
        if scope["path"] == "/boom":
            raise RuntimeError("boom")
        if scope["path"] == "/hold":
            await self._hold()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def _hold(self) -> None:
        self.held += 1
        if self.held == self.expected:
            self.all_held.set()
        await self.release.wait()


class Rejections:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def app() -> HoldingApp:
    return HoldingApp()


@pytest.fixture
def rejections() -> Rejections:
    return Rejections()


@pytest.fixture
def limited(app: HoldingApp, rejections: Rejections) -> InflightLimitMiddleware:
    return InflightLimitMiddleware(app, max_inflight=LIMIT, on_reject=rejections)


@pytest.fixture
async def client(limited: InflightLimitMiddleware) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def fill(client: httpx.AsyncClient, app: HoldingApp) -> list[asyncio.Task[httpx.Response]]:
    held = [asyncio.create_task(client.get("/hold")) for _ in range(LIMIT)]
    await asyncio.wait_for(app.all_held.wait(), timeout=5)
    return held


async def test_requests_within_the_bound_are_served(
    client: httpx.AsyncClient, rejections: Rejections
) -> None:
    responses = await asyncio.gather(*(client.get("/") for _ in range(LIMIT * 3)))
    assert [r.status_code for r in responses] == [200] * LIMIT * 3
    assert rejections.count == 0


async def test_above_the_bound_answers_503_without_calling_the_app(
    client: httpx.AsyncClient, app: HoldingApp, rejections: Rejections
) -> None:
    held = await fill(client, app)
    rejected = await asyncio.wait_for(client.post("/progress", json={"x": 1}), timeout=1)
    assert rejected.status_code == 503
    assert rejected.headers["retry-after"] == "1"
    assert rejected.json() == {"detail": "Server busy, retry shortly"}
    assert "/progress" not in app.calls
    assert rejections.count == 1
    app.release.set()
    assert [r.status_code for r in await asyncio.gather(*held)] == [200] * LIMIT


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
async def test_probes_pass_when_full(client: httpx.AsyncClient, app: HoldingApp, path: str) -> None:
    held = await fill(client, app)
    response = await asyncio.wait_for(client.get(path), timeout=1)
    assert response.status_code == 200
    app.release.set()
    await asyncio.gather(*held)


async def test_slots_are_given_back_after_answers_and_errors(
    client: httpx.AsyncClient, app: HoldingApp, limited: InflightLimitMiddleware, rejections: Rejections
) -> None:
    held = await fill(client, app)
    app.release.set()
    await asyncio.gather(*held)
    assert (await client.get("/boom")).status_code == 500
    assert limited.inflight == 0
    app.release.clear()
    app.all_held.clear()
    app.held = 0
    held = await fill(client, app)  # every slot is free again: LIMIT requests reach the app at once
    app.release.set()
    assert [r.status_code for r in await asyncio.gather(*held)] == [200] * LIMIT
    assert rejections.count == 0


async def test_lifespan_and_websocket_scopes_pass_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    limited = InflightLimitMiddleware(inner, max_inflight=1)
    limited.inflight = 1  # full: an http request would be refused

    async def no_receive() -> Message:
        raise AssertionError("not called")

    async def no_send(message: Message) -> None:
        raise AssertionError("not called")

    await limited({"type": "lifespan"}, no_receive, no_send)
    await limited({"type": "websocket", "path": "/ws"}, no_receive, no_send)
    assert seen == ["lifespan", "websocket"]


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        InflightLimitMiddleware(HoldingApp(), max_inflight=0)


LAG = 0.05


@pytest.fixture
async def lag_client(app: HoldingApp, rejections: Rejections) -> AsyncIterator[httpx.AsyncClient]:
    limited = InflightLimitMiddleware(app, max_inflight=100, on_reject=rejections, max_lag=LAG)
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def block_the_loop(seconds: float) -> None:
    """What a saturated worker looks like to its timers: a long stretch of other work without a pause."""
    asyncio.get_running_loop().call_soon(time.sleep, seconds)
    await asyncio.sleep(0)  # the blocking callback runs before this task resumes


async def test_a_lag_that_persists_refuses_new_requests_until_the_loop_catches_up(
    lag_client: httpx.AsyncClient, app: HoldingApp, rejections: Rejections
) -> None:
    for _ in range(2):  # two probes in a row fire late: the lag persists
        assert (await lag_client.get("/")).status_code == 200  # sets a lag probe
        await block_the_loop(LAG * 3)
        await asyncio.sleep(0.001)  # the overdue probe fires (its deadline is earlier than this one)
    refused = await lag_client.get("/progress")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert rejections.count == 1
    assert "/progress" not in app.calls
    await asyncio.sleep(LoopLag(LAG).interval * 3)  # the loop idles: the next probe finds no lag
    assert (await lag_client.get("/")).status_code == 200
    assert (await lag_client.get("/")).status_code == 200


async def test_one_long_stall_is_not_overload(lag_client: httpx.AsyncClient, rejections: Rejections) -> None:
    assert (await lag_client.get("/")).status_code == 200
    await block_the_loop(LAG * 6)
    assert (await lag_client.get("/")).status_code == 200
    await asyncio.sleep(0.001)  # the late probe fires
    assert (await lag_client.get("/")).status_code == 200
    assert rejections.count == 0


async def test_refused_requests_from_one_sequential_client_let_the_loop_recover(
    lag_client: httpx.AsyncClient, rejections: Rejections
) -> None:
    for _ in range(2):
        await lag_client.get("/")
        await block_the_loop(LAG * 3)
        await asyncio.sleep(0.001)
    statuses = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and statuses[-1:] != [
        200
    ]:  # no await between requests but the client's
        statuses.append((await lag_client.get("/")).status_code)
    assert statuses[0] == 503
    assert statuses[-1] == 200


async def test_a_lag_below_the_bound_and_a_burst_within_the_count_are_served(
    app: HoldingApp, rejections: Rejections
) -> None:
    limited = InflightLimitMiddleware(app, max_inflight=100, on_reject=rejections, max_lag=1.0)
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/")).status_code == 200
        await block_the_loop(0.2)
        responses = await asyncio.gather(*(client.get("/") for _ in range(30)))
    assert [r.status_code for r in responses] == [200] * 30
    assert rejections.count == 0


async def test_without_a_lag_bound_only_the_count_refuses(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).status_code == 200
    await block_the_loop(LAG * 3)
    assert (await client.get("/")).status_code == 200


async def test_a_refusal_carries_cors_headers_for_an_allowed_origin_and_preflights_pass(
    app: HoldingApp, rejections: Rejections
) -> None:
    limited = InflightLimitMiddleware(
        app, max_inflight=LIMIT, on_reject=rejections, allowed_origins=["https://tycoon.example/"]
    )
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        held = await fill(client, app)
        allowed = await client.get("/progress", headers={"Origin": "https://tycoon.example"})
        other = await client.get("/progress", headers={"Origin": "https://evil.example"})
        preflight = await client.options("/progress", headers={"Origin": "https://tycoon.example"})
        app.release.set()
        await asyncio.gather(*held)
    assert allowed.status_code == other.status_code == 503
    assert allowed.headers["access-control-allow-origin"] == "https://tycoon.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "retry-after" in allowed.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200  # passed to the app (the CORS middleware answers it there)


def test_the_app_puts_the_bound_outside_every_framework_layer() -> None:
    from starlette.middleware.errors import ServerErrorMiddleware

    from tycoon.app import create_app
    from tycoon.config import Settings

    settings = Settings(overload_max_lag_ms=40, max_inflight_per_worker=7)
    stack = create_app(settings).build_middleware_stack()
    assert isinstance(stack, InflightLimitMiddleware)
    assert isinstance(stack.app, ServerErrorMiddleware)
    assert stack.max_inflight == 7
    assert stack.lag is not None
    assert stack.lag.target == 0.04


async def test_after_shedding_for_lag_a_worker_reopens_to_a_few_requests_at_a_time(
    app: HoldingApp, rejections: Rejections, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tycoon import overload

    limited = InflightLimitMiddleware(app, max_inflight=100, on_reject=rejections, max_lag=LAG)
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for _ in range(2):
            await client.get("/")
            await block_the_loop(LAG * 3)
            await asyncio.sleep(0.001)
        assert (await client.get("/")).status_code == 503  # shed for lag
        await asyncio.sleep(LoopLag(LAG).interval * 3)  # the lag is gone
        app.expected = overload.RECOVERY_INFLIGHT
        held = [asyncio.create_task(client.get("/hold")) for _ in range(overload.RECOVERY_INFLIGHT)]
        await asyncio.wait_for(app.all_held.wait(), timeout=5)
        assert (await client.get("/")).status_code == 503  # recovering: the small bound
        monkeypatch.setattr(overload, "RECOVERY_SECONDS", 0.0)
        assert (await client.get("/")).status_code == 200  # recovered: the full bound
        app.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200] * overload.RECOVERY_INFLIGHT
    assert rejections.count == 2
