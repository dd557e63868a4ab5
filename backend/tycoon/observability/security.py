"""Security headers on every response, added by a pure ASGI middleware.

The API answers JSON only, so its responses get a CSP that forbids everything; the interactive docs
(Swagger UI loads its script and styles from a CDN) keep the browser's defaults.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = b"max-age=63072000; includeSubDomains"
DOCS_PREFIXES = ("/docs", "/redoc")


def security_headers(*, hsts: bool, csp: bool = True) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every answer carries; also sent by the layers outside this one (overload bound, body guard)."""
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]
    if csp:
        headers.append((b"content-security-policy", API_CSP))
    if hsts:
        headers.append((b"strict-transport-security", HSTS))
    return tuple(headers)


class SecurityHeadersMiddleware:
    """`hsts=True` when the site is served over https (Settings.cookies_secure)."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self._api_headers = security_headers(hsts=hsts)
        self._docs_headers = security_headers(hsts=hsts, csp=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._docs_headers if scope["path"].startswith(DOCS_PREFIXES) else self._api_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
