"""Request id and one log line per request, as a pure ASGI middleware: cheap enough for every request."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from time import perf_counter

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
# An incoming id is kept only if it cannot break a log line or a header: short, plain characters.
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{8,128}")
UNMATCHED_ROUTE = "unmatched"
# Platform health checks and scrapes arrive every few seconds; a line for each would drown the game's lines.
DEFAULT_QUIET_PATHS = frozenset({"/healthz", "/metrics"})

log = structlog.get_logger("tycoon.request")


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/progress/{generator_id}`), known once routing has run."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def new_request_id() -> str:
    return os.urandom(12).hex()


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value.decode() if _SANE_REQUEST_ID.fullmatch(value) else None
    return None


def _state_value(scope: Scope, key: str) -> object:
    state = scope.get("state")
    return state.get(key) if isinstance(state, dict) else None


def _client_ip(scope: Scope) -> str | None:
    # The app may resolve the player's address behind trusted proxies and leave it in request.state.client_ip.
    resolved = _state_value(scope, "client_ip")
    if isinstance(resolved, str):
        return resolved
    client = scope.get("client")
    return client[0] if client else None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, quiet_paths: Collection[str] = DEFAULT_QUIET_PATHS) -> None:
        self.app = app
        self.quiet_paths = frozenset(quiet_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or new_request_id()
        id_header = (REQUEST_ID_HEADER, request_id.encode())
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = perf_counter()
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if scope["path"] not in self.quiet_paths:
                _log_request(scope, status, (perf_counter() - started) * 1000)
            structlog.contextvars.reset_contextvars(**tokens)


def _log_request(scope: Scope, status: int, duration_ms: float) -> None:
    emit = log.error if status >= 500 else log.info
    emit(
        "request",
        method=scope["method"],
        route=route_template(scope),
        status=status,
        duration_ms=round(duration_ms, 2),
        player_id=_state_value(scope, "player_id"),
        client_ip=_client_ip(scope),
    )
