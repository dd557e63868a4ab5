"""Per-IP limit for requests without credentials (sign-up, login, catalogue, …).

Requests with credentials are limited inside the session-loading script instead (no extra round trip).
"""

from __future__ import annotations

import time

from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Receive, Scope, Send

from tycoon.auth.cookies import ACCESS_COOKIE
from tycoon.errors import RateLimited
from tycoon.kit.refusal import refuse_error
from tycoon.observability.metrics import RATE_LIMITED
from tycoon.ratelimit.limits import CHECK_LUA, Limits

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_ACCESS_COOKIE = ACCESS_COOKIE.encode()


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits
        self._script: AsyncScript | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS or _has_credentials(scope):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        if self._script is None:  # the Redis client exists once the lifespan has started
            self._script = scope["app"].state.redis.register_script(CHECK_LUA)
        try:
            wait_ms, limited_scope = await self._script(
                args=self.limits.script_args(int(time.time() * 1000), ip, None)
            )
        except RedisError:  # fail open: the route itself answers 503 if it needs Redis (not a bare 500 here)
            await self.app(scope, receive, send)
            return
        if int(wait_ms) > 0:
            RATE_LIMITED.labels(scope=str(limited_scope)).inc()
            await send_refusal(send, self.limits.refusal(int(wait_ms), str(limited_scope)))
            return
        await self.app(scope, receive, send)


def _has_credentials(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and _ACCESS_COOKIE in value):
            return True
    return False


def refusal_headers(error: RateLimited) -> dict[str, str]:
    seconds = str(max(1, round(error.retry_after + 0.499)))
    return {
        "Retry-After": seconds,
        "RateLimit-Limit": str(error.limit),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": seconds,
        "RateLimit-Policy": f'"{error.scope}";q={error.limit};w=1',
    }


async def send_refusal(send: Send, error: RateLimited) -> None:
    limits = [(name.lower().encode(), value.encode()) for name, value in refusal_headers(error).items()]
    await refuse_error(send, error, *limits)
