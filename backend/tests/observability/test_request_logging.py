"""One JSON line per request with the fields the runbook relies on; the request id comes back in a header."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import httpx
import orjson
import pytest
from fastapi import FastAPI

from tests.observability.conftest import build_app
from tycoon.app import create_app
from tycoon.config import Settings
from tycoon.observability.middleware import RequestContextMiddleware

pytestmark = pytest.mark.usefixtures("fresh_request_logger")


def json_lines(captured: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in captured.splitlines() if line.startswith("{")]


def request_lines(captured: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(captured) if line.get("event") == "request"]


async def test_a_request_logs_one_line_with_its_fields(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/items/7")
    (line,) = request_lines(capfd.readouterr().out)
    assert response.status_code == 200
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["method"] == "GET"
    assert line["route"] == "/items/{item_id}"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["player_id"] == 42
    assert line["client_ip"] == "127.0.0.1"
    assert line["level"] == "info"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", line["timestamp"])


async def test_lines_logged_during_the_request_carry_its_id(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/items/8")
    lines = json_lines(capfd.readouterr().out)
    inside = next(line for line in lines if line["event"] == "inside handler")
    library = next(line for line in lines if line["event"] == "library says hello")
    assert inside["request_id"] == library["request_id"] == response.headers["x-request-id"]
    assert library["logger"] == "some.library"
    assert library["level"] == "warning"


async def test_unmatched_and_failing_requests_are_logged(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    await client.get("/no/such/path")
    failed = await client.get("/boom")
    missing, boom = request_lines(capfd.readouterr().out)
    assert (missing["route"], missing["status"], missing["player_id"]) == ("unmatched", 404, None)
    assert failed.status_code == 500
    assert (boom["route"], boom["status"], boom["level"]) == ("/boom", 500, "error")


def test_a_library_error_logs_its_traceback_as_text(capfd: pytest.CaptureFixture[str]) -> None:
    try:
        raise ConnectionRefusedError("nobody listens")
    except ConnectionRefusedError:
        logging.getLogger("some.library").exception("could not connect")
    (line,) = [line for line in json_lines(capfd.readouterr().out) if line["event"] == "could not connect"]
    assert "Traceback (most recent call last)" in line["exception"]
    assert "ConnectionRefusedError: nobody listens" in line["exception"]


async def test_health_checks_and_scrapes_are_not_logged(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    assert (await client.get("/healthz")).headers["x-request-id"]
    await client.get("/metrics")
    assert request_lines(capfd.readouterr().out) == []


@pytest.fixture
async def quiet_reads_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """LOG_EVERY_REQUEST=false: successful reads faster than `slow_read_ms` get no line."""
    app = build_app(settings, every_request=False, slow_read_ms=10_000)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://testserver"
    ) as client:
        yield client


async def test_successful_fast_reads_are_not_logged_unless_every_request_is(
    quiet_reads_client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    response = await quiet_reads_client.get("/items/7")
    assert response.status_code == 200
    assert response.headers["x-request-id"]  # the id still comes back, for a report
    assert request_lines(capfd.readouterr().out) == []


async def test_writes_errors_and_slow_reads_are_always_logged(
    quiet_reads_client: httpx.AsyncClient, settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    await quiet_reads_client.post("/items/7")
    await quiet_reads_client.get("/no/such/path")
    await quiet_reads_client.get("/boom")
    await quiet_reads_client.get("/limited")
    lines = request_lines(capfd.readouterr().out)
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("POST", "/items/{item_id}", 200),
        ("GET", "unmatched", 404),
        ("GET", "/boom", 500),
        ("GET", "/limited", 429),
    ]
    slow_app = build_app(settings, every_request=False, slow_read_ms=0)  # every read is "slow"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=slow_app), base_url="http://t") as client:
        await client.get("/items/7")
    (slow,) = request_lines(capfd.readouterr().out)
    assert (slow["route"], slow["status"]) == ("/items/{item_id}", 200)


def test_the_game_server_logs_every_request_unless_told_otherwise(settings: Settings) -> None:
    def request_log_of(app: FastAPI) -> dict[str, Any]:
        (layer,) = [
            layer for layer in app.user_middleware if cast(object, layer.cls) is RequestContextMiddleware
        ]
        return dict(layer.kwargs)

    assert request_log_of(create_app(settings)) == {"every_request": True}  # issue 5: a line per request
    quiet = settings.model_copy(update={"log_every_request": False})
    assert request_log_of(create_app(quiet)) == {"every_request": False}


async def test_a_sane_incoming_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "netlify-01HZX3.abc:1"})
    assert response.headers["x-request-id"] == "netlify-01HZX3.abc:1"


@pytest.mark.parametrize("incoming", ["short", "x" * 129, "has space inside", 'quote"inside-id'])
async def test_an_odd_incoming_request_id_is_replaced(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{24}", response.headers["x-request-id"])


async def test_generated_request_ids_differ(client: httpx.AsyncClient) -> None:
    ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize("role", ["worker", "scheduler"])
def test_the_background_processes_log_json_lines(
    test_environment: dict[str, str], role: str, tmp_path: Path
) -> None:
    # DEBUG so that a few lines come within seconds; at INFO the per-job lines of taskiq are off
    env = {**test_environment, "LOG_LEVEL": "DEBUG", "LOG_JSON": "true"}
    log = tmp_path / f"{role}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tycoon", role],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the worker forks: stop the whole group
        )
        _wait_for_lines(log, started=time.monotonic())
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines, f"{role} wrote nothing"
    for line in lines:
        assert line.startswith("{"), line
        entry = json.loads(line)  # every line, taskiq's and redis-py's included
        assert {"event", "level", "timestamp"} <= set(entry)


def _wait_for_lines(log: Path, started: float, settle: float = 5.0, deadline: float = 60.0) -> None:
    """Until `settle` seconds of output have come after the first line (a loaded machine starts the process
    slowly), or `deadline` seconds have passed."""
    first: float | None = None
    while time.monotonic() - started < deadline:
        if first is None and log.stat().st_size:
            first = time.monotonic()
        if first is not None and time.monotonic() - first >= settle:
            return
        time.sleep(0.1)
