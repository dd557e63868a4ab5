"""Answers sent by the pure ASGI layers outside the framework (overload bound, body guard): JSON, and the CORS
headers a browser needs to read them, since these answers never pass the CORS middleware."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope, Send

Headers = list[tuple[bytes, bytes]]


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
