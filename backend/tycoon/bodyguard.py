"""The body guard: a request's body is read in full, within a size and a time limit, before anything else.

Without it a 40 MB body held a worker for ~24 s (parsed, validated, then echoed in a 422), and a client that
announced a body and never sent it held one of the worker's overload slots until it hung up: enough of them and
every player got 503. Here a declared length above `max_bytes` is refused at once with 413 (nothing read), a body
that grows past it while arriving also gets 413, and a body not complete within `timeout` seconds gets 408; both
close the connection. The guard sits outside the overload bound (`TycoonApp` in app.py), so waiting for a slow
body takes no slot; what the unfinished bodies of a worker hold is bounded too (`BUFFERED_BODIES` bodies of the
largest size; beyond it 503 + Retry-After), so slow senders cannot make it hold unbounded memory either. Bodies of
requests that pass are given to the app from memory, as they came.

Pure ASGI, outside the framework: its refusals carry the CORS and security headers themselves and are counted by
`tycoon_body_rejected_total`; they are not in the request log. GET, HEAD and OPTIONS pass untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tycoon.errors import BodyTimeout, BodyTooLarge, GameError, ServerBusy
from tycoon.kit.refusal import RETRY_SOON, cors_headers, origins, refuse_error
from tycoon.observability.security import security_headers

BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A worker holds at most this many largest bodies' worth of unfinished bodies: without a budget, many slow senders
# could make it hold `max_bytes` each. A chunk beyond the budget gets 503 + Retry-After.
BUFFERED_BODIES = 64


class BodyGuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        timeout: float,
        on_reject: Callable[[int], None] | None = None,
        allowed_origins: Collection[str] = (),
        hsts: bool = False,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.on_reject = on_reject
        self.allowed_origins = origins(allowed_origins)
        self._extra_headers = ((b"connection", b"close"), *security_headers(hsts=hsts))
        self.budget = BUFFERED_BODIES * max_bytes
        self.buffered = 0  # bytes of the bodies being read now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODILESS_METHODS:
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._reject(scope, send, BodyTooLarge())
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive)
        except TimeoutError:
            await self._reject(scope, send, BodyTimeout())
            return
        except (BodyTooLarge, ServerBusy) as error:
            await self._reject(scope, send, error)
            return
        if body is not None:  # None: the client hung up before its body was complete
            await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                if size + len(chunk) > self.max_bytes:
                    raise BodyTooLarge()
                if self.buffered + len(chunk) > self.budget:
                    raise ServerBusy()
                size += len(chunk)
                self.buffered += len(chunk)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
        finally:
            self.buffered -= size  # from here the body is the app's (bounded by the overload bound)

    async def _reject(self, scope: Scope, send: Send, error: GameError) -> None:
        if self.on_reject is not None:
            self.on_reject(error.status)
        retry = (RETRY_SOON,) if isinstance(error, ServerBusy) else ()
        await refuse_error(
            send, error, *self._extra_headers, *retry, *cors_headers(scope, self.allowed_origins)
        )


def _declared_length(scope: Scope) -> int:
    """The Content-Length header's value; 0 when absent (chunked) or unreadable (the HTTP server refuses those)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the whole body once, then passes on to the real one (which reports the disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
