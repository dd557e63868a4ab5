"""Histograms add and subtract exactly, so windows over several processes give exact percentiles.

cd backend && uv run python -m pytest ../loadtest -q
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from latency import FAILED, OK, REJECTED, Histogram, Recording, bucket_of, read_snapshots, write_snapshot


def test_buckets_keep_a_tenth_of_a_millisecond_below_100_ms_and_three_digits_above() -> None:
    assert bucket_of(0.04) == 0
    assert bucket_of(12.34) == 123
    assert bucket_of(99.99) == 999
    assert bucket_of(123.4) == 1230
    assert bucket_of(4567.8) == 45600


def test_percentiles() -> None:
    hist = Histogram()
    for ms in range(1, 101):
        hist.add(ms)
    assert hist.percentile(0.5) == 50
    assert hist.percentile(0.99) == 99
    assert hist.percentile(1.0) == 100
    assert math.isnan(Histogram().percentile(0.99))


def test_a_window_is_the_difference_of_two_snapshots() -> None:
    early, late = Recording(), Recording()
    for recording in (early, late):
        recording.record("GET /progress", OK, 5, "200")
    late.record("GET /progress", OK, 80, "200")
    late.record("GET /rank", REJECTED, 1, "503")
    window = late.minus(early)
    assert window.count(OK) == 1
    assert window.count(REJECTED) == 1
    assert window.histogram([OK]).percentile(0.99) == 80
    assert window.statuses[("GET /rank", "503")] == 1


def test_snapshots_of_several_processes_merge(tmp_path: Path) -> None:
    first = Recording()
    first.record("GET /progress", OK, 3, "200")
    write_snapshot(tmp_path, first)
    (tmp_path / "other.json").write_text((tmp_path / next(tmp_path.iterdir()).name).read_text())
    merged = read_snapshots(tmp_path, not_before=0)
    assert merged.count(OK) == 2
    assert merged.count(FAILED) == 0


def test_a_process_that_stopped_writing_is_not_waited_for(tmp_path: Path) -> None:
    write_snapshot(tmp_path, Recording())
    started = time.monotonic()
    read_snapshots(tmp_path, not_before=time.time() + 10, timeout=3)
    assert time.monotonic() - started < 0.5
