"""The overload step: three times the measured capacity for a minute, then the load drops back.

One Locust process cannot offer that many requests on this machine (and its CPU would starve the server), so
the load is split: a sample of Locust players runs the full scenario and gives exact latencies of served and
refused requests, and a wrk crowd of cheap players (one connection each, a GET of the client's mix about once
a second) brings the total to 3 x capacity. When wrk stops, the Locust players stay at a normal load and
their latencies, read every half second, show how long the server takes to be back to normal.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import procs
from latency import FAILED, OUTCOMES, REJECTED, read_snapshots
from loadgen import LocustRun, parse_wrk, start_overload_wrk
from measure import Probe, Sample, row

RAMP_SECONDS = 5.0
RECOVERY_WATCH_SECONDS = 10.0
SERVER_MEMORY_GROUPS = ("api", "worker", "scheduler", "redis", "postgres")
# gunicorn's words for a worker that did not end by itself (max-requests recycling says "Autorestarting")
ABNORMAL_EXIT = re.compile(
    r"WORKER TIMEOUT|was sent SIGKILL|exited with code|Worker failed to boot|out of memory", re.I
)
MIB = 2**20


def run(bench: Any, locust: LocustRun, capacity_players: int) -> dict[str, Any]:
    total = 3 * capacity_players
    sample_players = max(1, min(capacity_players // 2, 1000))
    crowd = total - sample_players
    tokens = write_tokens(bench.accounts.load(), bench.options.workdir / "tokens.txt")
    locust.swarm(sample_players, bench.options.spawn_rate)
    locust.wait_spawned(sample_players, timeout=60)
    time.sleep(bench.options.settle)
    probe: Probe = bench.probe(locust.histogram_dir, [locust.service])
    before = probe.sample()
    api_pids = procs.pids(probe.groups["api"])
    api_log = next(s.log for s in bench.game if s.name == "api")
    log_offset = api_log.stat().st_size
    seconds = bench.options.overload_seconds
    wrk = start_overload_wrk(bench.launcher, bench.url(), crowd, RAMP_SECONDS + seconds, tokens)
    time.sleep(RAMP_SECONDS)
    start = probe.sample()
    peak_memory = watch_memory(probe, start.at + seconds)
    end = probe.sample()
    wrk.process.wait(timeout=30)
    dropped_at = time.time()
    recovery = watch_recovery(locust.histogram_dir, dropped_at)
    after = probe.sample()
    players = row("overload (Locust sample)", sample_players, start, end)
    crowd_result = parse_wrk(wrk.log.read_text())
    return {
        "capacity_players": capacity_players,
        "total_players": total,
        "locust_players": sample_players,
        "wrk_players": crowd,
        "seconds": seconds,
        "locust": players.to_json(),
        "wrk": {**crowd_result.__dict__, "rate": crowd_result.rate},
        "offered_rate": players.rate + crowd_result.rate,
        "memory_mib": {
            "before": server_memory(before) / MIB, "peak": peak_memory / MIB, "after": server_memory(after) / MIB,
        },
        "processes_alive": all(s.alive() for s in [*bench.core, *bench.game]),
        "api_workers_replaced": len(api_pids - procs.pids(probe.groups["api"])),
        "abnormal_exits": ABNORMAL_EXIT.findall(api_log.read_text()[log_offset:]),
        "recovery": recovery,
    }  # fmt: skip


def write_tokens(accounts: list[dict[str, str]], path: Path) -> Path:
    path.write_text("".join(f"{account['access_token']}\n" for account in accounts))
    return path


def server_memory(sample: Sample) -> int:
    return sum(sample.memory.get(group, 0) for group in SERVER_MEMORY_GROUPS)


def watch_memory(probe: Probe, until: float) -> int:
    peak = 0
    while time.time() < until:
        stats = procs.all_stats()
        groups = (probe.groups.get(g, []) for g in SERVER_MEMORY_GROUPS)
        peak = max(peak, sum(procs.memory_bytes(pids, stats) for pids in groups))
        time.sleep(min(2.0, max(0.0, until - time.time())))
    return peak


def watch_recovery(histogram_dir: Path, dropped_at: float) -> dict[str, Any]:
    """Half-second intervals after the drop. Back to normal at the end of the last bad interval (p99 over
    100 ms, or any refused or failed request) before a run of good intervals lasting 2 s; one later blip on a
    shared machine does not undo the recovery, and shows in the intervals."""
    intervals = []
    previous = read_snapshots(histogram_dir, dropped_at)
    while time.time() < dropped_at + RECOVERY_WATCH_SECONDS:
        time.sleep(0.5)
        now = time.time()
        current = read_snapshots(histogram_dir, now)
        window = current.minus(previous)
        latency = window.histogram(OUTCOMES)
        bad = window.count(REJECTED) + window.count(FAILED)
        intervals.append({"t": round(now - dropped_at, 2), "requests": latency.total, "refused_or_failed": bad,
                          "p99_ms": latency.percentile(0.99)})  # fmt: skip
        previous = current
    return {"seconds": recovered_after(intervals), "intervals": intervals}


def recovered_after(intervals: list[dict[str, Any]], run: int = 4) -> float | None:
    good = [i["refused_or_failed"] == 0 and i["p99_ms"] <= 100 for i in intervals]
    for start in range(len(good) - run + 1):
        if all(good[start : start + run]):
            return float(intervals[start - 1]["t"]) if start > 0 else 0.0
    return None
