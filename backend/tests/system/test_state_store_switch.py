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


def _tycoon(environment: dict[str, str], *command: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "tycoon", *command],
        cwd=BACKEND,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def _wait_until_flushed(environment: dict[str, str], timeout: float = 30.0) -> None:
    """The runbook's step 1, with its command."""
    deadline = time.monotonic() + timeout
    while not _tycoon(environment, "write-behind-backlog").strip().endswith(": 0"):
        assert time.monotonic() < deadline, "the worker did not flush the dirty players"
        time.sleep(0.2)


def _place(base_url: str, token: str, x: int) -> None:
    types = httpx.get(f"{base_url}/generator_types").json()["types"]
    headers = {"Authorization": f"Bearer {token}", "Origin": ORIGIN}
    user_id = httpx.get(f"{base_url}/progress", headers=headers).json()["user_id"]
    body = {"user_id": user_id, "generator_type_id": types[0]["id"], "x_position": x, "world_position": 0}
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
        signed_up = httpx.post(f"{redis_mode}/signup", json={"username": username, "password": "password1"})
        token, cached = signed_up.json()["access_token"], f"player:{signed_up.json()['user']['user_id']}"
        subprocess.run(grant, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
        _place(redis_mode, token, 10)
        _wait_until_flushed(test_environment)  # step 1: nothing waits to be written
    postgres_env = {**test_environment, "STATE_STORE": "postgres"}
    with api_server(postgres_env, "postgres-mode") as postgres_mode:  # step 2
        assert _positions(postgres_mode, token) == [10]
        _place(postgres_mode, token, 20)
    # back to redis: drop the stale copies (refused in redis mode), then start in redis mode
    refused = subprocess.run(
        [sys.executable, "-m", "tycoon", "drop-player-cache"],
        cwd=BACKEND,
        env=test_environment,
        capture_output=True,
    )
    assert refused.returncode != 0
    assert sync_redis.Redis.from_url(REDIS_URL).exists(cached)
    assert "dropped from Redis: " in _tycoon(postgres_env, "drop-player-cache")
    assert not sync_redis.Redis.from_url(REDIS_URL).exists(cached)
    with background(test_environment), api_server(test_environment, "redis-again") as redis_again:
        assert _positions(redis_again, token) == [10, 20]
        rebuild = [sys.executable, "-m", "tycoon", "rebuild-rankings"]
        subprocess.run(rebuild, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
        rank = httpx.get(f"{redis_again}/rank", headers={"Authorization": f"Bearer {token}"}).json()
        assert rank["rank"] is not None
