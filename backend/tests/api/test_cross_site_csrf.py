"""The original client served from another site than the API: it keeps its own CSRF token in the page's cookies
and sends it as `X-CSRF-Token`; it cannot read the API's `csrf_token` cookie. A session keeps the token the
client holds, so the page's copy and the API's cookie agree from the first request."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.api.conftest import ACCESS_COOKIE, CSRF_COOKIE, PASSWORD, new_username
from tests.conftest import ORIGIN, make_settings

PAGE_TOKEN = str(uuid.uuid4())  # what the original client mints in the page's cookies


def api_cookies(response: httpx.Response) -> dict[str, str]:
    return {name: response.cookies[name] for name in (ACCESS_COOKIE, CSRF_COOKIE)}


def browser(jar: dict[str, str]) -> dict[str, str]:
    """An axios request of the page: its own token in the header, the API's cookies sent by the browser."""
    return {
        "Origin": ORIGIN,
        "x-csrf-token": PAGE_TOKEN,
        "Cookie": "; ".join(f"{name}={value}" for name, value in jar.items()),
    }


@pytest.mark.parametrize("path", ["/signup", "/login"])
async def test_a_session_keeps_the_token_the_client_holds(http: httpx.AsyncClient, path: str) -> None:
    body = {"username": new_username(), "password": PASSWORD}
    if path == "/login":
        await http.post("/signup", json=body)
    response = await http.post(path, json=body, headers={"Origin": ORIGIN, "X-CSRF-Token": PAGE_TOKEN})
    assert response.status_code == 200, response.text
    assert response.cookies[CSRF_COOKIE] == PAGE_TOKEN
    assert response.json()["csrf_token"] == PAGE_TOKEN


async def test_the_pages_writes_pass_from_the_first_request(http: httpx.AsyncClient) -> None:
    body = {"username": new_username(), "password": PASSWORD}
    signup = await http.post("/signup", json=body, headers={"Origin": ORIGIN, "X-CSRF-Token": PAGE_TOKEN})
    response = await http.post("/tutorial/skip", headers=browser(api_cookies(signup)))
    assert response.status_code == 200, response.text


async def test_a_refresh_keeps_the_token_too(http: httpx.AsyncClient) -> None:
    body = {"username": new_username(), "password": PASSWORD}
    signup = await http.post("/signup", json=body, headers={"Origin": ORIGIN, "X-CSRF-Token": PAGE_TOKEN})
    refresh = await http.post(
        "/refresh/access",
        headers={"Authorization": f"Bearer {signup.json()['refresh_token']}", "x-csrf-token": PAGE_TOKEN},
    )
    assert refresh.cookies[CSRF_COOKIE] == PAGE_TOKEN
    assert refresh.headers["x-csrf-token"] == PAGE_TOKEN


@pytest.mark.parametrize("held", ["", "short", "x" * 129, "has space in it 0123", "ünïcode-0123456789"])
async def test_an_implausible_token_is_replaced_by_a_new_one(http: httpx.AsyncClient, held: str) -> None:
    body = {"username": new_username(), "password": PASSWORD}
    response = await http.post("/signup", json=body, headers={b"X-CSRF-Token": held.encode()})
    token = response.cookies[CSRF_COOKIE]
    assert token != held
    assert str(uuid.UUID(token)) == token


def test_an_allowed_origin_is_read_without_a_trailing_slash() -> None:
    settings = make_settings(frontend_origins="https://a.example/, http://localhost:5173")
    assert settings.frontend_origins == ["https://a.example", "http://localhost:5173"]
