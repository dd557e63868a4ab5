"""Bound the requests a worker process serves at once, so that overload degrades into fast 503s.

Without a bound, a worker under more load than it can serve accepts everything, every request waits behind
all the others, latency and memory grow without limit until clients time out and retry. With a bound, the
requests above it are refused at once with `503` and `Retry-After`, without touching the application, and the
requests inside it keep their normal latency.

This is pure ASGI (no `BaseHTTPMiddleware`): a rejection costs one small response and no task. Place it inside
the CORS middleware, so that a browser can read the 503 instead of seeing a CORS error.
"""

from __future__ import annotations

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


class InflightLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_inflight: int,
        on_reject: Callable[[], None] | None = None,
        exempt_paths: Collection[str] = EXEMPT_PATHS,
    ) -> None:
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        self.app = app
        self.max_inflight = max_inflight
        self.on_reject = on_reject
        self.exempt_paths = frozenset(exempt_paths)
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.max_inflight:
            await self._reject(send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1

    async def _reject(self, send: Send) -> None:
        if self.on_reject is not None:
            self.on_reject()
        await send({"type": "http.response.start", "status": 503, "headers": BUSY_HEADERS})
        await send({"type": "http.response.body", "body": BUSY_BODY})
