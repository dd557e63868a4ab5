"""Metrics measured outside the API (worker, scheduler) reach the API's /metrics through Redis.

On cloudtype the worker and the scheduler run in containers of their own, so they cannot share the API's
PROMETHEUS_MULTIPROC_DIR. Instead:
* a gauge measured there is sent with `report_gauges` (one HSET); every API process sets its own copy of the
  gauge from Redis just before it answers a scrape (multiprocess mode `mostrecent` picks that value);
* `report_heartbeat` stamps "this role is alive" and adds this process's new counter increments to totals
  in Redis, exposed as `tycoon_background_<name>_total` (monotonic across restarts of the worker; a counter
  without labels from the first heartbeat on, at 0);
* a value older than `stale_after_seconds` is exposed as NaN rather than frozen at its last reading.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping

import orjson
from prometheus_client import Counter, Gauge
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from redis.asyncio import Redis

KEY_PREFIX = "tycoon:metrics"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class BackgroundMetrics:
    def __init__(
        self,
        gauges: Mapping[str, Gauge],
        counters: Mapping[str, Counter],
        key_prefix: str = KEY_PREFIX,
        stale_after_seconds: float = 120.0,
    ) -> None:
        self._gauges = dict(gauges)
        self._gauge_keys = {gauge: key for key, gauge in gauges.items()}
        self._counters = dict(counters)
        self._gauges_key = f"{key_prefix}:gauges"
        self._heartbeats_key = f"{key_prefix}:heartbeats"
        self._counters_key = f"{key_prefix}:counters"
        self._stale_after = stale_after_seconds
        self._reported_counts: dict[str, float] = {}  # in a background process: what Redis already has
        self._heartbeats: dict[str, float] = {}  # in the API: last refresh
        self._counter_totals: dict[str, float] = {}  # in the API: last refresh

    # --- in the worker and the scheduler -------------------------------------------------------------
    async def report_gauges(self, redis: Redis, values: Mapping[Gauge, float]) -> None:
        now = time.time()
        fields: dict[str, bytes] = {}
        for gauge, value in values.items():
            gauge.set(value)
            fields[self._gauge_keys[gauge]] = orjson.dumps([value, now])
        if fields:
            await redis.hset(self._gauges_key, mapping=fields)  # type: ignore[arg-type]

    async def report_heartbeat(self, redis: Redis, role: str) -> None:
        counts = self._local_counts()
        increments = {field: count - self._reported_counts.get(field, 0.0) for field, count in counts.items()}
        async with redis.pipeline(transaction=False) as pipe:
            pipe.hset(self._heartbeats_key, role, time.time())
            for field, increment in increments.items():
                if increment > 0:
                    pipe.hincrbyfloat(self._counters_key, field, increment)
                elif field not in self._reported_counts:
                    # A counter still at 0 (one without labels): its series exists from the start, at 0, so that
                    # increase() and rate() see its first increment (a series born at 3 shows no increase).
                    pipe.hsetnx(self._counters_key, field, 0)
            await pipe.execute()
        self._reported_counts = counts

    def _local_counts(self) -> dict[str, float]:
        counts: dict[str, float] = {}
        for key, counter in self._counters.items():
            for metric in counter.collect():
                for sample in metric.samples:
                    if sample.name.endswith("_total"):
                        counts[orjson.dumps([key, sample.labels]).decode()] = sample.value
        return counts

    # --- in the API, before each scrape ---------------------------------------------------------------
    async def refresh(self, redis: Redis) -> None:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._gauges_key)
            pipe.hgetall(self._heartbeats_key)
            pipe.hgetall(self._counters_key)
            gauges, heartbeats, counters = await pipe.execute()
        self._apply_gauges(gauges, time.time())
        self._heartbeats = {_text(role): float(stamp) for role, stamp in heartbeats.items()}
        self._counter_totals = {_text(field): float(total) for field, total in counters.items()}

    def _apply_gauges(self, reported: Mapping[bytes | str, bytes | str], now: float) -> None:
        for key, raw in reported.items():
            gauge = self._gauges.get(_text(key))
            if gauge is None:
                continue
            value, measured_at = orjson.loads(raw)
            gauge.set(value if now - measured_at <= self._stale_after else math.nan)

    def collect(self) -> Iterable[Metric]:
        """prometheus_client's Collector protocol: register this object in the registry that is exposed."""
        yield self._heartbeat_family()
        yield from self._counter_families()

    def _heartbeat_family(self) -> Metric:
        family = GaugeMetricFamily(
            "tycoon_background_last_seen_timestamp_seconds",
            "Unix time of the last heartbeat of each background role (worker, scheduler)",
            labels=["role"],
        )
        for role, stamp in sorted(self._heartbeats.items()):
            family.add_metric([role], stamp)
        return family

    def _counter_families(self) -> Iterator[Metric]:
        by_key: dict[str, list[tuple[dict[str, str], float]]] = {key: [] for key in self._counters}
        for field, total in self._counter_totals.items():
            key, labels = orjson.loads(field)
            if key in by_key:
                by_key[key].append((labels, total))
        for key, samples in by_key.items():
            (described,) = self._counters[key].describe()
            label_names = sorted(samples[0][0]) if samples else []
            family = CounterMetricFamily(
                f"tycoon_background_{key}",
                f"{described.documentation} (counted in the worker and scheduler processes)",
                labels=label_names,
            )
            for labels, total in samples:
                family.add_metric([labels[name] for name in label_names], total)
            yield family
