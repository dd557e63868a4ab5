"""Worker and scheduler values travel through Redis to the API's scrape (own metrics, own keys, Redis db 5)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from redis.asyncio import Redis

from tycoon.health import probe as probe_module
from tycoon.observability.background import BackgroundMetrics

from .conftest import REDIS_URL

BACKEND = Path(__file__).resolve().parents[2]


class Pair:
    """The same metrics as seen by a background process and by an API process."""

    def __init__(self, prefix: str) -> None:
        registry = CollectorRegistry()
        self.lag = Gauge("lag_seconds", "lag", registry=registry)
        self.errors = Counter("errors", "storage errors", ["backend"], registry=registry)
        self.refused = Counter("refused", "copies refused", registry=registry)
        counters = {"errors": self.errors, "refused": self.refused}
        self.worker = BackgroundMetrics({"lag_seconds": self.lag}, counters, key_prefix=prefix)
        self.api = BackgroundMetrics({"lag_seconds": self.lag}, counters, key_prefix=prefix)

    def lag_value(self) -> float:
        (metric,) = self.lag.collect()
        return float(metric.samples[0].value)

    def exposed(self) -> str:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self.api)
        return generate_latest(registry).decode()


@pytest.fixture
def prefix() -> str:
    return f"tycoon:test-metrics:{uuid.uuid4().hex}"


@pytest.fixture
async def pair(redis: Redis, prefix: str) -> AsyncIterator[Pair]:
    yield Pair(prefix)
    await redis.delete(*[f"{prefix}:{part}" for part in ("gauges", "heartbeats", "counters")])


async def test_a_reported_gauge_is_set_on_refresh(pair: Pair, redis: Redis) -> None:
    await pair.worker.report_gauges(redis, {pair.lag: 0.75})
    pair.lag.set(0)
    await pair.api.refresh(redis)
    assert pair.lag_value() == 0.75


async def test_a_stale_gauge_becomes_nan(pair: Pair, redis: Redis, prefix: str) -> None:
    measured_long_ago = orjson.dumps([5.0, 1.0])
    await redis.hset(f"{prefix}:gauges", "lag_seconds", measured_long_ago)
    await pair.api.refresh(redis)
    assert math.isnan(pair.lag_value())


async def test_counters_add_only_new_increments(pair: Pair, redis: Redis) -> None:
    pair.errors.labels(backend="postgres").inc(2)
    await pair.worker.report_heartbeat(redis, "worker")
    pair.errors.labels(backend="postgres").inc(3)
    await pair.worker.report_heartbeat(redis, "worker")
    await pair.worker.report_heartbeat(redis, "worker")
    await pair.api.refresh(redis)
    assert 'background_errors_total{backend="postgres"} 5.0' in pair.exposed().replace("tycoon_", "")


async def test_a_counter_without_labels_is_exposed_at_0_before_its_first_increment(
    pair: Pair, redis: Redis, prefix: str
) -> None:
    """An alert on `increase(...) > 0` sees no increase across a series that appears at its first value."""
    await pair.worker.report_heartbeat(redis, "worker")
    await pair.api.refresh(redis)
    assert "tycoon_background_refused_total 0.0" in pair.exposed()
    pair.refused.inc()
    await pair.worker.report_heartbeat(redis, "worker")
    await Pair(prefix).worker.report_heartbeat(
        redis, "worker"
    )  # a restarted worker: its counter is at 0 again
    await pair.api.refresh(redis)
    assert "tycoon_background_refused_total 1.0" in pair.exposed()


async def test_heartbeats_are_exposed_per_role(pair: Pair, redis: Redis) -> None:
    await pair.worker.report_heartbeat(redis, "worker")
    await pair.worker.report_heartbeat(redis, "scheduler")
    await pair.api.refresh(redis)
    text = pair.exposed()
    assert 'tycoon_background_last_seen_timestamp_seconds{role="worker"}' in text
    assert 'tycoon_background_last_seen_timestamp_seconds{role="scheduler"}' in text


async def test_the_worker_health_check_reads_the_heartbeat(redis: Redis) -> None:
    from tycoon.observability.metrics import report_heartbeat

    await report_heartbeat(redis, "scheduler")
    env = {**os.environ, "REDIS_URL": REDIS_URL}

    def probe(role: str) -> int:
        command = [sys.executable, "-m", "tycoon.health.probe", role]
        return subprocess.run(command, cwd=BACKEND, env=env, check=False).returncode

    assert probe("scheduler") == 0
    assert probe("nobody-sends-this-role") == 1


@pytest.mark.parametrize(
    ("command_line", "role"),
    [
        (["/app/.venv/bin/python", "-m", "gunicorn", "tycoon.app:create_app()", "--workers", "2"], "api"),
        (["python", "-m", "taskiq", "worker", "tycoon.jobs.broker:broker", "tycoon.jobs.tasks"], "worker"),
        (
            ["python", "-m", "taskiq", "scheduler", "tycoon.jobs.broker:scheduler", "tycoon.jobs.tasks"],
            "worker",  # the worker runs its jobs: its heartbeat shows both alive
        ),
        ([], "api"),
    ],
)
def test_the_image_health_check_checks_the_role_it_runs(command_line: list[str], role: str) -> None:
    assert probe_module.role_of(command_line) == role
