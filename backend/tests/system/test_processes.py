"""Several real processes: catalogue invalidation across servers, write-behind through the worker, recovery
from a lost Redis, and a player whose requests alternate between two servers."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
import redis as sync_redis

from tests.conftest import BACKEND, DATABASE_URL, ORIGIN, REDIS_URL
from tests.system.processes import api_server, background

pytestmark = pytest.mark.slow
PG_DSN = DATABASE_URL.replace("+asyncpg", "")


@pytest.fixture(scope="module")
def servers(test_environment: dict[str, str]) -> Iterator[tuple[str, str]]:
    with api_server(test_environment, "a") as first, api_server(test_environment, "b") as second:
        yield first, second


@pytest.fixture(scope="module")
def jobs(test_environment: dict[str, str]) -> Iterator[None]:
    with background(test_environment):
        _wait_for_first_flush()
        yield


def _wait_for_first_flush(timeout: float = 60.0) -> None:
    """The flush job drops unknown players from the dirty set: once a sentinel is gone, jobs are running."""
    client = sync_redis.Redis.from_url(REDIS_URL)
    client.zadd("players:dirty", {"no-such-player": 0})
    deadline = time.monotonic() + timeout
    while client.zscore("players:dirty", "no-such-player") is not None:
        assert time.monotonic() < deadline, "the worker and scheduler did not start"
        time.sleep(0.1)


def _signup(base_url: str, username: str | None = None) -> tuple[str, dict[str, Any]]:
    username = username or f"s{uuid.uuid4().hex[:12]}"
    response = httpx.post(f"{base_url}/signup", json={"username": username, "password": "password1"})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["access_token"], body["user"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Origin": ORIGIN}


def _admin_token(base_url: str, env: dict[str, str]) -> str:
    username = f"admin{uuid.uuid4().hex[:8]}"
    _signup(base_url, username)
    command = [sys.executable, "-m", "tycoon", "grant-admin", username]
    subprocess.run(command, cwd=BACKEND, env=env, check=True, capture_output=True)
    response = httpx.post(f"{base_url}/login", json={"username": username, "password": "password1"})
    token: str = response.json()["access_token"]
    return token


def _first_cost(base_url: str) -> tuple[int, int, str]:
    response = httpx.get(f"{base_url}/generator_types")
    first = response.json()["types"][0]
    return first["cost_data"], first["cost_high"], response.headers["etag"]


def test_an_admin_edit_on_one_server_is_seen_by_the_other_within_a_second(
    servers: tuple[str, str], test_environment: dict[str, str]
) -> None:
    first, second = servers
    token = _admin_token(first, test_environment)
    before = _first_cost(second)
    new_cost = before[0] + 1000
    edit = httpx.patch(
        f"{first}/admin/generator_types/0", json={"cost_data": new_cost}, headers=_bearer(token)
    )
    assert edit.status_code == 200, edit.text
    edited_at = time.monotonic()
    while _first_cost(second)[0] != new_cost:
        assert time.monotonic() - edited_at < 1.0, "the second server still serves the old catalogue"
        time.sleep(0.02)
    assert _first_cost(second)[2] != before[2]  # the ETag changed with it
    httpx.patch(f"{first}/admin/generator_types/0", json={"cost_data": before[0]}, headers=_bearer(token))
    while _first_cost(second)[0] != before[0]:  # the next tests expect the original price everywhere
        time.sleep(0.05)


def test_one_players_requests_alternate_between_servers(servers: tuple[str, str]) -> None:
    token, user = _signup(servers[0])
    type_id = httpx.get(f"{servers[0]}/generator_types").json()["types"][0]["id"]
    place = httpx.post(
        f"{servers[1]}/progress",
        json={"user_id": user["user_id"], "generator_type_id": type_id, "x_position": 5, "world_position": 0},
        headers=_bearer(token),
    )
    assert place.status_code == 200, place.text
    for base_url in servers:
        progress = httpx.get(f"{base_url}/progress", headers=_bearer(token)).json()
        assert [g["x_position"] for g in progress["generators"]] == [5]
        assert httpx.get(f"{base_url}/rank", headers=_bearer(token)).status_code == 200


def _stored_doc(user_id: str) -> dict[str, Any] | None:
    with psycopg.connect(PG_DSN) as conn:
        row = conn.execute("SELECT doc FROM players WHERE user_id = %s", (user_id,)).fetchone()
    return None if row is None else row[0]


def test_an_acknowledged_change_reaches_postgresql_within_two_seconds(
    servers: tuple[str, str], jobs: None
) -> None:
    token, user = _signup(servers[0])
    type_id = httpx.get(f"{servers[0]}/generator_types").json()["types"][0]["id"]
    body = {"user_id": user["user_id"], "generator_type_id": type_id, "x_position": 7, "world_position": 0}
    assert httpx.post(f"{servers[0]}/progress", json=body, headers=_bearer(token)).status_code == 200
    acknowledged = time.monotonic()
    while not (_stored_doc(user["user_id"]) or {}).get("generators"):
        assert time.monotonic() - acknowledged < 2.0, "the change did not reach PostgreSQL in time"
        time.sleep(0.05)


def _forget_everything_but_the_job_queue() -> None:
    """What a new, empty Redis looks like to the game (the worker's stream is kept so the worker runs on)."""
    client = sync_redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(count=1000):
        if not key.startswith(b"tycoon:jobs"):
            client.delete(key)


def test_state_comes_back_from_postgresql_after_redis_loses_everything(
    servers: tuple[str, str], jobs: None, test_environment: dict[str, str]
) -> None:
    username = f"r{uuid.uuid4().hex[:12]}"
    token, user = _signup(servers[0], username)
    type_id = httpx.get(f"{servers[0]}/generator_types").json()["types"][0]["id"]
    body = {"user_id": user["user_id"], "generator_type_id": type_id, "x_position": 9, "world_position": 0}
    httpx.post(f"{servers[0]}/progress", json=body, headers=_bearer(token))
    deadline = time.monotonic() + 5
    while not (_stored_doc(user["user_id"]) or {}).get("generators") and time.monotonic() < deadline:
        time.sleep(0.05)
    _forget_everything_but_the_job_queue()
    login = httpx.post(f"{servers[1]}/login", json={"username": username, "password": "password1"})
    assert login.status_code == 200, login.text
    progress = httpx.get(f"{servers[1]}/progress", headers=_bearer(login.json()["access_token"])).json()
    assert [g["x_position"] for g in progress["generators"]] == [9]
    command = [sys.executable, "-m", "tycoon", "rebuild-rankings"]
    subprocess.run(command, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
    ranks = httpx.get(f"{servers[1]}/ranks", headers=_bearer(login.json()["access_token"])).json()
    assert username in [row["username"] for row in ranks["ranks"]] or ranks["total"] > 100
