"""Bound the work a worker process takes on, so that overload degrades into fast 503s.

Without a bound, a worker under more load than it can serve accepts everything, every request waits behind
all the others, latency and memory grow without limit until clients time out and retry. With a bound, the
requests above it are refused at once with `503` and `Retry-After`, without touching the application, and the
requests inside it keep their normal latency.

Two bounds: requests in flight (memory), and the event loop's lag — how late the loop runs a timer, which is
how long every ready request waits for its turn. A count alone either refuses harmless bursts (a small bound)
or lets a saturated worker queue seconds of work (a large one); a lag that persists says when waiting has
really begun.

This is pure ASGI (no `BaseHTTPMiddleware`). The app wraps it around everything else, the framework's own layers
included (`TycoonApp` in app.py): under overload most requests are refused, so a refusal must cost next to
nothing — no framework layers, no log line (the refusals are counted by `tycoon_overload_rejected_total`). It
adds the CORS headers itself for allowed origins, so that a browser can read the 503 and its Retry-After;
preflights (OPTIONS) pass to the CORS middleware.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Receive, Scope, Send

BUSY_BODY = b'{"detail":"Server busy, retry shortly"}'
BUSY_HEADERS = (
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BUSY_BODY)).encode()),
    (b"retry-after", b"1"),
    (b"x-content-type-options", b"nosniff"),
)
# Probes and scrapes answer even when the worker is full: a busy worker must not look dead.
EXEMPT_PATHS = frozenset({"/healthz", "/metrics"})


class LoopLag:
    """Whether the event loop has run late by more than `target` for longer than `window` (seconds), measured
    by how late a probe timer fires. Only consecutive late probes count: one long stall (a burst of new players,
    a collection, a caller's synchronous work) is not overload, a lag that persists is. Probes follow each other
    while requests arrive and stop after an interval without any, so an idle worker keeps no timer."""

    def __init__(self, target: float, window: float = 0.1, interval: float = 0.02) -> None:
        self.target = target
        self.window = window
        self.interval = interval
        self._late_probes = 0  # late probes in a row
        self._late_since = 0.0  # when the lag rose above target, the first of them
        self._deadline: float | None = None  # of the pending probe
        self._asked = False  # a request asked since the last probe
        self._loop: asyncio.AbstractEventLoop | None = None

    def overloaded(self, loop: asyncio.AbstractEventLoop) -> bool:
        if loop is not self._loop:  # a probe set on another (closed) loop never fires
            self._loop, self._deadline, self._late_probes = loop, None, 0
        self._asked = True
        now = loop.time()
        if self._deadline is None:
            self._set_probe(loop, now)
        return self._late_probes >= 2 and now - self._late_since > self.window

    def _set_probe(self, loop: asyncio.AbstractEventLoop, now: float) -> None:
        self._deadline = now + self.interval
        loop.call_later(self.interval, self._probe, loop)

    def _probe(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        deadline = self._deadline if self._deadline is not None else now
        if now - deadline <= self.target:
            self._late_probes = 0
        else:
            if self._late_probes == 0:
                self._late_since = deadline + self.target
            self._late_probes += 1
        if self._asked:
            self._asked = False
            self._set_probe(loop, now)
        else:  # idle: no timer until the next request (and no lag then)
            self._deadline, self._late_probes = None, 0


# After the lag made a worker shed, it takes at most this many requests at once for a while: reopening fully the
# moment the lag is gone let a flood in, and the requests of that flood waited for each other (served p99 591 ms
# at 3 x capacity).
RECOVERY_INFLIGHT = 16
RECOVERY_SECONDS = 1.0


class InflightLimitMiddleware:
    """`max_lag` in seconds (see LoopLag), or None for the count alone."""

    def __init__(
        self,
        app: ASGIApp,
        max_inflight: int,
        on_reject: Callable[[], None] | None = None,
        exempt_paths: Collection[str] = EXEMPT_PATHS,
        max_lag: float | None = None,
        allowed_origins: Collection[str] = (),
    ) -> None:
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        self.app = app
        self.max_inflight = max_inflight
        self.on_reject = on_reject
        self.exempt_paths = frozenset(exempt_paths)
        self.lag = LoopLag(max_lag) if max_lag is not None else None
        self.allowed_origins = frozenset(origin.rstrip("/").encode() for origin in allowed_origins)
        self.inflight = 0
        self._shed_at = -math.inf  # loop time of the last refusal for lag

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        if self.inflight >= self._bound() or self._lagging():
            await self._reject(scope, send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1

    def _bound(self) -> int:
        if self.lag is None or self.inflight < RECOVERY_INFLIGHT:
            return self.max_inflight
        recovering = asyncio.get_running_loop().time() - self._shed_at < RECOVERY_SECONDS
        return min(RECOVERY_INFLIGHT, self.max_inflight) if recovering else self.max_inflight

    def _lagging(self) -> bool:
        if self.lag is None:
            return False
        loop = asyncio.get_running_loop()
        if not self.lag.overloaded(loop):
            return False
        self._shed_at = loop.time()
        return True

    async def _reject(self, scope: Scope, send: Send) -> None:
        if self.on_reject is not None:
            self.on_reject()
        headers = [*BUSY_HEADERS, *self._cors_headers(scope)]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": BUSY_BODY})
        # A refusal awaits nothing else: let the loop run its due timers (the lag probe) before the caller goes
        # on, or a client sending from the same loop, one request after another, would never let it recover.
        await asyncio.sleep(0)

    def _cors_headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        origin = next((value for name, value in scope["headers"] if name == b"origin"), None)
        if origin is None or origin.rstrip(b"/") not in self.allowed_origins:
            return []
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-expose-headers", b"retry-after"),
            (b"vary", b"Origin"),
        ]
