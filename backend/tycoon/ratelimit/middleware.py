"""Per-IP limit for requests the session script does not limit (sign-up, login, catalogue, …).

Requests with credentials to a route that opens a session are limited inside the session-loading script instead
(no extra round trip). A client still refused (memory.py) is refused here at once, whichever limit refused it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from fastapi.routing import APIRoute
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from tycoon.auth.cookies import ACCESS_COOKIE
from tycoon.auth.deps import opens_session
from tycoon.errors import RateLimited, TooManyRequests
from tycoon.kit.refusal import refuse_error
from tycoon.observability.metrics import RATE_LIMITED
from tycoon.ratelimit.limits import CHARGED, CHECK_LUA, Limits, address_key, client_ip
from tycoon.ratelimit.memory import RefusalMemory

EXEMPT_PATHS = frozenset({"/healthz"})  # liveness: a refusal there would get the process restarted
_ACCESS_COOKIE = ACCESS_COOKIE.encode()
# what a refusal tells a client about the limit (browsers on another origin may read them: app.py's CORS)
RATELIMIT_HEADERS = (
    "ratelimit-policy",
    "ratelimit",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
)


class AddressLimit:
    """The per-address bucket, charged at most once per request wherever the request ends: by the middleware
    below before the route, or by the session script, or — for a request with credentials that reaches neither —
    by whichever of our layers answers it: the error handlers (the router's 404/405, a body FastAPI could not
    read), `authenticate` without a token, the CSRF check (each before its answer, so that requests sent at once
    each need a token)."""

    def __init__(self, limits: Limits, memory: RefusalMemory) -> None:
        self.limits = limits
        self.memory = memory
        self._script: AsyncScript | None = None

    async def charge(self, scope: Scope) -> RateLimited | None:
        """Take a token of the request's address unless this request already paid; the refusal (remembered) if
        there was none. Redis errors propagate."""
        state = scope.setdefault("state", {})
        if state.get(CHARGED):
            return None
        state[CHARGED] = True
        if self._script is None:  # the Redis client exists once the lifespan has started
            self._script = scope["app"].state.redis.register_script(CHECK_LUA)
        ip = client_ip(scope)
        wait_ms, limited_scope = await self._script(args=self.limits.script_args(ip, None))
        if int(wait_ms) <= 0:
            return None
        refusal = self.limits.refusal(int(wait_ms), str(limited_scope))
        self.memory.remember_refusal(refusal, address_key(ip), scope)
        return refusal

    async def charge_or_pass(self, scope: Scope) -> RateLimited | None:
        """`charge`, failing open when Redis fails: the route answers 503 itself if it needs Redis."""
        try:
            return await self.charge(scope)
        except RedisError:
            return None

    async def refused(self, scope: Scope, send: Send) -> bool:
        """Charge the request; when its address is over the limit, answer the 429 and say so."""
        refusal = await self.charge_or_pass(scope)
        if refusal is None:
            return False
        await refuse(scope, send, refusal)
        return True


class RateLimitMiddleware:
    """The per-address limit for every request the session script does not limit: those without credentials,
    and those with credentials to a route that opens no session (`public_paths`: the catalogue, sign-up, login,
    refresh, health, documentation), where a made-up Authorization header would otherwise pass unlimited.
    A request with credentials to a path ending in a slash (the router's redirect; no session route ends so) is
    charged before its answer. One that another of our layers answers before the session script is charged there
    (AddressLimit); one that none of them charged is charged after its answer."""

    def __init__(self, app: ASGIApp, limit: AddressLimit) -> None:
        self.app = app
        self.limit = limit
        self._public: frozenset[str] | None = None  # the app's public_paths, read once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        session_limits = self._session_limits(scope)
        refused = self.limit.memory.recall_for(address_key(client_ip(scope)), scope, session_limits)
        if refused is not None:
            await refuse(scope, send, refused)
            return
        if session_limits:
            await self.app(scope, receive, send)
            await self.limit.charge_or_pass(scope)  # only if nothing charged it (it holds a flag)
            return
        if not await self.limit.refused(scope, send):
            await self.app(scope, receive, send)

    def _session_limits(self, scope: Scope) -> bool:
        """Whether the session script will charge this request's limits."""
        if not _has_credentials(scope):
            return False
        # No session route's path ends in a slash (public_paths): the router redirects such a request.
        if scope["path"].endswith("/"):
            return False
        if self._public is None:
            public: frozenset[str] = getattr(scope["app"].state, "public_paths", frozenset())
            self._public = public
        return scope["path"] not in self._public


async def refuse(scope: Scope, send: Send, refusal: RateLimited) -> None:
    RATE_LIMITED.labels(scope=refusal.scope).inc()
    if refusal.player_id:  # for the request log
        scope.setdefault("state", {})["player_id"] = refusal.player_id
    await send_refusal(send, refusal)


def public_paths(routes: Iterable[BaseRoute]) -> frozenset[str]:
    """The paths of the routes that open no session. Such a route must have a fixed path (the middleware looks
    paths up, it does not match them): one with parameters is a mistake caught at start."""
    paths = set()
    for route in routes:
        if isinstance(route, APIRoute) and opens_session(route.dependant):
            if route.path.endswith("/"):
                raise ValueError(f"{route.path}: a route with a session must not end with a slash")
            continue
        path: str | None = getattr(route, "path", None)  # None: FastAPI's wrapper of an included router
        if path is None:
            continue
        if "{" in path:
            raise ValueError(
                f"{path}: a route without a session needs a fixed path for the per-address limit"
            )
        paths.add(path)
    return frozenset(paths)


def _has_credentials(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and _ACCESS_COOKIE in value):
            return True
    return False


def refusal_headers(error: TooManyRequests) -> dict[str, str]:
    """Retry-After, and for a limit with a policy the RateLimit fields of the current draft
    (draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy and RateLimit) and the same numbers in the earlier
    drafts' RateLimit-Limit/-Remaining/-Reset, which most clients of those headers still read."""
    seconds = str(max(1, math.ceil(error.retry_after)))
    headers = {"Retry-After": seconds}
    if error.policy is not None:
        name, quota = error.policy.name, error.policy.quota
        headers |= {
            "RateLimit-Policy": f'"{name}";q={quota};w={error.policy.window}',
            "RateLimit": f'"{name}";r=0;t={seconds}',
            "RateLimit-Limit": str(quota),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": seconds,
        }
    return headers


async def send_refusal(send: Send, error: RateLimited) -> None:
    limits = [(name.lower().encode(), value.encode()) for name, value in refusal_headers(error).items()]
    await refuse_error(send, error, *limits)
