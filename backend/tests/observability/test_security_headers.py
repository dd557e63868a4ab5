from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from tycoon.config import Settings

Get = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def get(app_factory: Callable[..., FastAPI]) -> Get:
    async def get(hsts: bool, path: str) -> httpx.Response:
        app = app_factory(Settings(), hsts=hsts)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path)

    return get


async def test_api_responses_forbid_framing_sniffing_and_everything_else(get: Get) -> None:
    response = await get(hsts=False, path="/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "strict-transport-security" not in response.headers


async def test_errors_get_the_headers_too(get: Get) -> None:
    response = await get(hsts=False, path="/no/such/path")
    assert response.status_code == 404
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_interactive_docs_keep_the_browser_defaults(get: Get, path: str) -> None:
    response = await get(hsts=False, path=path)
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_hsts_when_served_over_https(get: Get) -> None:
    response = await get(hsts=True, path="/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=")
