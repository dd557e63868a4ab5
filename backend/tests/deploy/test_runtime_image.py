"""The image's runtime, built here the way the Dockerfile builds it: the build context that .dockerignore lets
through, `uv sync --frozen --no-dev` into a fresh venv, then `tycoon migrate`, `tycoon seed` and `tycoon api`
with the image's environment (production, $PORT). The API must answer /healthz, /readyz and /metrics, and
stop cleanly on SIGTERM as the platform stops it. Then every migration goes down to the base and up again (the
runbook's rollback step B)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from .conftest import BACKEND, REPO, run, uv_binary
from .test_dockerignore import build_context

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BACKEND / "tycoon" / "app.py").exists(), reason="tycoon/app.py (create_app) does not exist yet"
    ),
]

DATABASE = "tycoon_deploy"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/5"
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_build_context(app_dir: Path) -> None:
    """COPY backend/ ./ — of what .dockerignore lets through."""
    for path in build_context():
        target = app_dir / Path(path).relative_to("backend")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, target)


def fresh_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}"):
        assert run(["psql", ADMIN_URL, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]).returncode == 0


def image_environment(app_dir: Path, tmp_path: Path, port: int) -> dict[str, str]:
    """What the Dockerfile's ENV and the platform give the container, and nothing from this test run."""
    return {
        "PATH": f"{app_dir / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(app_dir),
        "TMPDIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "ENVIRONMENT": "production",
        "PORT": str(port),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "FRONTEND_ORIGINS": "https://energy-tycoon.example",
        "WEB_CONCURRENCY": "2",
    }


def wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> httpx.Response:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`tycoon api` exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"no 200 from {url} within {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app_dir = tmp_path_factory.mktemp("image") / "app"
    copy_build_context(app_dir)
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(app_dir / ".venv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "VIRTUAL_ENV": "",
    }
    synced = subprocess.run(
        [_uv(), "sync", "--frozen", "--no-dev"],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert synced.returncode == 0, synced.stderr[-3000:]
    return app_dir


def tycoon(image: Path, env: dict[str, str], *arguments: str) -> None:
    done = subprocess.run(
        ["tycoon", *arguments], cwd=image, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"tycoon {' '.join(arguments)}: {done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def environment(image: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return image_environment(image, tmp_path_factory.mktemp("api"), free_port())


@pytest.fixture(scope="module")
def api(image: Path, environment: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    env = environment
    fresh_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    tycoon(image, env, "migrate")
    tycoon(image, env, "seed")
    log = Path(env["TMPDIR"]) / "api.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["tycoon", "api"], cwd=image, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_for(f"{base}/healthz", server, log)
        yield base, server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)


def test_the_runtime_has_no_development_tools(image: Path) -> None:
    python = str(image / ".venv" / "bin" / "python")
    for module in ("pytest", "mypy", "ruff", "hypothesis"):
        probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True, check=False)
        assert probe.returncode != 0, f"{module} is in the runtime environment"
    assert (image / ".venv" / "bin" / "tycoon").exists()


def test_the_api_is_alive_ready_and_measured(api: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = api
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"postgres": "ok", "migrations": "ok", "redis": "ok"}
    assert httpx.get(f"{base}/generator_types").status_code == 200
    scraped = httpx.get(f"{base}/metrics", timeout=10).text
    assert 'tycoon_dependency_up{dependency="postgres"} 1.0' in scraped
    assert 'http_requests_total{handler="/generator_types",method="GET",status="200"}' in scraped
    assert httpx.get(f"{base}/healthz").headers["x-request-id"]


def test_sigterm_stops_the_api_cleanly(api: tuple[str, subprocess.Popen[bytes]]) -> None:
    _, server = api
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=40) == 0


def test_every_migration_goes_down_to_base_and_up_again(
    image: Path, environment: dict[str, str], api: tuple[str, subprocess.Popen[bytes]]
) -> None:
    _, server = api
    if server.poll() is None:  # the schema goes away under it: stop it first
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
    tycoon(image, environment, "migrate", "base", "--downgrade")
    tycoon(image, environment, "migrate")


def _uv() -> str:
    found = uv_binary()
    if found is None:
        pytest.skip("uv is not installed")
    return found
