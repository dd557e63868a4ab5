"""Rate limits hold across server processes (they live in Redis) and answer 429 with Retry-After."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ORIGIN
from tests.system.processes import api_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def limited_servers(test_environment: dict[str, str]) -> Iterator[tuple[str, str]]:
    env = {
        **test_environment,
        "RATE_LIMIT_PLAYER_PER_SECOND": "2",
        "RATE_LIMIT_PLAYER_BURST": "6",
        "RATE_LIMIT_IP_PER_SECOND": "5",
    }
    with api_server(env, "limited-a") as first, api_server(env, "limited-b") as second:
        yield first, second


def _client(ip_suffix: int) -> dict[str, str]:
    """The servers trust 127.0.0.1 as a proxy, so each test can speak from its own client IP."""
    return {"X-Forwarded-For": f"10.9.9.{ip_suffix}"}


def _signup(base_url: str, ip_suffix: int) -> str:
    body = {"username": f"l{uuid.uuid4().hex[:12]}", "password": "password1"}
    response = httpx.post(f"{base_url}/signup", json=body, headers=_client(ip_suffix))
    token: str = response.json()["access_token"]
    return token


def test_the_player_limit_is_shared_by_two_servers(limited_servers: tuple[str, str]) -> None:
    token = _signup(limited_servers[0], 1)
    statuses = []
    for i in range(10):  # a new IP for each request: only the player's own limit applies
        headers = {"Authorization": f"Bearer {token}", "Origin": ORIGIN, **_client(100 + i)}
        statuses.append(httpx.get(f"{limited_servers[i % 2]}/progress", headers=headers).status_code)
    # burst 6 at 2/s: the 10 requests, alternating between servers, cannot all pass
    assert statuses[:6] == [200] * 6
    assert 429 in statuses[6:]


def test_the_player_limit_holds_under_concurrent_requests_to_both_servers(
    limited_servers: tuple[str, str],
) -> None:
    """Requests in flight on two servers at once reach Redis in another order than their stamps; none may find the
    bucket full again. Each request has its own address and cookie, so no process answers from its refusal memory."""
    token = _signup(limited_servers[0], 8)
    counter = itertools.count()

    def send(client: httpx.Client) -> list[int]:
        statuses = []
        while time.monotonic() < deadline:
            n = next(counter)
            headers = {
                "Authorization": f"Bearer {token}",
                "Cookie": f"junk={uuid.uuid4().hex}",
                # addresses of their own: the other tests' single addresses (10.9.9.x) keep full buckets
                "X-Forwarded-For": f"10.9.8.{n % 250}",
            }
            statuses.append(client.get(f"{limited_servers[n % 2]}/change/rate", headers=headers).status_code)
        return statuses

    started = time.monotonic()
    deadline = started + 2.0
    with ThreadPoolExecutor(8) as pool:
        clients = [httpx.Client() for _ in range(8)]
        statuses = [status for batch in pool.map(send, clients) for status in batch]
        for client in clients:
            client.close()
    elapsed = time.monotonic() - started
    assert set(statuses) == {200, 429}
    assert statuses.count(200) <= 6 + 2 * elapsed + 1  # burst 6, 2 more each second (and one in rounding)


def test_a_refusal_says_when_to_retry(limited_servers: tuple[str, str]) -> None:
    token = _signup(limited_servers[0], 2)
    responses = [
        httpx.get(
            f"{limited_servers[1]}/change/rate", headers={"Authorization": f"Bearer {token}", **_client(i)}
        )
        for i in range(150, 162)
    ]
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json() == {"detail": "Too many requests, slow down"}
    seconds = refused.headers["retry-after"]
    assert int(seconds) >= 1
    assert refused.headers["ratelimit-policy"] == '"player";q=6;w=3'  # burst 6, refilled at 2/s
    assert refused.headers["ratelimit"] == f'"player";r=0;t={seconds}'
    assert refused.headers["ratelimit-limit"] == "6"
    assert refused.headers["ratelimit-remaining"] == "0"


def test_requests_without_credentials_are_limited_per_ip(limited_servers: tuple[str, str]) -> None:
    headers = _client(3)
    statuses = [
        httpx.get(f"{limited_servers[i % 2]}/generator_types", headers=headers).status_code for i in range(30)
    ]
    assert statuses[:5] == [200] * 5  # burst of one second at 5/s
    assert 429 in statuses
    other_client = httpx.get(f"{limited_servers[0]}/generator_types", headers=_client(4))
    assert other_client.status_code == 200


def test_made_up_credentials_do_not_lift_the_address_limit(limited_servers: tuple[str, str]) -> None:
    """A route that opens no session never checks a token, so the address limit must hold there too."""
    headers = {"Authorization": "Bearer made-up", **_client(5)}
    statuses = [
        httpx.get(f"{limited_servers[i % 2]}/generator_types", headers=headers).status_code for i in range(30)
    ]
    assert 429 in statuses


def test_a_request_with_a_session_is_charged_once(limited_servers: tuple[str, str]) -> None:
    """The session script charges the address limit for /rank (its session dependency is not the usual one);
    the middleware must not charge it again: five at once pass an address limit of 5."""
    token = _signup(limited_servers[0], 6)
    headers = {"Authorization": f"Bearer {token}", **_client(7)}
    statuses = [httpx.get(f"{limited_servers[i % 2]}/rank", headers=headers).status_code for i in range(5)]
    assert statuses == [200] * 5


def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(test_environment: dict[str, str]) -> None:
    env = {**test_environment, "RATE_LIMIT_IP_PER_SECOND": "5", "TRUSTED_PROXIES": "10.0.0.1"}
    with api_server(env, "untrusting") as base_url:
        statuses = [
            httpx.get(f"{base_url}/generator_types", headers=_client(i)).status_code for i in range(30)
        ]  # a new X-Forwarded-For each time, but 127.0.0.1 is not a trusted proxy here: one client
    assert 429 in statuses
