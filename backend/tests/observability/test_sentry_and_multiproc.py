"""Sentry starts only with a DSN and without personal data; exited workers' metric files are folded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector

from tycoon.config import Settings
from tycoon.observability import multiproc
from tycoon.observability.sentry import init_sentry

BACKEND = Path(__file__).resolve().parents[2]

# In a child process: the SDK patches Starlette globally, which must not leak into the other tests.
SENTRY_CHECK = """
import sentry_sdk
from tycoon.config import Settings
from tycoon.observability.sentry import init_sentry
assert init_sentry(Settings(sentry_dsn="http://public@127.0.0.1:9/1", environment="production",
                            secret_key="not-the-default-" * 3))
options = sentry_sdk.get_client().options
print(options["environment"], options["send_default_pii"], options["traces_sample_rate"])
sent = []
sentry_sdk.get_client().transport.capture_envelope = lambda envelope: sent.append(envelope.serialize())
from tycoon.auth.endpoints import Credentials
def login(body):
    settings = Settings(database_url="postgresql://tycoon:db-password@db/tycoon", secret_key="the-secret-key",
                        metrics_token="the-metrics-token", sentry_dsn="http://public@127.0.0.1:9/1")
    raise RuntimeError("storage down")
try:
    login(Credentials(username="someone", password="a-players-password"))
except RuntimeError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=2)
report = b"".join(sent)
print(len(sent), b"storage down" in report,
      [secret for secret in (b"db-password", b"the-secret-key", b"the-metrics-token", b"a-players-password")
       if secret in report])
sentry_sdk.get_client().close(timeout=0)
"""


def test_sentry_stays_off_without_a_dsn() -> None:
    assert init_sentry(Settings(sentry_dsn=None)) is False


def test_sentry_reports_the_environment_and_no_personal_data_or_secrets() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SENTRY_CHECK], cwd=BACKEND, capture_output=True, text=True, check=True
    )
    assert run.stdout.splitlines() == ["production False 0.01", "1 True []"], run.stderr


def write_counter(path: Path, handler: str, count: float) -> None:
    values = MmapedDict(str(path))  # type: ignore[no-untyped-call]
    key = mmap_key("requests", "requests_total", ["handler"], [handler], "requests")
    values.write_value(key, count, 0.0)  # type: ignore[no-untyped-call]
    values.close()  # type: ignore[no-untyped-call]


def totals(directory: Path) -> dict[str, float]:
    collector = MultiProcessCollector(None, path=str(directory))  # type: ignore[no-untyped-call]
    return {
        sample.labels["handler"]: sample.value
        for metric in collector.collect()  # type: ignore[no-untyped-call]
        for sample in metric.samples
    }


def test_an_exited_workers_counts_move_into_the_archive(tmp_path: Path) -> None:
    write_counter(tmp_path / "counter_101.db", "/a", 3)
    write_counter(tmp_path / "counter_102.db", "/a", 4)
    (tmp_path / "gauge_mostrecent_101.db").write_bytes(b"")
    multiproc.fold_exited_worker(str(tmp_path), 101)
    write_counter(tmp_path / "counter_103.db", "/b", 1)
    multiproc.fold_exited_worker(str(tmp_path), 103)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["counter_102.db", "counter_archive.db"]
    assert totals(tmp_path) == {"/a": 7, "/b": 1}


def test_wipe_leaves_an_empty_directory(tmp_path: Path) -> None:
    write_counter(tmp_path / "counter_7.db", "/a", 1)
    multiproc.wipe(str(tmp_path / "metrics"))
    multiproc.wipe(str(tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == ["metrics"]


# In a child process: a background process (worker, scheduler) starts Sentry as the API does, and a job's error
# logged by taskiq reaches it as an event.
BACKGROUND_SENTRY_CHECK = """
import logging, sentry_sdk
from tycoon.config import Settings
from tycoon.jobs.broker import observe
observe(Settings(sentry_dsn="http://public@127.0.0.1:9/1", environment="production",
                 secret_key="not-the-default-" * 3, log_json=True))
sent = []
sentry_sdk.get_client().transport.capture_envelope = sent.append
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("taskiq.receiver.receiver").exception("Exception found while executing function")
sentry_sdk.flush(timeout=2)
print(len(sent))
sentry_sdk.get_client().close(timeout=0)
"""


def test_background_processes_send_their_errors_to_sentry() -> None:
    run = subprocess.run(
        [sys.executable, "-c", BACKGROUND_SENTRY_CHECK],
        cwd=BACKEND,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split()[-1] == "1", run.stdout + run.stderr
