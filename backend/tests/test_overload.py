from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from tycoon.bodyguard import BodyGuardMiddleware
from tycoon.overload import BoundsByPath, InflightLimitMiddleware

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


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def app() -> HoldingApp:
    return HoldingApp()


@pytest.fixture
def rejections() -> Calls:
    return Calls()


@pytest.fixture
def limited(app: HoldingApp, rejections: Calls) -> InflightLimitMiddleware:
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


async def test_requests_within_the_bound_are_served(client: httpx.AsyncClient, rejections: Calls) -> None:
    responses = await asyncio.gather(*(client.get("/") for _ in range(LIMIT * 3)))
    assert [r.status_code for r in responses] == [200] * LIMIT * 3
    assert rejections.count == 0


async def test_above_the_bound_answers_503_without_calling_the_app(
    client: httpx.AsyncClient, app: HoldingApp, rejections: Calls
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
    client: httpx.AsyncClient, app: HoldingApp, limited: InflightLimitMiddleware, rejections: Calls
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
    with pytest.raises(ValueError, match="negative"):
        InflightLimitMiddleware(HoldingApp(), max_inflight=5, max_waiting=-1)


def waiting_room(
    app: HoldingApp,
    rejections: Calls,
    max_waiting: int,
    max_wait: float = 5.0,
    waits: Calls | None = None,
) -> tuple[InflightLimitMiddleware, httpx.AsyncClient]:
    limited = InflightLimitMiddleware(
        app,
        max_inflight=LIMIT,
        max_waiting=max_waiting,
        max_wait=max_wait,
        on_reject=rejections,
        on_wait=waits,
    )
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    return limited, httpx.AsyncClient(transport=transport, base_url="http://test")


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110 - polls the middleware's counters, which signal nothing
            await asyncio.sleep(0.001)


async def test_above_the_bound_a_request_waits_for_a_slot_and_is_served(
    app: HoldingApp, rejections: Calls
) -> None:
    waits = Calls()
    limited, client = waiting_room(app, rejections, max_waiting=2, waits=waits)
    async with client:
        held = await fill(client, app)
        waiting = asyncio.create_task(client.get("/"))
        await until(lambda: limited.waiting == 1)
        assert "/" not in app.calls  # not started while every slot is taken
        app.release.set()
        assert (await waiting).status_code == 200
        await asyncio.gather(*held)
    assert rejections.count == 0
    assert waits.count == 1
    assert limited.inflight == limited.waiting == 0


async def test_waiting_requests_get_slots_in_the_order_they_came(app: HoldingApp, rejections: Calls) -> None:
    limited, client = waiting_room(app, rejections, max_waiting=3)
    async with client:
        held = await fill(client, app)
        waiting = []
        for n in range(3):
            waiting.append(asyncio.create_task(client.get(f"/w{n}")))
            await until(lambda: limited.waiting == len(waiting))
        app.release.set()
        await asyncio.gather(*held, *waiting)
    assert app.calls[-3:] == ["/w0", "/w1", "/w2"]


async def test_a_wait_that_runs_out_is_refused_and_a_full_waiting_room_refuses_at_once(
    app: HoldingApp, rejections: Calls
) -> None:
    limited, client = waiting_room(app, rejections, max_waiting=1, max_wait=0.3)
    async with client:
        held = await fill(client, app)
        waiting = asyncio.create_task(client.get("/late"))
        await until(lambda: limited.waiting == 1)
        at_once = await asyncio.wait_for(client.get("/full"), timeout=0.15)  # the room is taken
        late = await waiting
        assert not limited._waiters  # an expired wait leaves nothing behind before any release (memory)
        app.release.set()
        await asyncio.gather(*held)
    assert at_once.status_code == late.status_code == 503
    assert late.headers["retry-after"] == "1"
    assert {"/late", "/full"}.isdisjoint(app.calls)
    assert rejections.count == 2
    assert limited.inflight == limited.waiting == 0


async def test_after_a_wait_ran_out_the_room_is_closed_for_a_while(
    app: HoldingApp, rejections: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tycoon import overload

    limited, client = waiting_room(app, rejections, max_waiting=5, max_wait=0.3)
    async with client:
        held = await fill(client, app)
        assert (await client.get("/late")).status_code == 503  # waited 0.3 s in vain
        refused = await asyncio.wait_for(client.get("/closed"), timeout=0.15)  # no wait this time
        monkeypatch.setattr(overload, "ROOM_CLOSED_SECONDS", 0.0)
        reopened = asyncio.create_task(client.get("/reopened"))
        await until(lambda: limited.waiting == 1)  # the room is open again: it waits
        app.release.set()
        assert (await reopened).status_code == 200
        await asyncio.gather(*held)
    assert refused.status_code == 503
    assert rejections.count == 2


async def test_a_waiting_request_that_is_cancelled_leaves_no_slot_behind(
    app: HoldingApp, rejections: Calls
) -> None:
    limited, client = waiting_room(app, rejections, max_waiting=2)
    async with client:
        held = await fill(client, app)
        gone = asyncio.create_task(client.get("/gone"))  # a client that disconnects while waiting
        await until(lambda: limited.waiting == 1)
        gone.cancel()
        await until(lambda: limited.waiting == 0)
        app.release.set()
        await asyncio.gather(*held)
    assert "/gone" not in app.calls
    assert limited.inflight == 0


async def test_a_refusal_carries_cors_headers_for_an_allowed_origin_and_preflights_pass(
    app: HoldingApp, rejections: Calls
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


def test_the_app_puts_the_bounds_outside_every_framework_layer() -> None:
    from starlette.middleware.errors import ServerErrorMiddleware

    from tycoon.app import DATABASE_ROUTES, create_app
    from tycoon.config import Settings

    settings = Settings(
        max_inflight_per_worker=7,
        max_waiting_per_worker=9,
        overload_max_wait_ms=40,
        max_inflight_database_per_worker=3,
        max_waiting_database_per_worker=5,
        database_overload_max_wait_ms=2000,
    )
    guard = create_app(settings).build_middleware_stack()
    assert isinstance(guard, BodyGuardMiddleware)  # the body guard is outside the bounds (test_bodyguard.py)
    split = guard.app
    assert isinstance(split, BoundsByPath)
    assert split.slow_prefixes == DATABASE_ROUTES
    game, database = split.fast, split.slow
    assert isinstance(game, InflightLimitMiddleware)
    assert isinstance(database, InflightLimitMiddleware)
    assert isinstance(game.app, ServerErrorMiddleware)
    assert database.app is game.app
    assert (game.max_inflight, game.max_waiting, game.max_wait) == (7, 9, 0.04)
    assert (database.max_inflight, database.max_waiting, database.max_wait) == (3, 5, 2.0)


def test_each_bound_counts_its_refusals_and_waits_under_its_name() -> None:
    from prometheus_client import REGISTRY

    from tycoon.app import create_app
    from tycoon.config import Settings

    def counts(bound: str) -> tuple[float | None, ...]:
        names = ("tycoon_overload_rejected_total", "tycoon_overload_waited_total")
        return tuple(REGISTRY.get_sample_value(name, {"bound": bound}) for name in names)

    guard = create_app(Settings()).build_middleware_stack()
    assert isinstance(guard, BodyGuardMiddleware)
    split = guard.app
    assert isinstance(split, BoundsByPath)
    for name, bound in (("game", split.fast), ("database", split.slow)):
        assert isinstance(bound, InflightLimitMiddleware)
        assert bound.on_reject is not None
        assert bound.on_wait is not None
        rejected, waited = counts(name)
        assert rejected is not None
        assert waited is not None
        bound.on_reject()
        bound.on_wait()
        assert counts(name) == (rejected + 1, waited + 1)


async def test_requests_of_the_slow_routes_cannot_take_the_slots_of_the_others(
    app: HoldingApp, rejections: Calls
) -> None:
    slow_rejections = Calls()
    split = BoundsByPath(
        fast=InflightLimitMiddleware(app, max_inflight=LIMIT, on_reject=rejections),
        slow=InflightLimitMiddleware(app, max_inflight=LIMIT, on_reject=slow_rejections),
        slow_prefixes=("/hold",),
    )
    transport = httpx.ASGITransport(app=split, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        held = await fill(client, app)  # every slot of the slow bound
        refused = await client.get("/hold")
        served = await asyncio.gather(*(client.get(f"/game{n}") for n in range(LIMIT * 2)))
        app.release.set()
        await asyncio.gather(*held)
    assert refused.status_code == 503
    assert slow_rejections.count == 1
    assert [answer.status_code for answer in served] == [200] * LIMIT * 2
    assert rejections.count == 0


def test_each_database_route_prefix_names_routes_of_the_app() -> None:
    from fastapi.routing import APIRoute

    from tycoon.app import DATABASE_ROUTES, create_app
    from tycoon.config import Settings

    routes = create_app(Settings()).state.routes
    paths = [route.path for route in routes if isinstance(route, APIRoute)]
    for prefix in DATABASE_ROUTES:
        assert any(path.startswith(prefix) for path in paths), prefix
