"""Rollback step C of docs/operations.md, as written: redis → postgres → redis without losing a change."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from typing import Any

import httpx
import pytest
import redis as sync_redis

from tests.conftest import BACKEND, ORIGIN, REDIS_URL
from tests.system.processes import api_server, background

pytestmark = pytest.mark.slow


def _dirty_count() -> int:
    return int(sync_redis.Redis.from_url(REDIS_URL).zcard("players:dirty"))


def _wait_until_flushed(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while _dirty_count() > 0:
        assert time.monotonic() < deadline, "the worker did not flush the dirty players"
        time.sleep(0.1)


def _drop_cached_players() -> None:
    """The runbook's clean-up before going back to STATE_STORE=redis."""
    client = sync_redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="player:*", count=500):
        client.unlink(key)
    client.delete("players:dirty")


def _place(base_url: str, token: str, x: int) -> None:
    types = httpx.get(f"{base_url}/generator_types").json()["types"]
    body = {"generator_type_id": types[0]["id"], "x_position": x, "world_position": 0}
    headers = {"Authorization": f"Bearer {token}", "Origin": ORIGIN}
    response = httpx.post(f"{base_url}/progress", json=body, headers=headers)
    assert response.status_code == 200, response.text


def _positions(base_url: str, token: str) -> list[int]:
    progress: dict[str, Any] = httpx.get(
        f"{base_url}/progress", headers={"Authorization": f"Bearer {token}"}
    ).json()
    return sorted(g["x_position"] for g in progress["generators"])


def test_switching_state_stores_and_back_keeps_every_change(test_environment: dict[str, str]) -> None:
    username = f"sw{uuid.uuid4().hex[:10]}"
    grant = [sys.executable, "-m", "tycoon", "grant-money", username, "100"]
    with background(test_environment), api_server(test_environment, "redis-mode") as redis_mode:
        token = httpx.post(
            f"{redis_mode}/signup", json={"username": username, "password": "password1"}
        ).json()["access_token"]
        subprocess.run(grant, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
        _place(redis_mode, token, 10)
        _wait_until_flushed()  # step 1: nothing waits to be written
    postgres_env = {**test_environment, "STATE_STORE": "postgres"}
    with api_server(postgres_env, "postgres-mode") as postgres_mode:  # step 2
        assert _positions(postgres_mode, token) == [10]
        _place(postgres_mode, token, 20)
    _drop_cached_players()  # back to redis: drop the stale hashes, then start in redis mode
    with background(test_environment), api_server(test_environment, "redis-again") as redis_again:
        assert _positions(redis_again, token) == [10, 20]
        rebuild = [sys.executable, "-m", "tycoon", "rebuild-rankings"]
        subprocess.run(rebuild, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
        rank = httpx.get(f"{redis_again}/rank", headers={"Authorization": f"Bearer {token}"}).json()
        assert rank["rank"] is not None
