"""Several gunicorn workers, replaced after a few requests: /metrics still counts every request once,
the metrics directory does not grow with each replacement, and a previous run's files are wiped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from tycoon.serve import gunicorn_argv

BACKEND = Path(__file__).resolve().parents[2]
REQUESTS = 100
MAX_REQUESTS = 25

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def leave_stale_counter(directory: Path) -> None:
    """A counter file as a previous run would have left it."""
    stale = MmapedDict(str(directory / "counter_99999.db"))  # type: ignore[no-untyped-call]
    key = mmap_key("http_requests", "http_requests_total", ["handler"], ["/stale"], "stale")
    stale.write_value(key, 7.0, 0.0)  # type: ignore[no-untyped-call]
    stale.close()  # type: ignore[no-untyped-call]


def wait_until_healthy(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited during start"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz in time")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    leave_stale_counter(metrics_dir)
    port = free_port()
    argv = gunicorn_argv(port, workers=2, app="tests.observability.served_app:create_app()")
    # the jitter keeps both workers from being replaced at once (no worker left while the new ones boot)
    argv += ["--max-requests", str(MAX_REQUESTS), "--max-requests-jitter", str(MAX_REQUESTS // 2)]
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "LOG_LEVEL": "WARNING"}
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(argv, cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process)
        yield base, metrics_dir
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)
        log.close()


def get_retrying(client: httpx.Client, path: str) -> httpx.Response:
    """A worker that reaches --max-requests closes the connections it accepted but has not read yet: those
    requests never reach the app (so are not counted), and clients retry them, as this does."""
    for _ in range(4):
        try:
            return client.get(path)
        except (httpx.RemoteProtocolError, httpx.ReadError):
            continue
    return client.get(path)


def requests_counted(base: str, handler: str) -> float:
    with httpx.Client(base_url=base, timeout=30) as client:  # its GET may meet a worker being replaced too
        text = get_retrying(client, "/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "http_requests_total" and sample.labels.get("handler") == handler
    )


def test_every_request_is_counted_once_across_workers_and_replacements(server: tuple[str, Path]) -> None:
    base, metrics_dir = server
    with httpx.Client(base_url=base, timeout=30) as client:
        for number in range(REQUESTS):
            assert get_retrying(client, f"/items/{number}").status_code == 200
    archive = metrics_dir / "counter_archive.db"
    deadline = time.monotonic() + 30  # a replaced worker's files are folded once the master has reaped it
    while not archive.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert requests_counted(base, "/items/{item_id}") == REQUESTS
    assert requests_counted(base, "/stale") == 0
    counter_files = sorted(path.name for path in metrics_dir.glob("counter_*.db"))
    assert "counter_archive.db" in counter_files
    assert len(counter_files) <= 4, counter_files  # the archive, two live workers, maybe one being reaped


def test_the_container_health_check_passes(server: tuple[str, Path]) -> None:
    base, _ = server
    port = base.rsplit(":", 1)[1]
    probe = ["python", "-m", "tycoon.health.probe", "api"]
    # Docker's HEALTHCHECK tries 3 times: one probe may meet a worker that reached --max-requests (get_retrying)
    live = {**os.environ, "PORT": port}
    assert any(subprocess.run(probe, cwd=BACKEND, env=live, check=False).returncode == 0 for _ in range(3))
    closed = {**os.environ, "PORT": str(free_port())}
    assert subprocess.run(probe, cwd=BACKEND, env=closed, check=False).returncode == 1


def test_every_line_gunicorn_writes_is_json(tmp_path: Path) -> None:
    """From its first ("Starting gunicorn", before its on_starting hook) to its last."""
    port = free_port()
    argv = gunicorn_argv(port, workers=1, app="tests.observability.served_app:create_app()")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "LOG_LEVEL": "INFO", "LOG_JSON": "true"}
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", process)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=40)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    events = [orjson.loads(line)["event"] for line in lines]  # each line parses
    assert any(event.startswith("Starting gunicorn") for event in events)
