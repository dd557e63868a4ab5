"""Schemathesis against the OpenAPI schema of a real server process: no input may produce a 5xx, and every answer
is one the document describes (status, content type, headers, body, `Allow` of a 405), and every request the schema
excludes is refused.

Left out: positive_data_acceptance, because a schema-valid request the game refuses (not enough money, a position
taken) is the original API's 400, which that check counts as a rejected valid request. Output sanitization is off:
with it on, schemathesis 4.32 masks a field named `key` and then reports the masked value as schema-violating."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND, ORIGIN
from tests.system.processes import api_server

pytestmark = pytest.mark.slow
TIME_BUDGET_SECONDS = 60


def test_no_generated_request_gets_a_server_error(test_environment: dict[str, str]) -> None:
    env = {
        **test_environment,
        "RATE_LIMIT_PLAYER_PER_SECOND": "100000",  # fuzz the logic, not the limiter
        # a list longer than the schema allows is refused by its schema (422), not by the body's size (413)
        "MAX_BODY_BYTES": str(16 * 2**20),
    }
    with api_server(env, "schemathesis") as base_url:
        username = f"fuzz{uuid.uuid4().hex[:10]}"
        signup = httpx.post(f"{base_url}/signup", json={"username": username, "password": "password1"})
        token = signup.json()["access_token"]
        command = [
            str(Path(sys.executable).with_name("schemathesis")), "run", f"{base_url}/openapi.json",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance", "--output-sanitize", "false",
            "--header", f"Authorization: Bearer {token}",
            "--header", f"Origin: {ORIGIN}",
            "--exclude-path", "/delete_account", "--exclude-path", "/logout",  # would end the session
            "--exclude-path", "/refresh/access", "--exclude-path", "/refresh/refresh",
            "--max-examples", "25", "--max-time", str(TIME_BUDGET_SECONDS),
            "--seed", "20261126", "--request-timeout", "10",
        ]  # fmt: skip
        result = subprocess.run(command, cwd=BACKEND, env=test_environment, capture_output=True, text=True)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
