"""Origin and CSRF rules for cookie-authenticated state-changing requests (ORIGINAL-RULES §13)."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import ACCESS_COOKIE, CSRF_COOKIE, PASSWORD, bearer, new_username
from tests.conftest import ORIGIN, make_settings

STATE_CHANGING = "/tutorial/skip"  # any POST that a signed-in player may always make


@pytest.fixture
async def session(http: httpx.AsyncClient) -> dict[str, str]:
    """Tokens of a new player signed up from a browser."""
    response = await http.post("/signup", json={"username": new_username(), "password": PASSWORD})
    tokens: dict[str, str] = response.json()
    return tokens


def cookies(session: dict[str, str], *, csrf: str | None = None) -> dict[str, str]:
    jar = {ACCESS_COOKIE: session["access_token"]}
    if csrf is not None:
        jar[CSRF_COOKIE] = csrf
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())}


async def test_cookie_request_without_origin_is_403(http: httpx.AsyncClient, session: dict[str, str]) -> None:
    token = session["csrf_token"]
    response = await http.post(
        STATE_CHANGING, headers={**cookies(session, csrf=token), "x-csrf-token": token}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Origin not allowed for state-changing request"}


async def test_cookie_request_from_a_foreign_origin_is_403(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    token = session["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Origin": "https://evil.example"}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Origin not allowed for state-changing request"}


async def test_cookie_request_without_csrf_token_is_403(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    response = await http.post(STATE_CHANGING, headers={**cookies(session), "Origin": ORIGIN})
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF token missing"}


@pytest.mark.parametrize("path", ["/signup", "/login"])
async def test_a_page_of_another_site_cannot_sign_up_or_log_in(http: httpx.AsyncClient, path: str) -> None:
    """Login CSRF: the original's bypass list let any site log a browser into an account of the site's choosing.
    Without an Origin (a script) or from the client's own origin these need no CSRF token, as in the original."""
    credentials = {"username": new_username(), "password": PASSWORD}
    if path == "/login":
        assert (await http.post("/signup", json=credentials)).status_code == 200
    foreign = await http.post(path, json=credentials, headers={"Origin": "https://evil.example"})
    assert (foreign.status_code, foreign.json()) == (
        403,
        {"detail": "Origin not allowed for state-changing request"},
    )
    assert "set-cookie" not in foreign.headers
    referred = await http.post(path, json=credentials, headers={"Referer": "https://evil.example/page"})
    assert referred.status_code == 403
    if path == "/signup":  # nothing was created: the name is still free
        assert (await http.post(path, json=credentials, headers={"Origin": ORIGIN})).status_code == 200
    else:
        assert (await http.post(path, json=credentials, headers={"Origin": ORIGIN})).status_code == 200
        assert (await http.post(path, json=credentials)).status_code == 200


async def test_a_page_of_another_site_cannot_refresh_a_session(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {session['refresh_token']}"}
    foreign = await http.post("/refresh/access", headers={**headers, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert (await http.post("/refresh/access", headers=headers)).status_code == 200


# "x y=1" is a malformed cookie next to the real ones: it must neither hide the CSRF cookie nor turn the check off
MALFORMED_NEIGHBOUR = pytest.mark.parametrize(
    "neighbour", ["", "x y=1; "], ids=["alone", "malformed-neighbour"]
)


@MALFORMED_NEIGHBOUR
async def test_cookie_request_with_mismatched_csrf_token_is_403(
    http: httpx.AsyncClient, session: dict[str, str], neighbour: str
) -> None:
    jar = neighbour + cookies(session, csrf=session["csrf_token"])["Cookie"]
    headers = {"Cookie": jar, "x-csrf-token": "other", "Origin": ORIGIN}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF token mismatch"}


async def test_cookie_request_with_matching_csrf_token_and_origin_passes(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    token = session["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Origin": ORIGIN}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["tutorial"] == 0


async def test_referer_stands_in_for_a_missing_origin(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    token = session["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Referer": f"{ORIGIN}/game"}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("referer", ["http://[::1", "http://[bad/game", "::::", "http://host:99999999/"])
async def test_unreadable_referer_is_no_origin(
    http: httpx.AsyncClient, session: dict[str, str], referer: str
) -> None:
    token = session["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Referer": referer}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Origin not allowed for state-changing request"}


async def test_rejected_csrf_request_changes_nothing(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    await http.post(STATE_CHANGING, headers=cookies(session))
    status = await http.get("/tutorial/status", headers=bearer(session["access_token"]))
    assert status.json() == {"tutorial": 1}


async def test_bearer_request_needs_no_origin_or_csrf(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    response = await http.post(STATE_CHANGING, headers=bearer(session["access_token"]))
    assert response.status_code == 200, response.text


async def test_bearer_request_from_an_allowed_origin_needs_no_csrf(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    response = await http.post(STATE_CHANGING, headers={**bearer(session["access_token"]), "Origin": ORIGIN})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "named",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/page"}],
    ids=["origin", "null-origin", "referer"],
)
async def test_bearer_request_from_a_foreign_origin_is_403_and_changes_nothing(
    http: httpx.AsyncClient, session: dict[str, str], named: dict[str, str]
) -> None:
    response = await http.post(STATE_CHANGING, headers={**bearer(session["access_token"]), **named})
    assert response.status_code == 403
    assert response.json() == {"detail": "Origin not allowed for state-changing request"}
    status = await http.get("/tutorial/status", headers=bearer(session["access_token"]))
    assert status.json() == {"tutorial": 1}


async def test_get_requests_need_no_csrf(http: httpx.AsyncClient, session: dict[str, str]) -> None:
    response = await http.get("/progress", headers=cookies(session))
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/csrf-token", "/csrf"])
async def test_csrf_endpoint_issues_a_token_in_body_cookie_and_header(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    token = response.json()["csrf_token"]
    assert token
    assert isinstance(response.json()["detail"], str)
    assert response.cookies[CSRF_COOKIE] == token
    assert response.headers["x-csrf-token"] == token


async def test_issued_csrf_token_passes_the_check(http: httpx.AsyncClient, session: dict[str, str]) -> None:
    token = (await http.get("/csrf-token")).json()["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Origin": ORIGIN}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("authorization", ["", "   ", "Bearer", "Bearer   "])
async def test_an_authorization_header_naming_no_token_does_not_skip_the_check(
    http: httpx.AsyncClient, session: dict[str, str], authorization: str
) -> None:
    token = session["csrf_token"]
    headers = {
        **cookies(session, csrf=token),
        "x-csrf-token": token,
        "Origin": "https://evil.example",
        "Authorization": authorization,
    }
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Origin not allowed for state-changing request"}


@MALFORMED_NEIGHBOUR
async def test_the_csrf_cookie_alone_passes(
    http: httpx.AsyncClient, session: dict[str, str], neighbour: str
) -> None:
    """At least one of the cookie and the header (§13): the cookie alone, which a malformed neighbour must not hide."""
    jar = neighbour + cookies(session, csrf=session["csrf_token"])["Cookie"]
    response = await http.post(STATE_CHANGING, headers={"Cookie": jar, "Origin": ORIGIN})
    assert response.status_code == 200


async def test_a_repeated_authorization_header_is_read_as_authentication_reads_it(
    http: httpx.AsyncClient, session: dict[str, str]
) -> None:
    """The first copy names no token, so the cookie authenticates: the check must apply, whatever the second."""
    token = session["csrf_token"]
    headers = [
        *cookies(session, csrf=token).items(),
        ("x-csrf-token", token),
        ("Origin", "https://evil.example"),
        ("Authorization", "Bearer"),
        ("Authorization", "Bearer junk"),
    ]
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 403


async def test_a_preflight_from_an_allowed_origin_passes(http: httpx.AsyncClient) -> None:
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-csrf-token",
    }
    response = await http.options(STATE_CHANGING, headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_a_preflight_from_a_foreign_origin_is_refused_as_json(http: httpx.AsyncClient) -> None:
    headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    response = await http.options(STATE_CHANGING, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Disallowed CORS origin"}
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", STATE_CHANGING), ("TRACE", STATE_CHANGING), ("PATCH", "/progress")]
)
async def test_a_method_no_route_takes_there_is_a_405_not_a_csrf_refusal(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    """Such a request can change nothing: the router's answer says what is wrong with it."""
    response = await http.request(method, path, headers={"Origin": ORIGIN})
    assert response.status_code == 405
    assert response.headers["allow"]


async def test_a_path_no_route_serves_is_a_404_not_a_csrf_refusal(http: httpx.AsyncClient) -> None:
    response = await http.post("/nowhere", headers={"Origin": ORIGIN})
    assert response.status_code == 404


ORIGINAL_SITE = "https://energytycoon.pages.dev"  # the original's DEPLOY_FRONTEND_URL default


async def test_the_original_clients_site_is_allowed_by_default(http: httpx.AsyncClient) -> None:
    """The original web client, on its own site behind its `/api/` proxy, works with the API base URL changed
    only: the original allowed DEPLOY_FRONTEND_URL (default its site) beside FRONTEND_ORIGINS."""
    signup = await http.post(
        "/signup", json={"username": new_username(), "password": PASSWORD}, headers={"Origin": ORIGINAL_SITE}
    )
    assert signup.status_code == 200, signup.text
    session: dict[str, str] = signup.json()
    token = session["csrf_token"]
    headers = {**cookies(session, csrf=token), "x-csrf-token": token, "Origin": ORIGINAL_SITE}
    response = await http.post(STATE_CHANGING, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ORIGINAL_SITE
    preflight = await http.options(
        STATE_CHANGING, headers={"Origin": ORIGINAL_SITE, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize(
    ("deployed", "allowed"),
    [
        (None, [ORIGINAL_SITE, ORIGIN]),
        ("https://game.example/", ["https://game.example", ORIGIN]),
        ("", [ORIGIN]),
        ("  ", [ORIGIN]),
        (ORIGIN, [ORIGIN]),
    ],
)
def test_deploy_frontend_url_joins_frontend_origins(deployed: str | None, allowed: list[str]) -> None:
    overrides = {} if deployed is None else {"deploy_frontend_url": deployed}
    settings = make_settings(**overrides)
    assert settings.allowed_origins == allowed
    assert settings.cookies_secure is False  # cookies follow FRONTEND_ORIGINS alone, as the original's
