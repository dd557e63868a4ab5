"""Token sources for logout and refresh, and a small offline cap (the amount limit of bulk generator upgrades
is in test_generator_upgrades.py)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import (
    PLANT,
    Clock,
    another_player,
    bearer,
    built,
    signed_up,
    user_of,
    value,
)
from tests.conftest import Api


# §12: POST /logout authenticates with the refresh token, from the header or the cookie.
async def test_logout_with_the_refresh_token_as_bearer(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    response = await http.post("/logout", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200, response.text
    assert response.json() == {"detail": "Logout successful"}


async def test_logout_with_the_refresh_token_as_bearer_revokes_the_session(
    api: Api, http: httpx.AsyncClient
) -> None:
    tokens = await signed_up(api)
    await http.post("/logout", headers=bearer(tokens["refresh_token"]))
    assert (await http.get("/progress", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))).status_code == 401


# An explicit Authorization header names the session, as it does for access tokens; a stale cookie of
# another session must not be refreshed or revoked in its place.
async def test_refresh_uses_the_authorization_header_over_the_refresh_cookie(api: Api) -> None:
    tokens = await signed_up(api)  # api.http still holds the signup session's cookies
    response = await api.http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200
    again = await api.http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert again.status_code == 401  # the header's session was rotated, so its old token is dead


# Issue 2 decision 3: production continues after the last request for at most OFFLINE_CAP_SECONDS; with a cap
# below the 150 s presence window the server still credits the whole window.
async def test_away_production_stops_at_a_configured_cap(short_cap_app: FastAPI, clock: Clock) -> None:
    async with another_player(short_cap_app) as player:
        await built(player, PLANT, money="0")
        before = value(await user_of(player), "energy")
        clock.advance(1000)
        assert float(value(await user_of(player), "energy") - before) == pytest.approx(60, abs=1)
