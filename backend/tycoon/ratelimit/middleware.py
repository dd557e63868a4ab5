"""Per-IP limit for requests the session script does not limit (sign-up, login, catalogue, …).

Requests with credentials to a route that opens a session are limited inside the session-loading script instead
(no extra round trip). A client still refused (memory.py) is refused here at once, whichever limit refused it.
"""

from __future__ import annotations

import contextlib
import math
import time
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
from tycoon.ratelimit.limits import CHARGED, CHECK_LUA, Limits, address_key
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


class RateLimitMiddleware:
    """The per-address limit for every request the session script does not limit: those without credentials,
    and those with credentials to a route that opens no session (`public_paths`: the catalogue, sign-up, login,
    refresh, health, documentation), where a made-up Authorization header would otherwise pass unlimited.
    A request with credentials that ends without the session script (an unknown path or method, an empty token)
    is charged after its answer: over the limit, the address's next requests are refused."""

    def __init__(self, app: ASGIApp, limits: Limits, memory: RefusalMemory) -> None:
        self.app = app
        self.limits = limits
        self.memory = memory
        self._script: AsyncScript | None = None
        self._public: frozenset[str] | None = None  # the app's public_paths, read once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        address = address_key(ip)
        session_limits = self._session_limits(scope)
        refused = self.memory.recall_for(address, scope, session_limits)
        if refused is not None:
            await self._refuse(scope, send, refused)
            return
        if session_limits:
            await self.app(scope, receive, send)
            if not scope.get("state", {}).get(
                CHARGED
            ):  # it went to a 404, 405, 307 or 401 without the script
                with contextlib.suppress(RedisError):
                    await self._charge(scope, ip, address)
            return
        try:
            refusal = await self._charge(scope, ip, address)
        except RedisError:  # fail open: the route itself answers 503 if it needs Redis (not a bare 500 here)
            refusal = None
        if refusal is not None:
            await self._refuse(scope, send, refusal)
            return
        await self.app(scope, receive, send)

    async def _charge(self, scope: Scope, ip: str, address: str) -> RateLimited | None:
        """Take a token of the address's bucket; the refusal (remembered) if there was none."""
        if self._script is None:  # the Redis client exists once the lifespan has started
            self._script = scope["app"].state.redis.register_script(CHECK_LUA)
        wait_ms, limited_scope = await self._script(
            args=self.limits.script_args(int(time.time() * 1000), ip, None)
        )
        if int(wait_ms) <= 0:
            return None
        refusal = self.limits.refusal(int(wait_ms), str(limited_scope))
        self.memory.remember_refusal(refusal, address, scope)
        return refusal

    async def _refuse(self, scope: Scope, send: Send, refusal: RateLimited) -> None:
        RATE_LIMITED.labels(scope=refusal.scope).inc()
        if refusal.player_id:  # for the request log
            scope.setdefault("state", {})["player_id"] = refusal.player_id
        await send_refusal(send, refusal)

    def _session_limits(self, scope: Scope) -> bool:
        """Whether the session script will charge this request's limits."""
        if not _has_credentials(scope):
            return False
        if self._public is None:
            public: frozenset[str] = getattr(scope["app"].state, "public_paths", frozenset())
            self._public = public
        return scope["path"] not in self._public


def public_paths(routes: Iterable[BaseRoute]) -> frozenset[str]:
    """The paths of the routes that open no session. Such a route must have a fixed path (the middleware looks
    paths up, it does not match them): one with parameters is a mistake caught at start."""
    paths = set()
    for route in routes:
        if isinstance(route, APIRoute) and opens_session(route.dependant):
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
