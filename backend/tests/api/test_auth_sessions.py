"""Sessions: refresh rotation, logout, devices, restarts, bad tokens, account deletion (§12–§13)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import (
    ACCESS_COOKIE,
    PASSWORD,
    REFRESH_COOKIE,
    Clock,
    another_player,
    app_of,
    bare_client,
    bearer,
    login,
    signed_up,
)
from tests.conftest import ORIGIN, Api, http_client, make_settings
from tycoon.app import create_app
from tycoon.auth import repository
from tycoon.errors import InvalidToken
from tycoon.kit.bignum import BigValue
from tycoon.rankings import service as rankings
from tycoon.rankings.scores import Criteria, zset_key


# refresh
async def test_refresh_access_with_the_refresh_token_as_bearer_rotates_the_pair(
    api: Api, http: httpx.AsyncClient
) -> None:
    tokens = await signed_up(api)
    response = await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["detail"] == "access token refreshed"
    assert body["access_token"] != tokens["access_token"]
    assert body["refresh_token"] != tokens["refresh_token"]


async def test_refresh_refresh_with_the_refresh_token_as_bearer_rotates_the_pair(
    api: Api, http: httpx.AsyncClient
) -> None:
    tokens = await signed_up(api)
    response = await http.post("/refresh/refresh", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200, response.text
    assert response.json()["detail"] == "token pair refreshed"
    assert response.json()["refresh_token"] != tokens["refresh_token"]


async def test_refreshed_access_token_works(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    new = (await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))).json()
    response = await http.get("/progress", headers=bearer(new["access_token"]))
    assert response.status_code == 200
    assert response.json()["user_id"] == api.user["user_id"]


async def test_old_refresh_token_is_rejected_after_rotation(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    response = await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


async def test_refresh_access_with_the_refresh_cookie(app: FastAPI) -> None:
    async with another_player(app) as player:  # its client keeps the signup cookies
        old_refresh = player.http.cookies[REFRESH_COOKIE]
        response = await player.http.post("/refresh/access")
        assert response.status_code == 200, response.text
        assert response.cookies[REFRESH_COOKIE] == response.json()["refresh_token"] != old_refresh
        assert response.cookies[ACCESS_COOKIE] == response.json()["access_token"]
    async with bare_client(app) as http:
        assert (await http.post("/refresh/access", headers=bearer(old_refresh))).status_code == 401


async def test_refresh_refresh_with_the_refresh_cookie(app: FastAPI) -> None:
    async with another_player(app) as player:
        response = await player.http.post("/refresh/refresh")
        assert response.status_code == 200, response.text
        assert response.cookies[REFRESH_COOKIE] == response.json()["refresh_token"]


async def test_new_access_cookie_authenticates(app: FastAPI) -> None:
    async with another_player(app) as player:
        await player.http.post("/refresh/access")
        response = await player.http.get("/progress")  # cookies only, no Authorization
        assert response.status_code == 200
        assert response.json()["user_id"] == player.user["user_id"]


async def test_refresh_without_a_token_is_401(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/refresh/access")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/refresh/access", "/refresh/refresh"])
async def test_an_access_token_cannot_refresh_403_as_the_original(
    api: Api, http: httpx.AsyncClient, path: str
) -> None:
    response = await http.post(path, headers=bearer(str(api.token)))
    assert (response.status_code, response.json()) == (403, {"detail": "Invalid token type"})


async def test_an_access_token_in_the_refresh_cookie_is_403(api: Api, http: httpx.AsyncClient) -> None:
    response = await http.post("/refresh/access", headers={"Cookie": f"{REFRESH_COOKIE}={api.token}"})
    assert (response.status_code, response.json()) == (403, {"detail": "Invalid token type"})


async def test_a_token_of_no_live_session_cannot_refresh_401(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    await http.post("/logout", headers=bearer(tokens["refresh_token"]))
    for token in (tokens["access_token"], tokens["refresh_token"], "no-such-token"):
        response = await http.post("/refresh/access", headers=bearer(token))
        assert (response.status_code, response.json()) == (
            401,
            {"detail": "Refresh token revoked or invalid"},
        )


async def test_a_refresh_token_is_not_an_access_token(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    response = await http.get("/progress", headers=bearer(tokens["refresh_token"]))
    assert response.status_code in (401, 403)


# logout
async def test_logout_with_the_access_token(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    response = await http.post("/logout", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"detail": "Logout successful"}


async def test_logout_revokes_the_access_token(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    await http.post("/logout", headers=bearer(tokens["access_token"]))
    response = await http.get("/progress", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401


async def test_logout_revokes_the_refresh_token(api: Api, http: httpx.AsyncClient) -> None:
    tokens = await signed_up(api)
    await http.post("/logout", headers=bearer(tokens["access_token"]))
    response = await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 401


async def test_logout_with_cookies_clears_them(app: FastAPI) -> None:
    async with another_player(app) as player:
        response = await player.http.post("/logout")
        assert response.status_code == 200, response.text
        assert ACCESS_COOKIE not in player.http.cookies
        assert REFRESH_COOKIE not in player.http.cookies
        assert (await player.get("/progress")).status_code == 401  # the Bearer token of that session too


async def test_logout_without_a_token_is_401(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/logout", headers={"Origin": ORIGIN, "x-csrf-token": "abc"})
    assert response.status_code == 401


# devices and restarts
async def test_several_devices_are_logged_in_at_once(api: Api, http: httpx.AsyncClient) -> None:
    phone, laptop = await signed_up(api), await signed_up(api)
    for tokens in (phone, laptop, {"access_token": str(api.token)}):
        assert (await http.get("/progress", headers=bearer(tokens["access_token"]))).status_code == 200


async def test_logging_out_one_device_keeps_the_others(api: Api, http: httpx.AsyncClient) -> None:
    phone, laptop = await signed_up(api), await signed_up(api)
    await http.post("/logout", headers=bearer(phone["access_token"]))
    assert (await http.get("/progress", headers=bearer(phone["access_token"]))).status_code == 401
    assert (await http.get("/progress", headers=bearer(laptop["access_token"]))).status_code == 200
    assert (await http.post("/refresh/access", headers=bearer(laptop["refresh_token"]))).status_code == 200


async def test_a_session_survives_an_app_restart(api: Api, app: FastAPI) -> None:
    tokens = await signed_up(api)
    restarted = create_app(make_settings(state_store=app.state.settings.state_store))
    async with LifespanManager(restarted), http_client(restarted) as http:
        progress = await http.get("/progress", headers=bearer(tokens["access_token"]))
        refreshed = await http.post("/refresh/access", headers=bearer(tokens["refresh_token"]))
    assert progress.status_code == 200
    assert progress.json()["user_id"] == api.user["user_id"]
    assert refreshed.status_code == 200


# missing and bad tokens
async def test_no_token_is_401_authorization_token_missing(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.get("/progress")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authorization token missing"}


async def test_an_unknown_token_is_401(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.get("/progress", headers=bearer("not-a-real-token"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token"


async def test_a_raw_token_without_bearer_prefix_is_accepted(api: Api, app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.get("/progress", headers={"Authorization": str(api.token)})
    assert response.status_code == 200


# delete_account
async def test_delete_account_with_a_wrong_password_is_400(api: Api) -> None:
    response = await api.post("/delete_account", {"password": "wrongpass9"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid password"}
    assert (await api.get("/progress")).status_code == 200


async def test_delete_account_with_a_long_password_is_the_wrong_passwords_400(api: Api) -> None:
    response = await api.post("/delete_account", {"password": "a1" * 1000})
    assert (response.status_code, response.json()) == (400, {"detail": "Invalid password"})


async def test_wrong_deletion_passwords_face_the_logins_backoff(api: Api) -> None:
    """A stolen access token must not guess the password faster than logins can: the failures count under the
    account's username, for deletions and logins alike."""
    assert (await api.post("/delete_account", {"password": "wrongpass9"})).status_code == 400
    again = await api.post("/delete_account", {"password": PASSWORD})  # even the right one waits its turn
    assert again.status_code == 429
    assert again.json() == {"detail": "Too many failed attempts. Please wait 1 seconds."}
    assert int(again.headers["Retry-After"]) >= 1
    assert (await login(api.http, api.user["username"])).status_code == 429
    assert (await api.get("/progress")).status_code == 200  # nothing deleted


async def test_a_deletion_clears_its_names_failures(api: Api, clock: Clock) -> None:
    username = api.user["username"]
    assert (await api.post("/delete_account", {"password": "wrongpass9"})).status_code == 400
    clock.advance(2.1)  # its 2-s backoff passes
    assert (await api.post("/delete_account", {"password": PASSWORD})).status_code == 200
    # a new account of the same name starts without the old one's failure: after its first wrong login the wait
    # is 2 s (one failure), not 4 s (two)
    signup = await api.http.post("/signup", json={"username": username, "password": PASSWORD})
    assert signup.status_code == 200, signup.text
    assert (await login(api.http, username, "wrongpass9")).status_code == 401
    again = await login(api.http, username)
    assert again.json() == {"detail": "Too many failed attempts. Please wait 1 seconds."}


async def test_delete_account_with_a_lone_surrogate_in_the_password_is_422(api: Api) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    body = b'{"password": "password1\\udfff"}'
    response = await api.http.post("/delete_account", content=body, headers=headers)
    assert response.status_code == 422, response.text


async def test_delete_account(api: Api) -> None:
    response = await api.post("/delete_account", {"password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json() == {"detail": "Account deleted"}


async def test_two_deletions_at_once_delete_once(api: Api) -> None:
    # both pass the session check before either deletes: the second finds no account and is a 401, not a
    # second "Account deleted" (nor "Invalid password")
    answers = await asyncio.gather(*(api.post("/delete_account", {"password": PASSWORD}) for _ in range(2)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 401], [answer.text for answer in answers]
    assert (await api.get("/progress")).status_code == 401


async def test_a_request_in_flight_during_a_deletion_does_not_bring_the_player_back(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request of the player loaded before the deletion and saves between the Redis clean-up and the rows'
    # deletion: its save finds no cached copy, reloads (from PostgreSQL, where the rows still are) and saves
    # again, which used to put the player back in Redis and in every ranking, nameless, for a week.
    game = app.state.game
    user_id = api.user["user_id"]
    delete_rows = repository.delete_account

    async def in_flight_then_delete(engine: AsyncEngine, deleted_id: str) -> bool:
        with contextlib.suppress(InvalidToken):
            await game.act_on_user(deleted_id, lambda state: setattr(state, "money", BigValue("1e500")))
        return await delete_rows(engine, deleted_id)

    monkeypatch.setattr(repository, "delete_account", in_flight_then_delete)
    assert (await api.post("/delete_account", {"password": PASSWORD})).status_code == 200
    assert await game.store.load(user_id) is None
    redis = app.state.redis
    for criteria in Criteria:
        assert await redis.zscore(zset_key(criteria), user_id) is None, criteria


async def test_a_ranking_write_in_flight_after_a_deletion_does_not_bring_the_player_back(
    api: Api, app: FastAPI
) -> None:
    # A save (STATE_STORE=postgres writes the rankings after its commit) or the ranking refresh that loaded the
    # player before the deletion and writes the rankings after it: a review saw such players stay in every
    # ranking, nameless, until a rebuild.
    game = app.state.game
    user_id = api.user["user_id"]
    state = game.settle_unattended(await game.store.load(user_id), 0.0)
    assert (await api.post("/delete_account", {"password": PASSWORD})).status_code == 200
    await rankings.store_entries(app.state.redis, state, 0)
    for criteria in Criteria:
        assert await app.state.redis.zscore(zset_key(criteria), user_id) is None, criteria


async def test_deleted_account_tokens_are_dead(api: Api, http: httpx.AsyncClient) -> None:
    other_device = await signed_up(api)
    await api.post("/delete_account", {"password": PASSWORD})
    assert (await api.get("/progress")).status_code == 401
    assert (await http.get("/progress", headers=bearer(other_device["access_token"]))).status_code == 401
    assert (
        await http.post("/refresh/access", headers=bearer(other_device["refresh_token"]))
    ).status_code == 401


async def test_deleted_account_cannot_log_in_and_its_name_is_free(api: Api) -> None:
    await api.post("/delete_account", {"password": PASSWORD})
    assert (await login(api.http, api.user["username"])).status_code == 401
    again = await api.http.post("/signup", json={"username": api.user["username"], "password": PASSWORD})
    assert again.status_code == 200, again.text


async def test_delete_account_works_with_pending_inquiries(api: Api) -> None:
    created = await api.post("/inquiries", {"type": "bug", "content": "the sun is too hot"})
    assert created.status_code == 200, created.text
    response = await api.post("/delete_account", {"password": PASSWORD})
    assert response.status_code == 200, response.text
    assert (await api.get("/progress")).status_code == 401


async def test_delete_account_without_a_token_is_401(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/delete_account", json={"password": PASSWORD})
    assert response.status_code in (401, 403)


async def test_delete_account_clears_the_cookies(app: FastAPI) -> None:
    async with another_player(app) as player:
        response = await player.post("/delete_account", {"password": PASSWORD})
        assert response.status_code == 200, response.text
        assert ACCESS_COOKIE not in player.http.cookies
        assert REFRESH_COOKIE not in player.http.cookies


async def test_deleted_account_leaves_the_rankings(api: Api) -> None:
    total = (await api.get("/ranks", params={"limit": 1})).json()["total"]
    async with another_player(app_of(api)) as player:
        await player.post("/delete_account", {"password": PASSWORD})
    assert (await api.get("/ranks", params={"limit": 1})).json()["total"] == total


async def test_a_refresh_token_where_an_access_token_belongs_is_403(
    api: Api, http: httpx.AsyncClient
) -> None:
    tokens = await signed_up(api)
    response = await http.get("/progress", headers=bearer(tokens["refresh_token"]))
    assert (response.status_code, response.json()) == (403, {"detail": "Invalid token type"})
    unknown = await http.get("/progress", headers=bearer("not-a-token-" + tokens["refresh_token"]))
    assert (unknown.status_code, unknown.json()) == (401, {"detail": "Invalid token"})
