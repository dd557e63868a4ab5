"""Real server, worker and scheduler processes for the tests that need more than one process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BACKEND = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _spawn(argv: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"tycoon-test-{log_name}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(argv, cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_healthy(base_url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base_url} did not become healthy")


@contextmanager
def api_server(env: dict[str, str], name: str) -> Iterator[str]:
    """One uvicorn process of the app; yields its base URL."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", "tycoon.app:create_app", "--port", str(port)]
    argv.append("--no-proxy-headers")  # as `tycoon api`: only the app decides whom to trust (TRUSTED_PROXIES)
    process = _spawn(argv, env, f"api-{name}")
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url)
        yield base_url
    finally:
        _stop(process)


@contextmanager
def background(env: dict[str, str]) -> Iterator[None]:
    """The job worker and the one scheduler, as `make run` starts them."""
    worker = _spawn([sys.executable, "-m", "tycoon", "worker"], env, "worker")
    scheduler = _spawn([sys.executable, "-m", "tycoon", "scheduler"], env, "scheduler")
    try:
        yield
    finally:
        _stop(scheduler)
        _stop(worker)
