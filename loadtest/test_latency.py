"""Histograms add and subtract exactly, so windows over several processes give exact percentiles.

cd backend && uv run python -m pytest ../loadtest -q
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from latency import (
    FAILED,
    OK,
    REJECTED,
    Histogram,
    Recording,
    Slot,
    bucket_of,
    next_slot,
    read_snapshots,
    write_snapshot,
)


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


def test_a_prompt_answer_waits_for_the_next_slot() -> None:
    assert next_slot(10.0, 10.2, 1.0) == Slot(11.0, 0.0, ())


def test_a_late_answer_sends_the_next_request_at_once_and_counts_from_its_slot() -> None:
    slot = next_slot(10.0, 11.25, 1.0)
    assert (slot.due, slot.late_by, slot.missed) == (11.0, 0.25, ())


def test_slots_that_passed_while_waiting_are_given_up_and_reported() -> None:
    slot = next_slot(10.0, 13.5, 1.0)  # slots at 11 and 12 passed entirely; 13 leaves 0.5 s late
    assert (slot.due, slot.late_by, slot.missed) == (13.0, 0.5, (2.5, 1.5))
