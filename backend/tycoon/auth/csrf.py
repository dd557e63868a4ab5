"""Origin and CSRF checks for state-changing requests that authenticate with cookies (ORIGINAL-RULES §13).

A request carrying `Authorization` does not rely on cookies, so cross-site forgery cannot use it: it needs no CSRF
token, and no Origin (non-browser clients send none). But an Origin (or Referer) it does send must be allowed, as
in the original, where every state-changing request faced the origin check: a page of another site is refused
whatever it authenticates with. Login, sign-up and refresh (`EXEMPT_PATHS`, the original's bypass list) need no
token either, but a foreign Origin they name is refused too: the original let any site log a browser into an
account of the site's choosing. Pure ASGI, so the check costs no extra framework work per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from tycoon.auth.cookies import CSRF_COOKIE
from tycoon.errors import CsrfMismatch, CsrfMissing, GameError, OriginNotAllowed
from tycoon.kit.refusal import refuse_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_PATHS = frozenset({"/login", "/signup", "/register", "/refresh/access", "/csrf-token", "/csrf"})


class CsrfOriginMiddleware:
    """`before_refusal`: the per-address limit's charge of a request refused here (it answers a 429 instead
    when the address is over its limit, and says so). `served`: whether a route takes the request's method at its
    path; one that none takes cannot change anything, and is left to the router's 404 or 405, which say what is
    wrong (asked only of a request about to be refused)."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_origins: list[str],
        before_refusal: Callable[[Scope, Send], Awaitable[bool]] | None = None,
        served: Callable[[Scope], bool] | None = None,
    ) -> None:
        self.app = app
        self.allowed = origin_set(allowed_origins)
        self.before_refusal = before_refusal
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = first_headers(scope)
            # Login, sign-up, refresh and requests with their own credentials need no token; a foreign page, none
            tokenless = scope["path"] in EXEMPT_PATHS or bearer_in(
                headers.get(b"authorization", b"").decode("latin-1")
            )
            error = foreign_origin(headers, self.allowed) if tokenless else violation(headers, self.allowed)
            if error is not None and (self.served is None or self.served(scope)):
                if self.before_refusal is None or not await self.before_refusal(scope, send):
                    await refuse_error(send, error)
                return
        await self.app(scope, receive, send)


def bearer_in(authorization: str) -> str | None:
    """The token of an Authorization header (`Bearer x`, or a raw token as the original accepted); None when it
    names none (empty, blank, or a bare scheme): such a request is authenticated by its cookies, if at all, and
    must pass the Origin/CSRF check."""
    scheme, _, value = authorization.strip().partition(" ")
    token = value.strip() if scheme.lower() == "bearer" else authorization.strip()
    return token or None


def first_headers(scope: Scope) -> dict[bytes, bytes]:
    """Each header's first copy, as the request the routes see reads it (Starlette's `headers.get`): a repeated
    Authorization header must not be one token for this check and another for authentication."""
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name, value)
    return headers


def origin_set(origins: list[str]) -> frozenset[str]:
    return frozenset(origin.rstrip("/") for origin in origins)


def needs_check(scope: Scope) -> bool:
    return scope["method"] not in SAFE_METHODS and scope["path"] not in EXEMPT_PATHS


def cookies_may_authenticate(scope: Scope, allowed: frozenset[str]) -> bool:
    """Whether this request passes the check it would face without an Authorization header."""
    return not needs_check(scope) or violation(first_headers(scope), allowed) is None


def violation(headers: dict[bytes, bytes], allowed: frozenset[str]) -> GameError | None:
    """What a cookie-authenticated request fails: an origin that is missing or not allowed, the CSRF token."""
    if _origin(headers) not in allowed:
        return OriginNotAllowed()
    header_token = headers.get(b"x-csrf-token", b"").decode("latin-1")
    cookie_token = _cookie(headers, CSRF_COOKIE)
    if not header_token and not cookie_token:
        return CsrfMissing()
    if header_token and cookie_token and header_token != cookie_token:
        return CsrfMismatch()
    return None


def foreign_origin(headers: dict[bytes, bytes], allowed: frozenset[str]) -> GameError | None:
    """What a request with its own credentials fails: an origin it names that is not allowed."""
    origin = _origin(headers)
    return OriginNotAllowed() if origin is not None and origin not in allowed else None


def _origin(headers: dict[bytes, bytes]) -> str | None:
    origin = headers.get(b"origin")
    if origin:
        return origin.decode("latin-1").rstrip("/")
    referer = headers.get(b"referer")
    if not referer:
        return None
    try:
        parts = urlsplit(referer.decode("latin-1"))
    except ValueError:  # e.g. "http://[::1": an unreadable Referer names no origin
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    raw = headers.get(b"cookie")
    if not raw:
        return None
    # Starlette's parser, as the rest of the request sees the cookies: lenient, so that one malformed cookie
    # neither hides the CSRF cookie (a 403 for an honest client) nor turns the mismatch check off
    return cookie_parser(raw.decode("latin-1")).get(name)
