"""Bound the work a worker process takes on, so that overload degrades into fast 503s.

Without a bound, a worker under more load than it can serve accepts everything, every request waits behind
all the others, latency and memory grow without limit until clients time out and retry. With a bound, the
requests above it are refused quickly with `503` and `Retry-After`, without touching the application, and the
requests inside it keep their normal latency.

A worker serves at most `max_inflight` requests at once: each served request shares the worker with at most
that many others, so the bound caps how long it takes (Little's law: bound / throughput). A small bound alone
would refuse harmless bursts — a worker paused for 50 ms by the OS finds dozens of requests at once — so up to
`max_waiting` more wait, first come first served, at most `max_wait` seconds for a slot; a burst is served a
little later. Once a wait has run out, the worker cannot keep up: for a second the waiting room is closed and
what finds no free slot is refused at once, so a flood is refused cheaply and the served requests do not carry
a wait on top of their share of the worker. Served p99 in 40-s floods at three times the capacity
(loadtest/NOTES.md): 128 at once 0.97 s; refusing everything while the event loop lagged 1.9 s; 32 at once with
this waiting room 0.30 s (0.16 to 0.27 s in the overload steps of `make bench`).

A worker has two such bounds (`BoundsByPath`): the routes that wait on PostgreSQL or on password hashing (sign-up,
login, inquiries…) take slots of their own, so that they cannot take the slots of the game's requests, which need
Redis only. With one bound, 100 logins at once against a slow database (2 s round trip) held every slot for ~10 s
and ~1,000 game requests got 503 meanwhile.

This is pure ASGI (no `BaseHTTPMiddleware`). The app wraps it around everything else, the framework's own layers
included (`TycoonApp` in app.py): under overload most requests are refused, so a refusal must cost next to
nothing — no framework layers, no log line (the refusals are counted by `tycoon_overload_rejected_total`). It
adds the security headers and, for allowed origins, the CORS headers itself, so that a browser can read the 503
and its Retry-After; preflights (OPTIONS) pass to the CORS middleware.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable, Collection

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from tycoon.errors import ServerBusy
from tycoon.kit.refusal import RETRY_SOON, cors_headers, json_headers, origins, refuse
from tycoon.observability.security import security_headers

BUSY_BODY = orjson.dumps({"detail": ServerBusy.detail})
# Probes and scrapes answer even when the worker is full: a busy worker must not look dead.
EXEMPT_PATHS = frozenset({"/healthz", "/metrics"})
# After a wait ran out, the waiting room stays closed this long: the worker cannot keep up (a queue stands, not a
# burst), and a flood's requests are refused at once instead of each waiting in vain first.
ROOM_CLOSED_SECONDS = 1.0


class InflightLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_inflight: int,
        max_waiting: int = 0,
        max_wait: float = 0.1,
        on_reject: Callable[[], None] | None = None,
        on_wait: Callable[[], None] | None = None,
        exempt_paths: Collection[str] = EXEMPT_PATHS,
        allowed_origins: Collection[str] = (),
        hsts: bool = False,
    ) -> None:
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        if max_waiting < 0 or max_wait < 0:
            raise ValueError("max_waiting and max_wait cannot be negative")
        self.app = app
        self.max_inflight = max_inflight
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self.on_reject = on_reject
        self.on_wait = on_wait
        self.exempt_paths = frozenset(exempt_paths)
        self.allowed_origins = origins(allowed_origins)
        self._busy_headers = json_headers(BUSY_BODY, RETRY_SOON, *security_headers(hsts=hsts))
        self.inflight = 0
        self.waiting = 0
        self._expired_at = -math.inf  # loop time when a wait last ran out
        # Futures of the waiting requests, oldest first: True when handed a slot, False when their wait expired.
        # Finished ones (expired, cancelled) are dropped from the front as they expire or by the next release.
        self._waiters: deque[asyncio.Future[bool]] = deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        if self.inflight < self.max_inflight:
            self.inflight += 1
        elif not await self._wait_for_slot():
            await self._reject(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _wait_for_slot(self) -> bool:
        """Wait for a slot handed over by a finishing request; False when the room or the time runs out."""
        loop = asyncio.get_running_loop()
        if self.waiting >= self.max_waiting or loop.time() - self._expired_at < ROOM_CLOSED_SECONDS:
            return False
        if self.on_wait is not None:
            self.on_wait()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._waiters.append(waiter)
        self.waiting += 1
        expiry = loop.call_later(self.max_wait, self._expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self._release()  # handed a slot just before the cancellation: pass it on
            raise
        finally:
            self.waiting -= 1
            expiry.cancel()

    def _release(self) -> None:
        """A request is done: its slot goes to the oldest waiting request, else back to the pool."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self.inflight -= 1

    def _expire(self, waiter: asyncio.Future[bool]) -> None:
        if not waiter.done():
            waiter.set_result(False)
            self._expired_at = asyncio.get_running_loop().time()
        while self._waiters and self._waiters[0].done():  # waits expire in the order they began
            self._waiters.popleft()

    async def _reject(self, scope: Scope, send: Send) -> None:
        if self.on_reject is not None:
            self.on_reject()
        await refuse(send, 503, BUSY_BODY, [*self._busy_headers, *cors_headers(scope, self.allowed_origins)])


class BoundsByPath:
    """Sends a request whose path starts with one of `slow_prefixes` to `slow`, any other scope to `fast`: two
    bounds (each an `InflightLimitMiddleware` around the same app), so that requests which wait long on a slow
    dependency cannot fill the slots of those which do not."""

    def __init__(self, fast: ASGIApp, slow: ASGIApp, slow_prefixes: Collection[str]) -> None:
        self.fast = fast
        self.slow = slow
        self.slow_prefixes = tuple(slow_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.slow_prefixes):
            await self.slow(scope, receive, send)
        else:
            await self.fast(scope, receive, send)
