"""Latency histograms that can be added and subtracted, shared by the Locust scenario and the benchmark.

Each load-generating process keeps cumulative counts and writes them to a JSON file twice a second; the
benchmark reads every file at the start and at the end of a measurement window and subtracts, which gives exact
percentiles for any window over any number of processes (Locust's own percentiles cannot be merged or windowed).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson

# Outcomes of a request, as the benchmark judges them.
OK = "ok"  # 2xx, or a 400 where the game may say no (not enough money or energy, no free slot)
REJECTED = "rejected"  # 429 or 503 with Retry-After: the server shed load on purpose
FAILED = "failed"  # anything else: 5xx, timeouts, connection errors, unexpected 4xx
OUTCOMES = (OK, REJECTED, FAILED)


def bucket_of(ms: float) -> int:
    """Tenths of a millisecond, kept to three significant digits (0.1 ms resolution below 100 ms)."""
    tenths = max(0, int(ms * 10))
    if tenths < 1000:
        return tenths
    step = int(10 ** (len(str(tenths)) - 3))
    return tenths - tenths % step


@dataclass
class Histogram:
    counts: Counter[int] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, ms: float) -> None:
        self.counts[bucket_of(ms)] += 1

    def percentile(self, fraction: float) -> float:
        """The smallest latency (ms) at or below which `fraction` of the requests lie; nan when empty."""
        total = self.total
        if total == 0:
            return float("nan")
        rank = fraction * total
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                return bucket / 10
        return max(self.counts) / 10

    def merged(self, other: Histogram) -> Histogram:
        return Histogram(self.counts + other.counts)

    def minus(self, earlier: Histogram) -> Histogram:
        return Histogram(
            Counter({b: n - earlier.counts[b] for b, n in self.counts.items() if n > earlier.counts[b]})
        )

    def to_json(self) -> dict[int, int]:
        return dict(self.counts)  # JSON writes the keys as strings; from_json reads them back

    @classmethod
    def from_json(cls, data: Mapping[str, int]) -> Histogram:
        return cls(Counter({int(b): n for b, n in data.items()}))


@dataclass
class Recording:
    """Latency per (route, outcome), plus status and refusal counts per route."""

    latency: dict[tuple[str, str], Histogram] = field(default_factory=dict)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (route, status or error name)
    refusals: Counter[tuple[str, str]] = field(default_factory=Counter)  # (route, detail of an expected 400)

    def record(self, route: str, outcome: str, ms: float, status: str) -> None:
        self.latency.setdefault((route, outcome), Histogram()).add(ms)
        self.statuses[(route, status)] += 1

    def histogram(self, outcomes: Iterable[str] = OUTCOMES, route: str | None = None) -> Histogram:
        merged = Histogram()
        for (name, outcome), hist in self.latency.items():
            if outcome in outcomes and route in (None, name):
                merged = merged.merged(hist)
        return merged

    def count(self, outcome: str) -> int:
        return self.histogram([outcome]).total

    def routes(self) -> list[str]:
        return sorted({name for name, _ in self.latency})

    def merged(self, other: Recording) -> Recording:
        latency = dict(self.latency)
        for key, hist in other.latency.items():
            latency[key] = latency[key].merged(hist) if key in latency else hist
        return Recording(latency, self.statuses + other.statuses, self.refusals + other.refusals)

    def minus(self, earlier: Recording) -> Recording:
        latency = {
            key: hist.minus(earlier.latency.get(key, Histogram())) for key, hist in self.latency.items()
        }
        return Recording(
            latency, _minus(self.statuses, earlier.statuses), _minus(self.refusals, earlier.refusals)
        )

    def to_json(self) -> dict[str, object]:
        return {
            "latency": [[r, o, h.to_json()] for (r, o), h in self.latency.items()],
            "statuses": [[r, s, n] for (r, s), n in self.statuses.items()],
            "refusals": [[r, d, n] for (r, d), n in self.refusals.items()],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, list[list[object]]]) -> Recording:
        latency = {(str(r), str(o)): Histogram.from_json(h) for r, o, h in data["latency"]}  # type: ignore[arg-type]
        statuses = Counter({(str(r), str(s)): int(n) for r, s, n in data["statuses"]})  # type: ignore[call-overload]
        refusals = Counter({(str(r), str(d)): int(n) for r, d, n in data["refusals"]})  # type: ignore[call-overload]
        return cls(latency, statuses, refusals)


def _minus(later: Counter[tuple[str, str]], earlier: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    return Counter({key: n - earlier[key] for key, n in later.items() if n > earlier[key]})


# Snapshot files -------------------------------------------------------------------------------------------------
def write_snapshot(directory: Path, recording: Recording) -> None:
    path = directory / f"{os.getpid()}.json"
    temporary = path.with_suffix(".tmp")
    # orjson: the load generator shares the server's cores, and this runs every 0.5 s on a growing recording
    snapshot = {"time": time.time(), "recording": recording.to_json()}
    temporary.write_bytes(orjson.dumps(snapshot, option=orjson.OPT_NON_STR_KEYS))
    os.replace(temporary, path)


def read_snapshots(directory: Path, not_before: float, timeout: float = 3.0) -> Recording:
    """Merge every process's snapshot, waiting (up to `timeout`) until each was written after `not_before`."""
    deadline = time.monotonic() + timeout
    while True:
        snapshots = [_load(path) for path in sorted(directory.glob("*.json"))]
        # a file not rewritten for 5 s belongs to a process that has ended: do not wait for it
        fresh = all(when >= not_before or when < not_before - 5 for when, _ in snapshots)
        if fresh or time.monotonic() > deadline:
            merged = Recording()
            for _, recording in snapshots:
                merged = merged.merged(recording)
            return merged
        time.sleep(0.05)


def _load(path: Path) -> tuple[float, Recording]:
    for _ in range(20):  # os.replace is atomic, but the file may vanish between glob and read
        try:
            data = json.loads(path.read_text())
            return float(data["time"]), Recording.from_json(data["recording"])
        except (FileNotFoundError, json.JSONDecodeError):
            time.sleep(0.01)
    return 0.0, Recording()


@dataclass(frozen=True)
class Slot:
    """A paced player's next request: when it is due, how late it leaves, and the slots given up before it."""

    due: float
    late_by: float  # seconds after `due` that it leaves (its latency counts from `due`)
    missed: tuple[
        float, ...
    ]  # for each slot that passed entirely while an answer was awaited: how late it was


def next_slot(previous: float, now: float, period: float) -> Slot:
    """The slot after `previous` on a fixed schedule (open loop), at time `now`."""
    due = previous + period
    missed = []
    while now - due >= period:
        missed.append(now - due)
        due += period
    return Slot(due, max(0.0, now - due), tuple(missed))
