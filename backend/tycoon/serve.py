"""How `tycoon api` starts: gunicorn with uvicorn workers; the same line in the image, locally, in tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from tycoon.config import Settings

APP = "tycoon.app:create_app()"
DEFAULT_PORT = 8000
DEFAULT_HOST = "0.0.0.0"  # in a container every interface is the container's; `make run` binds 127.0.0.1
# Platforms send SIGTERM and wait ~30 s before SIGKILL: in-flight requests get 25 s to finish.
GRACEFUL_TIMEOUT_SECONDS = 25
# Longer than the proxies' idle timeout (60 s), so a proxy never reuses a connection we are closing.
KEEPALIVE_SECONDS = 75
# A worker is replaced after this many requests (against slow leaks); the jitter spreads replacements. Rarely:
# a worker reaching the limit closes the connections it accepted but had not read yet (measured in
# tests/observability/test_gunicorn_metrics.py); a proxy retries those GETs, a POST may get a 502.
MAX_REQUESTS = 1_000_000
MAX_REQUESTS_JITTER = 200_000


def gunicorn_argv(port: int, workers: int, app: str = APP, host: str = DEFAULT_HOST) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", app, "--config", "python:tycoon.gunicorn_conf"]
    argv += ["--worker-class", "tycoon.worker_class.TycoonWorker", "--workers", str(workers)]
    argv += ["--bind", f"{host}:{port}", "--keep-alive", str(KEEPALIVE_SECONDS)]
    argv += ["--graceful-timeout", str(GRACEFUL_TIMEOUT_SECONDS), "--timeout", "60"]
    argv += ["--max-requests", str(MAX_REQUESTS), "--max-requests-jitter", str(MAX_REQUESTS_JITTER)]
    argv += ["--no-control-socket"]  # its default path is per user, not per server: servers would share it
    if Path("/dev/shm").is_dir():
        argv += ["--worker-tmp-dir", "/dev/shm"]  # worker heartbeats in memory, not on a container's disk
    return argv


def port_from_environment() -> int:
    return int(os.environ.get("PORT", DEFAULT_PORT))


def metrics_dir(settings: Settings, port: int) -> str:
    """One directory per server (port): two local servers must not share metric files."""
    return settings.prometheus_multiproc_dir or os.path.join(tempfile.gettempdir(), f"tycoon-metrics-{port}")


def exec_api(settings: Settings, port: int | None = None) -> NoReturn:
    """Become gunicorn. PROMETHEUS_MULTIPROC_DIR is set first: workers read it when importing metrics."""
    port = port_from_environment() if port is None else port
    directory = metrics_dir(settings, port)
    os.makedirs(directory, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    argv = gunicorn_argv(port, settings.web_concurrency, host=os.environ.get("HOST") or DEFAULT_HOST)
    os.execv(argv[0], argv)
