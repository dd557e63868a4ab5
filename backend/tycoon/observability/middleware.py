"""Request id and a log line per request, as a pure ASGI middleware.

Players poll: about three requests in four are reads that succeed at once (GET /progress, /rank, /ranks,
/change/rate), and their line is a tenth of such a request's CPU. With `every_request` off (LOG_EVERY_REQUEST=false)
those reads are counted by the metrics but not logged; every write, every error (status ≥ 400) and every read
slower than `slow_read_ms` still gets its line (docs/decisions.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from time import perf_counter

import structlog
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tycoon.kit.routes import RouteFinder

REQUEST_ID_HEADER = b"x-request-id"
# An incoming id is kept only if it cannot break a log line or a header: short, plain characters.
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{8,128}")
UNMATCHED_ROUTE = "unmatched"
# Platform health checks and scrapes arrive every few seconds; a line for each would drown the game's lines.
DEFAULT_QUIET_PATHS = frozenset({"/healthz", "/metrics"})
READ_METHODS = frozenset({"GET", "HEAD"})
SLOW_READ_MS = 100.0  # issue 3's p99 target: a read slower than that is worth a line

log = structlog.get_logger("tycoon.request")


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/progress/{generator_id}`), known once routing has run; for a request
    answered before it (a 429 of the rate limits, the Origin/CSRF 403), the route the router would have taken."""
    route = scope["route"] if "route" in scope else _route_not_reached(scope)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def _route_not_reached(scope: Scope) -> Route | None:
    app = scope.get("app")
    finder = getattr(getattr(app, "state", None), "route_finder", None)
    if not isinstance(finder, RouteFinder):
        return None
    route = finder.find(scope)
    scope["route"] = route  # the metrics and the log line both ask (None: no route, asked once)
    return route


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
    def __init__(
        self,
        app: ASGIApp,
        quiet_paths: Collection[str] = DEFAULT_QUIET_PATHS,
        *,
        every_request: bool = True,
        slow_read_ms: float = SLOW_READ_MS,
    ) -> None:
        self.app = app
        self.quiet_paths = frozenset(quiet_paths)
        self.every_request = every_request
        self.slow_read_ms = slow_read_ms

    def worth_a_line(self, scope: Scope, status: int, duration_ms: float) -> bool:
        if scope["path"] in self.quiet_paths:
            return False
        return (
            self.every_request
            or status >= 400
            or scope["method"] not in READ_METHODS
            or duration_ms >= self.slow_read_ms
        )

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
            duration_ms = (perf_counter() - started) * 1000
            if self.worth_a_line(scope, status, duration_ms):
                _log_request(scope, status, duration_ms)
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
