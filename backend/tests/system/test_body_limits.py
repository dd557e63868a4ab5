"""The body guard in a real server: clients that announce a body and never send it hold no overload slot, and
a body above the limit is refused before it is read."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ORIGIN
from tests.system.processes import api_server

pytestmark = pytest.mark.slow
SLOTS = 2
TIMEOUT = 1.5


@pytest.fixture(scope="module")
def server(test_environment: dict[str, str]) -> Iterator[str]:
    env = {
        **test_environment,
        "MAX_INFLIGHT_PER_WORKER": str(SLOTS),
        "MAX_WAITING_PER_WORKER": "0",
        "BODY_TIMEOUT_SECONDS": str(TIMEOUT),
        "MAX_BODY_BYTES": "10000",
    }
    with api_server(env, "bodies") as base_url:
        yield base_url


def _announce_body(base_url: str) -> socket.socket:
    """A connection that sends a POST's headers, announcing 100 bytes of body, and then nothing."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(4096):
        answer += chunk
    return answer


def test_stalled_bodies_hold_no_slot_and_get_408(server: str) -> None:
    stalled = [_announce_body(server) for _ in range(SLOTS * 3)]
    try:
        time.sleep(0.3)  # all of them waiting for their bodies
        for _ in range(SLOTS * 2):
            assert httpx.get(f"{server}/", timeout=5).status_code == 200  # 503 if they held the slots
        started = time.monotonic()
        for sock in stalled:
            sock.settimeout(TIMEOUT + 5)
            answer = _read_until_closed(sock)  # the head and the body may come in separate segments
            assert answer.startswith(b"HTTP/1.1 408"), answer
            assert b"Request body not received in time" in answer
            assert sock.recv(4096) == b""  # and the connection is closed
        assert time.monotonic() - started < TIMEOUT + 2
        assert 'tycoon_body_rejected_total{status="408"}' in httpx.get(f"{server}/metrics").text
    finally:
        for sock in stalled:
            sock.close()


def test_a_body_above_the_limit_is_413_and_one_below_is_served(server: str) -> None:
    big = {"username": "x" * 20_000, "password": "password1"}
    refused = httpx.post(f"{server}/signup", json=big, headers={"Origin": ORIGIN})
    assert refused.status_code == 413
    assert refused.json() == {"detail": "Request body too large"}
    assert refused.headers["access-control-allow-origin"] == ORIGIN
    small = httpx.post(f"{server}/signup", json={"username": "x" * 100, "password": "password1"})
    assert small.status_code == 400  # read and judged by the app (a username of 100 characters is too long)
    assert 'tycoon_body_rejected_total{status="413"}' in httpx.get(f"{server}/metrics").text


def test_a_streamed_body_growing_past_the_limit_is_413(server: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 1000

    response = httpx.post(f"{server}/signup", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
