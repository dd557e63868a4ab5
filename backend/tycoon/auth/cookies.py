"""The original client's cookies (names kept so that it works unchanged)."""

from __future__ import annotations

import re
import uuid

from fastapi import Request, Response

from tycoon.auth.sessions import TokenPair
from tycoon.config import Settings

ACCESS_COOKIE = "ec9db4eab1b820ebb3b5ed98b8ed9994ed9598eb8ba4eb8b88"
REFRESH_COOKIE = "yeCuXMndsYC3kMnAPw__"
TRAP_COOKIE = "abtkn"  # never checked by the server; the original client compares it to detect tampering
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_WEEK = 7 * 24 * 3600


# What a CSRF token a client made itself may look like (the original client mints a UUID).
_CLIENT_CSRF_TOKEN = re.compile(r"[A-Za-z0-9._~-]{16,128}")


def csrf_token_for(request: Request) -> str:
    """The CSRF token to set: the one the client already holds when it is a plausible token (its `X-CSRF-Token`
    header, else its `csrf_token` cookie), or a new one. The original client keeps its own copy in the page's
    cookies and sends it with every request; served from another site than the API, it cannot see the API's
    cookie, so a new token at login would make every write a 403 "CSRF token mismatch" until a refresh. The token
    is never checked against server state (ORIGINAL-RULES §13): the Origin check is the protection."""
    for held in (request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)):
        if held and _CLIENT_CSRF_TOKEN.fullmatch(held):
            return held
    return str(uuid.uuid4())


def _set(
    response: Response, settings: Settings, name: str, value: str, max_age: int, http_only: bool
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=http_only,
        secure=settings.cookies_secure,
        samesite=settings.cookies_samesite,
    )


def set_csrf(response: Response, settings: Settings, csrf_token: str) -> None:
    _set(response, settings, CSRF_COOKIE, csrf_token, _WEEK, http_only=False)
    response.headers[CSRF_HEADER] = csrf_token


def set_session(response: Response, settings: Settings, pair: TokenPair, csrf_token: str, trap: bool) -> None:
    _set(response, settings, ACCESS_COOKIE, pair.access_token, settings.access_token_seconds, http_only=True)
    _set(
        response, settings, REFRESH_COOKIE, pair.refresh_token, settings.refresh_token_seconds, http_only=True
    )
    if trap:
        _set(response, settings, TRAP_COOKIE, str(uuid.uuid4()), _WEEK, http_only=False)
    set_csrf(response, settings, csrf_token)


def clear_session(response: Response, settings: Settings) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, TRAP_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=settings.cookies_secure, samesite=settings.cookies_samesite
        )
