"""A stale Authorization token next to a live access cookie: the original client's special shop.

The original client keeps `access_token` from the login answer in memory whenever the answer has one (the
original's never had) and sends it as `Authorization: Bearer` from the special shop's raw fetches, with its cookies,
long after a refresh rotated that session. The cookie then authenticates the request, provided the request passes
the Origin/CSRF check that every cookie-authenticated request passes.
"""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import ACCESS_COOKIE, CSRF_COOKIE, PASSWORD, bearer, new_username
from tests.conftest import ORIGIN

SPECIAL = "/special/build_speed"  # a new player has no supercoin: 400 once authenticated


@pytest.fixture
async def rotated(http: httpx.AsyncClient) -> dict[str, str]:
    """The login answer's access token (stale), and the cookies of the session a refresh made of it."""
    signup = (await http.post("/signup", json={"username": new_username(), "password": PASSWORD})).json()
    refresh = await http.post(
        "/refresh/access", headers={"Authorization": f"Bearer {signup['refresh_token']}"}
    )
    assert refresh.status_code == 200, refresh.text
    return {
        "stale": signup["access_token"],
        "live": refresh.json()["access_token"],
        "csrf": signup["csrf_token"],
    }


def browser(tokens: dict[str, str], **extra: str) -> dict[str, str]:
    jar = f"{ACCESS_COOKIE}={tokens['live']}; {CSRF_COOKIE}={tokens['csrf']}"
    return {**bearer(tokens["stale"]), "Cookie": jar, **extra}


async def test_stale_bearer_alone_is_401(http: httpx.AsyncClient, rotated: dict[str, str]) -> None:
    response = await http.post(SPECIAL, headers={**bearer(rotated["stale"]), "Origin": ORIGIN})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token"}


async def test_live_cookie_stands_in_for_a_stale_bearer(
    http: httpx.AsyncClient, rotated: dict[str, str]
) -> None:
    response = await http.post(SPECIAL, headers=browser(rotated, Origin=ORIGIN))
    assert response.status_code == 400
    assert response.json() == {"detail": "슈퍼코인이 부족합니다."}


async def test_live_cookie_stands_in_on_reads(http: httpx.AsyncClient, rotated: dict[str, str]) -> None:
    response = await http.get("/tutorial/status", headers=browser(rotated))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("extra", "status", "detail"),
    [
        ({}, 401, "Invalid token"),
        ({"Origin": ORIGIN, "x-csrf-token": "other"}, 401, "Invalid token"),
        # a named foreign origin is refused before authentication, whatever the request authenticates with
        ({"Origin": "https://evil.example"}, 403, "Origin not allowed for state-changing request"),
    ],
    ids=["no-origin", "csrf-mismatch", "foreign-origin"],
)
async def test_cookie_does_not_stand_in_for_a_forged_request(
    http: httpx.AsyncClient, rotated: dict[str, str], extra: dict[str, str], status: int, detail: str
) -> None:
    """Without the Authorization header this request would be refused by the Origin/CSRF check: the header
    must not be a way around it."""
    response = await http.post(SPECIAL, headers=browser(rotated, **extra))
    assert response.status_code == status
    assert response.json() == {"detail": detail}


async def test_live_bearer_wins_over_another_sessions_cookie(
    http: httpx.AsyncClient, rotated: dict[str, str]
) -> None:
    other = (await http.post("/signup", json={"username": new_username(), "password": PASSWORD})).json()
    headers = {**bearer(other["access_token"]), "Cookie": f"{ACCESS_COOKIE}={rotated['live']}"}
    response = await http.get("/tutorial/status", headers=headers)
    assert response.status_code == 200
    me = await http.get("/progress", headers=headers)
    assert me.json()["user"]["username"] == other["user"]["username"]
