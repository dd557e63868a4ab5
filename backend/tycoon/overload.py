"""Bound the work a worker process takes on, so that overload degrades into fast 503s.

Without a bound, a worker under more load than it can serve accepts everything, every request waits behind
all the others, latency and memory grow without limit until clients time out and retry. With a bound, the
requests above it are refused at once with `503` and `Retry-After`, without touching the application, and the
requests inside it keep their normal latency.

Two bounds: requests in flight (memory), and the event loop's lag — how late the loop runs a timer, which is
how long every ready request waits for its turn. A count alone either refuses harmless bursts (a small bound)
or lets a saturated worker queue seconds of work (a large one); the lag says when waiting has really begun.

This is pure ASGI (no `BaseHTTPMiddleware`): a rejection costs one small response and no task. Place it inside
the CORS middleware, so that a browser can read the 503 instead of seeing a CORS error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Receive, Scope, Send

BUSY_BODY = b'{"detail":"Server busy, retry shortly"}'
BUSY_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BUSY_BODY)).encode()),
    (b"retry-after", b"1"),
]
# Probes and scrapes answer even when the worker is full: a busy worker must not look dead.
EXEMPT_PATHS = frozenset({"/healthz", "/metrics"})


class LoopLag:
    """How late the event loop runs a timer: `seconds()` is the lateness of the last probe timer, or how overdue
    the pending one already is (a loop stuck in a long iteration cannot report). A probe is set only when a
    request asks, so an idle worker keeps no timer, and a worker back from idle starts from no lag."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.measured = 0.0
        self._measured_at = 0.0
        self._deadline: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def seconds(self, loop: asyncio.AbstractEventLoop) -> float:
        if loop is not self._loop:  # a probe set on another (closed) loop never fires
            self._loop, self._deadline, self.measured = loop, None, 0.0
        now = loop.time()
        if self._deadline is not None:
            return max(self.measured, now - self._deadline)
        if now - self._measured_at > 2 * self.interval:
            self.measured = 0.0  # the last probe is too old to speak for now
        self._deadline = now + self.interval
        loop.call_later(self.interval, self._probe, loop)
        return self.measured

    def _probe(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        self.measured = max(0.0, now - (self._deadline or now))
        self._measured_at = now
        self._deadline = None


class InflightLimitMiddleware:
    """`max_lag` in seconds, or None for the count alone."""

    def __init__(
        self,
        app: ASGIApp,
        max_inflight: int,
        on_reject: Callable[[], None] | None = None,
        exempt_paths: Collection[str] = EXEMPT_PATHS,
        max_lag: float | None = None,
    ) -> None:
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        self.app = app
        self.max_inflight = max_inflight
        self.on_reject = on_reject
        self.exempt_paths = frozenset(exempt_paths)
        self.max_lag = max_lag
        self.lag = LoopLag()
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.max_inflight or self._lagging():
            await self._reject(send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1

    def _lagging(self) -> bool:
        return self.max_lag is not None and self.lag.seconds(asyncio.get_running_loop()) > self.max_lag

    async def _reject(self, send: Send) -> None:
        if self.on_reject is not None:
            self.on_reject()
        await send({"type": "http.response.start", "status": 503, "headers": BUSY_HEADERS})
        await send({"type": "http.response.body", "body": BUSY_BODY})
