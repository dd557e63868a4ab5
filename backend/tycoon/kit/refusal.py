"""Answers sent by our pure ASGI layers (overload bound, body guard, rate limit, CSRF) without the framework:
JSON `{"detail": …}`, and for the layers outside the CORS middleware the CORS headers a browser needs to read
them."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from starlette.types import Scope, Send

from tycoon.errors import GameError

Headers = list[tuple[bytes, bytes]]
RETRY_SOON = (b"retry-after", b"1")


def json_headers(body: bytes, *extra: tuple[bytes, bytes]) -> tuple[tuple[bytes, bytes], ...]:
    return ((b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra)


def cors_headers(scope: Scope, allowed_origins: frozenset[bytes]) -> Headers:
    """CORS headers for a request from an allowed origin (as the CORS middleware would add), else none."""
    origin = next((value for name, value in scope["headers"] if name == b"origin"), None)
    if origin is None or origin.rstrip(b"/") not in allowed_origins:
        return []
    return [
        (b"access-control-allow-origin", origin),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", b"retry-after"),
        (b"vary", b"Origin"),
    ]


def origins(allowed_origins: Iterable[str]) -> frozenset[bytes]:
    return frozenset(origin.rstrip("/").encode() for origin in allowed_origins)


async def refuse(send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body})


async def refuse_error(send: Send, error: GameError, *extra: tuple[bytes, bytes]) -> None:
    """`error` as the app's GameError handler would answer it: its status, `{"detail": message}`."""
    body = orjson.dumps({"detail": error.message})
    await refuse(send, error.status, body, json_headers(body, *extra))
