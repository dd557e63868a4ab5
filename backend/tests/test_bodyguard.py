"""The body guard (bodyguard.py): bodies are read whole, within a size and a time limit, before the app."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.types import Message, Receive, Scope, Send

from tycoon.bodyguard import BodyGuardMiddleware
from tycoon.observability.security import HSTS

LIMIT = 100
ORIGIN = "https://game.example"


class BodyApp:
    """Reads the whole body as a framework would, answers 200 with it, and keeps what it saw."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.after_body: list[Message] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies.append(body)
        if scope["path"] == "/listen":  # as a streaming response would: wait for the disconnect
            self.after_body.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


class Exchange:
    """One request through the guard: the messages the client sends, and what comes back."""

    def __init__(
        self, guard: BodyGuardMiddleware, method: str = "POST", path: str = "/x", **headers: str
    ) -> None:
        self.guard = guard
        self.scope: Scope = {
            "type": "http",
            "method": method,
            "path": path,
            "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
        }
        self.incoming: asyncio.Queue[Message] = asyncio.Queue()
        self.sent: list[Message] = []
        self.reads = 0

    def send_body(self, *chunks: bytes) -> None:
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            self.incoming.put_nowait({"type": "http.request", "body": chunk, "more_body": more})

    async def receive(self) -> Message:
        self.reads += 1
        return await self.incoming.get()

    async def _send(self, message: Message) -> None:
        self.sent.append(message)

    async def run(self) -> None:
        await asyncio.wait_for(self.guard(self.scope, self.receive, self._send), timeout=5)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def detail(self) -> str:
        return str(json.loads(self.sent[1]["body"])["detail"])


Statuses = list[int]


@pytest.fixture
def app() -> BodyApp:
    return BodyApp()


@pytest.fixture
def refused() -> Statuses:
    return []


@pytest.fixture
def guard(app: BodyApp, refused: Statuses) -> BodyGuardMiddleware:
    return BodyGuardMiddleware(
        app, max_bytes=LIMIT, timeout=0.2, on_reject=refused.append, allowed_origins=[ORIGIN]
    )


async def test_a_body_in_several_chunks_reaches_the_app_whole(
    guard: BodyGuardMiddleware, app: BodyApp
) -> None:
    exchange = Exchange(guard, content_length="6")
    exchange.send_body(b"ab", b"cd", b"ef")
    await exchange.run()
    assert exchange.status == 200
    assert app.bodies == [b"abcdef"]


async def test_after_the_body_the_app_hears_the_disconnect(guard: BodyGuardMiddleware, app: BodyApp) -> None:
    exchange = Exchange(guard, path="/listen")
    exchange.send_body(b"{}")
    exchange.incoming.put_nowait({"type": "http.disconnect"})
    await exchange.run()
    assert app.after_body == [{"type": "http.disconnect"}]


async def test_a_declared_length_above_the_limit_is_413_before_reading(
    guard: BodyGuardMiddleware, app: BodyApp, refused: Statuses
) -> None:
    exchange = Exchange(guard, content_length=str(LIMIT + 1))
    await exchange.run()
    assert (exchange.status, exchange.detail) == (413, "Request body too large")
    assert exchange.reads == 0
    assert exchange.headers[b"connection"] == b"close"
    assert (
        exchange.headers[b"x-content-type-options"] == b"nosniff"
    )  # the security headers, as on every answer
    assert exchange.headers[b"x-frame-options"] == b"DENY"
    assert (app.bodies, refused) == ([], [413])


async def test_a_chunked_body_growing_past_the_limit_is_413(
    guard: BodyGuardMiddleware, app: BodyApp, refused: Statuses
) -> None:
    exchange = Exchange(guard, transfer_encoding="chunked")
    exchange.send_body(b"x" * 60, b"x" * 60, b"x")
    await exchange.run()
    assert exchange.status == 413
    assert (app.bodies, refused) == ([], [413])


async def test_a_body_exactly_at_the_limit_passes(guard: BodyGuardMiddleware, app: BodyApp) -> None:
    exchange = Exchange(guard, content_length=str(LIMIT))
    exchange.send_body(b"x" * LIMIT)
    await exchange.run()
    assert exchange.status == 200


async def test_a_body_that_never_arrives_is_408_with_cors_for_an_allowed_origin(
    guard: BodyGuardMiddleware, app: BodyApp, refused: Statuses
) -> None:
    exchange = Exchange(guard, content_length="10", origin=ORIGIN)
    exchange.incoming.put_nowait({"type": "http.request", "body": b"half", "more_body": True})  # and no more
    await exchange.run()
    assert (exchange.status, exchange.detail) == (408, "Request body not received in time")
    assert exchange.headers[b"access-control-allow-origin"] == ORIGIN.encode()
    assert exchange.headers[b"connection"] == b"close"
    assert (app.bodies, refused) == ([], [408])


async def test_a_client_that_hangs_up_mid_body_is_not_answered(
    guard: BodyGuardMiddleware, app: BodyApp
) -> None:
    exchange = Exchange(guard, content_length="10")
    exchange.incoming.put_nowait({"type": "http.request", "body": b"half", "more_body": True})
    exchange.incoming.put_nowait({"type": "http.disconnect"})
    await exchange.run()
    assert (exchange.sent, app.bodies) == ([], [])


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
async def test_bodiless_methods_pass_untouched(guard: BodyGuardMiddleware, app: BodyApp, method: str) -> None:
    exchange = Exchange(guard, method=method, content_length=str(LIMIT * 10))
    exchange.send_body(b"")
    await exchange.run()
    assert exchange.status == 200
    assert exchange.reads == 1  # read by the app, not by the guard


async def test_other_scopes_pass_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        pass

    guard = BodyGuardMiddleware(inner, max_bytes=1, timeout=0.1)
    await guard({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]


def test_the_app_puts_the_guard_around_the_overload_bounds() -> None:
    from tycoon.app import create_app
    from tycoon.config import Settings
    from tycoon.overload import BoundsByPath, InflightLimitMiddleware

    settings = Settings(
        max_body_bytes=123, body_timeout_seconds=4.5, frontend_origins=["https://game.example"]
    )
    stack = create_app(settings).build_middleware_stack()
    assert isinstance(stack, BodyGuardMiddleware)
    assert isinstance(stack.app, BoundsByPath)
    assert (stack.max_bytes, stack.timeout) == (123, 4.5)
    hsts = (b"strict-transport-security", HSTS)  # served over https: every refusing layer sends HSTS
    assert hsts in stack._extra_headers
    for bound in (stack.app.fast, stack.app.slow):
        assert isinstance(bound, InflightLimitMiddleware)
        assert hsts in bound._busy_headers


async def test_unfinished_bodies_beyond_the_budget_get_503_and_the_budget_is_given_back(
    app: BodyApp, refused: Statuses
) -> None:
    from tycoon import bodyguard

    guard = BodyGuardMiddleware(app, max_bytes=LIMIT, timeout=5, on_reject=refused.append)
    slow = []
    for _ in range(bodyguard.BUFFERED_BODIES):  # each holds a full body's worth, not yet complete
        exchange = Exchange(guard, content_length=str(LIMIT))
        exchange.incoming.put_nowait({"type": "http.request", "body": b"x" * (LIMIT - 1), "more_body": True})
        slow.append((exchange, asyncio.create_task(exchange.run())))
    await asyncio.sleep(0.05)
    assert guard.buffered == bodyguard.BUFFERED_BODIES * (LIMIT - 1)

    over = Exchange(guard, content_length=str(LIMIT))
    over.send_body(b"x" * LIMIT)  # within its own limit, past what is left of the budget
    await over.run()
    assert (over.status, over.detail) == (503, "Server busy, retry shortly")
    assert over.headers[b"retry-after"] == b"1"
    assert refused == [503]

    for exchange, task in slow:  # the slow ones finish: their bytes are the app's now, not the guard's
        exchange.incoming.put_nowait({"type": "http.request", "body": b"x", "more_body": False})
        await task
        assert exchange.status == 200
    assert guard.buffered == 0
    small = Exchange(guard, content_length="2")
    small.send_body(b"{}")
    await small.run()
    assert small.status == 200
