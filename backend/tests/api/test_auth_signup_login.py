"""POST /signup and POST /login (ORIGINAL-RULES §2.1, §13; issue 2 decision 8; docs/api.md Authentication)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    PASSWORD,
    REFRESH_COOKIE,
    TRAP_COOKIE,
    Clock,
    bare_client,
    bearer,
    login,
    new_username,
)
from tests.conftest import Api
from tycoon import errors
from tycoon.auth import passwords, throttle
from tycoon.errors import GameError
from tycoon.observability import middleware

ZERO_AT_SIGNUP = (
    "energy_data",
    "energy_high",
    "money_high",
    "production_bonus",
    "heat_reduction",
    "tolerance_bonus",
    "max_generators_bonus",
    "demand_bonus",
    "play_time_ms",
    "rebirth_count",
    "rebirth_chain_upgrade",
    "upgrade_batch_upgrade",
    "rebirth_start_money_upgrade",
    "sold_energy_data",
    "sold_energy_high",
    "supercoin",
    "build_speed_reduction",
    "energy_multiplier",
    "exchange_rate_multiplier",
)


async def test_signup_returns_the_user_with_starting_values(app: FastAPI) -> None:
    username = new_username()
    async with bare_client(app) as http:
        response = await http.post("/signup", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == username
    assert len(user["user_id"]) == 36
    assert {name: user[name] for name in ZERO_AT_SIGNUP} == dict.fromkeys(ZERO_AT_SIGNUP, 0)
    assert (user["money_data"], user["tutorial"]) == (10000, 1)


async def test_signup_never_returns_the_password_or_refresh_jti(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/signup", json={"username": new_username(), "password": PASSWORD})
    user = response.json()["user"]
    assert "password" not in user
    assert "refresh_jti" not in user


async def test_signup_sets_the_four_cookies(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/signup", json={"username": new_username(), "password": PASSWORD})
    assert {ACCESS_COOKIE, REFRESH_COOKIE, TRAP_COOKIE, CSRF_COOKIE} <= set(response.cookies.keys())


async def test_signup_returns_tokens_in_the_body_matching_the_cookies(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/signup", json={"username": new_username(), "password": PASSWORD})
    body = response.json()
    assert body["access_token"] == response.cookies[ACCESS_COOKIE]
    assert body["refresh_token"] == response.cookies[REFRESH_COOKIE]
    assert body["csrf_token"] == response.cookies[CSRF_COOKIE]


async def test_signup_access_token_works_as_bearer(app: FastAPI) -> None:
    async with bare_client(app) as http:
        body = (await http.post("/signup", json={"username": new_username(), "password": PASSWORD})).json()
        response = await http.get("/progress", headers=bearer(body["access_token"]))
    assert response.status_code == 200
    assert response.json()["user_id"] == body["user"]["user_id"]


async def test_signup_accepts_unicode_letters_digits_and_underscore(client: httpx.AsyncClient) -> None:
    username = f"발전_{new_username()[:6]}"
    response = await client.post("/signup", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["username"] == username


@pytest.mark.parametrize(
    "username",
    ["ab", "a" * 21, "has space", "bad-dash", "semi;colon", "<script>", "", "name\n", "tab\tname"],
    ids=["too-short", "too-long", "space", "dash", "semicolon", "markup", "empty", "trailing-newline", "tab"],
)
async def test_signup_rejects_bad_usernames(client: httpx.AsyncClient, username: str) -> None:
    response = await client.post("/signup", json={"username": username, "password": PASSWORD})
    assert response.status_code == 400, response.text
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "password",
    ["short1a", "abcdefghij", "1234567890", "a1" * 64 + "x", ""],
    ids=["too-short", "no-digit", "no-letter", "too-long", "empty"],
)
async def test_signup_rejects_bad_passwords(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post("/signup", json={"username": new_username(), "password": password})
    assert response.status_code == 400, response.text
    assert isinstance(response.json()["detail"], str)


async def test_signup_accepts_the_longest_password(client: httpx.AsyncClient) -> None:
    response = await client.post("/signup", json={"username": new_username(), "password": "a1" * 64})
    assert response.status_code == 200, response.text


async def test_signup_with_a_taken_username_is_400(api: Api) -> None:
    response = await api.http.post("/signup", json={"username": api.user["username"], "password": PASSWORD})
    assert response.status_code == 400
    assert response.json() == {"detail": "Username already exists"}


async def test_usernames_are_case_sensitive(api: Api) -> None:
    response = await api.http.post(
        "/signup", json={"username": api.user["username"].upper(), "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("body", [{"username": "someone1"}, {"password": PASSWORD}, {}])
async def test_signup_with_a_missing_field_is_422(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    response = await client.post("/signup", json=body)
    assert response.status_code == 422


async def test_login_returns_the_user_tokens_and_cookies(api: Api, app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await login(http, api.user["username"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["user_id"] == api.user["user_id"]
    assert {"access_token", "refresh_token", "csrf_token"} <= body.keys()
    assert {ACCESS_COOKIE, REFRESH_COOKIE, TRAP_COOKIE, CSRF_COOKIE} <= set(response.cookies.keys())


async def test_login_token_works_as_bearer(api: Api) -> None:
    body = (await login(api.http, api.user["username"])).json()
    response = await api.http.get("/progress", headers=bearer(body["access_token"]))
    assert response.status_code == 200
    assert response.json()["user_id"] == api.user["user_id"]


async def test_login_unknown_user_and_wrong_password_answer_the_same(api: Api) -> None:
    unknown = await login(api.http, new_username())
    wrong = await login(api.http, api.user["username"], "wrongpass9")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == {"detail": "Invalid username or password"}


async def test_login_with_a_missing_field_is_422(api: Api) -> None:
    response = await api.http.post("/login", json={"username": api.user["username"]})
    assert response.status_code == 422


async def test_repeated_failed_logins_back_off_with_429_and_retry_after(api: Api) -> None:
    username = api.user["username"]
    assert (await login(api.http, username, "wrongpass9")).status_code == 401
    response = await login(api.http, username, "wrongpass9")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert "Too many failed attempts" in response.json()["detail"]
    assert response.headers["RateLimit-Policy"] == '"login-username";q=1;w=2'  # one attempt per 2^1 s
    assert response.headers["RateLimit"] == f'"login-username";r=0;t={response.headers["Retry-After"]}'


async def test_a_usernames_failures_are_kept_for_an_hour_after_the_last(api: Api, app: FastAPI) -> None:
    # The original kept them until a success; a 10-minute expiry let a guesser who paused reset the backoff.
    await login(api.http, api.user["username"], "wrongpass9")
    ttl = await app.state.redis.ttl(throttle._user_key(api.user["username"]))
    assert 3500 < ttl <= throttle.FAILURES_KEPT_SECONDS == 3600


async def test_backoff_also_holds_back_the_right_password(api: Api) -> None:
    username = api.user["username"]
    await login(api.http, username, "wrongpass9")
    response = await login(api.http, username)
    assert response.status_code == 429


async def test_attempts_made_at_once_cannot_all_pass_the_backoff(api: Api) -> None:
    """Ten wrong passwords at once: one is checked (401); the others wait their turn and then meet its backoff."""
    username = api.user["username"]
    answers = await asyncio.gather(*(login(api.http, username, f"wrongpass{n}") for n in range(10)))
    assert sorted(response.status_code for response in answers) == [401] + [429] * 9


async def test_a_double_clicked_login_gets_two_answers(api: Api) -> None:
    username = api.user["username"]
    answers = await asyncio.gather(login(api.http, username), login(api.http, username))
    assert [response.status_code for response in answers] == [200, 200]


async def test_an_attempt_releases_only_its_own_mark(redis_app: FastAPI) -> None:
    """After its mark expired and another attempt took it, a slow attempt must not delete the other's."""
    redis, name = redis_app.state.redis, new_username()
    async with throttle.one_attempt(redis, name):
        key = f"{throttle._user_key(name)}:busy"
        await redis.set(key, "another attempt")
    assert await redis.get(key) == "another attempt"
    await redis.delete(key)


async def test_backoff_is_per_username(api: Api) -> None:
    await login(api.http, new_username())
    await login(api.http, new_username())
    response = await login(api.http, api.user["username"])
    assert response.status_code == 200


async def test_session_cookies_are_http_only_and_the_csrf_cookies_readable(app: FastAPI) -> None:
    async with bare_client(app) as http:
        response = await http.post("/signup", json={"username": new_username(), "password": PASSWORD})
    set_cookies = {line.split("=", 1)[0]: line.lower() for line in response.headers.get_list("set-cookie")}
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        assert "httponly" in set_cookies[name]
        assert "path=/" in set_cookies[name]
    for name in (TRAP_COOKIE, CSRF_COOKIE):
        assert "httponly" not in set_cookies[name]


async def test_backoff_ends_after_its_cooldown(api: Api, clock: Clock) -> None:
    await login(api.http, api.user["username"], "wrongpass9")
    clock.advance(2.5)  # 2^1 s after one failure
    assert (await login(api.http, api.user["username"])).status_code == 200


async def test_successful_login_resets_the_backoff(api: Api, clock: Clock) -> None:
    for _ in range(3):
        await login(api.http, api.user["username"], "wrongpass9")
        clock.advance(10)
    assert (await login(api.http, api.user["username"])).status_code == 200
    assert (await login(api.http, api.user["username"], "wrongpass9")).status_code == 401
    clock.advance(2.5)
    assert (await login(api.http, api.user["username"])).status_code == 200


async def test_the_request_log_names_the_player_who_signed_up_or_in(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged: list[object] = []
    monkeypatch.setattr(
        middleware,
        "_log_request",
        lambda scope, *_: logged.append(middleware._state_value(scope, "player_id")),
    )
    username = new_username()
    async with bare_client(app) as http:
        signed = await http.post("/signup", json={"username": username, "password": "password1"})
        logged_in = await login(http, username, "password1")
    assert logged_in.status_code == 200
    assert logged == [signed.json()["user"]["user_id"]] * 2


# over-long input: the service's rules answer, not a schema cap (422)
@pytest.mark.parametrize("length", [21, 65, 100_000])
async def test_signup_with_a_long_username_is_the_username_rules_400(
    client: httpx.AsyncClient, length: int
) -> None:
    response = await client.post("/signup", json={"username": "a" * length, "password": PASSWORD})
    assert (response.status_code, response.json()) == (400, {"detail": errors.UsernameTooLong.detail})


@pytest.mark.parametrize("length", [129, 1025, 100_000])
async def test_signup_with_a_long_password_is_the_password_rules_400_before_any_hashing(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    async def never(password: str) -> str:
        raise AssertionError("a password that breaks the rule was hashed")

    monkeypatch.setattr(passwords, "hash_password", never)
    body = {"username": new_username(), "password": "a1" * (length // 2) + "a" * (length % 2)}
    response = await client.post("/signup", json=body)
    assert (response.status_code, response.json()) == (400, {"detail": errors.PasswordTooLong.detail})


async def test_login_with_a_long_username_or_password_is_the_failed_logins_401(api: Api) -> None:
    long_names = [new_username().ljust(65, "a"), new_username().ljust(100_000, "a")]  # fresh: no backoff yet
    for username, password in [
        *((name, PASSWORD) for name in long_names),
        (api.user["username"], "a1" * 513),
    ]:
        response = await login(api.http, username, password)
        assert (response.status_code, response.json()) == (401, {"detail": "Invalid username or password"})


# per-username backoff: the original's message and every form of username
async def test_the_wait_in_the_message_is_truncated_and_retry_after_rounded_up(
    api: Api, clock: Clock
) -> None:
    username = api.user["username"]
    await login(api.http, username, "wrongpass9")
    clock.advance(0.5)  # 1.5 s of the 2 s cooldown left
    response = await login(api.http, username)
    assert response.json() == {"detail": "Too many failed attempts. Please wait 1 seconds."}
    assert response.headers["Retry-After"] == "2"
    clock.advance(1.2)  # 0.3 s left
    response = await login(api.http, username)
    assert response.json() == {"detail": "Too many failed attempts. Please wait 0 seconds."}
    assert response.headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    "username",
    ["ab", "bad-name", "x" * 21, "x" * 100_000, "nul\u0000name", ""],
    ids=["too-short", "dash", "too-long", "very-long", "nul", "empty"],
)
async def test_a_username_of_a_bad_format_is_throttled_like_others(
    client: httpx.AsyncClient, redis_app: FastAPI, username: str
) -> None:
    await throttle.clear_failures(redis_app.state.redis, username)  # the name is the same in every run
    first = await login(client, username)
    assert first.status_code == 401, first.text
    again = await login(client, username)
    assert again.status_code == 429
    assert again.json() == {"detail": "Too many failed attempts. Please wait 1 seconds."}


@pytest.mark.parametrize(
    "body",
    [b'{"username": "someone1", "password": "abcdefg1\\udfff"}', b'{"username": "\\ud800", "password": "x"}'],
    ids=["signup-password", "login-username"],
)
async def test_a_lone_surrogate_in_credentials_is_422_not_a_hashing_failure(
    client: httpx.AsyncClient, body: bytes
) -> None:
    for path in ("/signup", "/login"):
        response = await client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("username", "password", "refusal"),
    [
        ("", PASSWORD, errors.UsernameRequired),
        ("ab", PASSWORD, errors.UsernameTooShort),
        ("a" * 21, PASSWORD, errors.UsernameTooLong),
        ("bad name", PASSWORD, errors.UsernameCharacters),
        ("a-b", "", errors.UsernameCharacters),  # the username is checked first, as in the original
        ("발전소_왕", "short1", errors.PasswordTooShort),  # Unicode letters are a username's letters
        ("name_ok", "", errors.PasswordTooShort),
        ("name_ok", "a1" * 64 + "x", errors.PasswordTooLong),
        ("name_ok", "onlyletters", errors.PasswordLettersAndDigits),
        ("name_ok", "12345678", errors.PasswordLettersAndDigits),
    ],
)
async def test_signup_rules_answer_the_originals_messages_in_its_order(
    client: httpx.AsyncClient, username: str, password: str, refusal: type[GameError]
) -> None:
    response = await client.post("/signup", json={"username": username, "password": password})
    assert (response.status_code, response.json()) == (400, {"detail": refusal.detail})
