"""Counters sampled at the start and the end of a measurement window, and the row computed from the two.

Per window: latencies and outcomes from the players' histograms, CPU seconds per process group from /proc,
PostgreSQL statements from pg_stat_statements (transactions from pg_stat_database as a second figure) and
Redis commands from INFO commandstats, all read from the benchmark's private PostgreSQL and Redis.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import procs
import redis
from latency import FAILED, OK, OUTCOMES, REJECTED, Recording, read_snapshots
from services import psql

# Groups whose CPU time is the server's; everything else (load generators, delay proxy) is reported apart.
SERVER_GROUPS = ("api", "worker", "scheduler", "redis", "postgres", "nginx")
PG_COUNTERS = """
select (select coalesce(sum(calls), 0) from pg_stat_statements where query not ilike '%pg_stat%'),
       (select coalesce(sum(xact_commit + xact_rollback), 0) from pg_stat_database where datname = '{db}')
"""


@dataclass
class Sample:
    at: float
    cpu: dict[str, float]
    memory: dict[str, int]  # PSS bytes per group
    redis_calls: dict[str, int]
    pg_statements: int
    pg_transactions: int
    recording: Recording
    machine_busy: float  # CPU seconds of every process on the machine


@dataclass
class Probe:
    """What to sample: process groups (name -> root pids), the private Redis and PostgreSQL, the histograms."""

    groups: dict[str, list[int]]
    redis_port: int
    pg_port: int
    database: str
    histogram_dir: Path | None = None

    def sample(self) -> Sample:
        at = time.time()
        stats = procs.all_stats()
        cpu = {name: procs.cpu_seconds(pids, stats) for name, pids in self.groups.items()}
        memory = {name: procs.memory_bytes(pids, stats) for name, pids in self.groups.items()}
        statements, transactions = self._pg_counters()
        recording = read_snapshots(self.histogram_dir, at) if self.histogram_dir else Recording()
        redis_calls = self._redis_calls()
        return Sample(
            at, cpu, memory, redis_calls, statements, transactions, recording, procs.machine_busy_seconds()
        )

    def reset_slow_commands(self) -> None:
        redis.Redis(port=self.redis_port).slowlog_reset()

    def slow_commands(self, top: int = 5) -> dict[str, Any]:
        """Redis commands slower than 2 ms since the reset (services.start_redis sets the threshold): Redis is
        single-threaded, so each of them held every other client back for that long."""
        entries = redis.Redis(port=self.redis_port).slowlog_get(1000)
        slowest = sorted(entries, key=lambda e: -int(e["duration"]))[:top]
        return {
            "count": len(entries),
            "total_ms": sum(int(e["duration"]) for e in entries) / 1000,
            "slowest": [[int(e["duration"]) / 1000, _command_text(e["command"])] for e in slowest],
        }

    def _redis_calls(self) -> dict[str, int]:
        info = redis.Redis(port=self.redis_port, db=0).info("commandstats")
        return {name.removeprefix("cmdstat_"): int(stat["calls"]) for name, stat in info.items()}

    def _pg_counters(self) -> tuple[int, int]:
        text = psql(self.pg_port, self.database, PG_COUNTERS.format(db=self.database))
        statements, transactions = (int(x) for x in text.split("|")) if "|" in text else (0, 0)
        return statements, transactions


@dataclass
class Row:
    label: str
    players: int
    seconds: float
    requests: int
    ok: int
    rejected: int
    failed: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    served_p99_ms: float
    server_cpu_seconds: float
    cpu_cores: dict[str, float]
    other_cores: (
        float  # CPU used meanwhile by processes the benchmark did not start (other work on the machine)
    )
    pg_statements: int
    pg_transactions: int
    redis_commands: int
    top_redis_commands: dict[str, int]
    routes: dict[str, dict[str, float]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    slow_redis: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_rate(self) -> float:
        return (self.rejected + self.failed) / self.requests if self.requests else 1.0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_seconds / self.requests if self.requests else math.nan

    @property
    def pg_per_request(self) -> float:
        return self.pg_statements / self.requests if self.requests else math.nan

    @property
    def redis_per_request(self) -> float:
        return self.redis_commands / self.requests if self.requests else math.nan

    def passed(self, p99_ms: float = 100.0, max_error_rate: float = 0.001) -> bool:
        return self.requests > 0 and self.p99_ms <= p99_ms and self.error_rate <= max_error_rate

    def to_json(self) -> dict[str, Any]:
        derived = ("rate", "error_rate", "cpu_ms_per_request", "pg_per_request", "redis_per_request")
        return {**asdict(self), **{name: getattr(self, name) for name in derived}, "passed": self.passed()}


def row(
    label: str, players: int, start: Sample, end: Sample, server_groups: Sequence[str] = SERVER_GROUPS
) -> Row:
    recording = end.recording.minus(start.recording)
    everything = recording.histogram(OUTCOMES)
    redis_calls = {k: end.redis_calls.get(k, 0) - start.redis_calls.get(k, 0) for k in end.redis_calls}
    redis_calls.pop("info", None)  # the benchmark's own sampling
    seconds = end.at - start.at
    cpu = {name: end.cpu[name] - start.cpu.get(name, 0.0) for name in end.cpu}
    return Row(
        label=label,
        players=players,
        seconds=seconds,
        requests=everything.total,
        ok=recording.count(OK),
        rejected=recording.count(REJECTED),
        failed=recording.count(FAILED),
        p50_ms=everything.percentile(0.50),
        p95_ms=everything.percentile(0.95),
        p99_ms=everything.percentile(0.99),
        served_p99_ms=recording.histogram([OK]).percentile(0.99),
        server_cpu_seconds=sum(cpu.get(name, 0.0) for name in server_groups),
        cpu_cores={name: used / seconds for name, used in cpu.items()},
        other_cores=(end.machine_busy - start.machine_busy - sum(cpu.values())) / seconds,
        pg_statements=end.pg_statements - start.pg_statements,
        pg_transactions=end.pg_transactions - start.pg_transactions,
        redis_commands=sum(n for n in redis_calls.values() if n > 0),
        top_redis_commands=dict(sorted(redis_calls.items(), key=lambda kv: -kv[1])[:6]),
        routes=_routes(recording),
        statuses={f"{r} {s}": n for (r, s), n in sorted(recording.statuses.items())},
        refusals={
            f"{r}: {d}": n for (r, d), n in sorted(recording.refusals.items(), key=lambda kv: -kv[1])[:10]
        },
    )


def _command_text(command: bytes | str) -> str:
    text = command.decode(errors="replace") if isinstance(command, bytes) else str(command)
    return text[:120]


def _routes(recording: Recording) -> dict[str, dict[str, float]]:
    table = {}
    for route in recording.routes():
        hist = recording.histogram(OUTCOMES, route)
        if hist.total == 0:
            continue
        table[route] = {"count": hist.total, "p50_ms": hist.percentile(0.5), "p99_ms": hist.percentile(0.99)}
    return table
