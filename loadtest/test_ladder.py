"""The benchmark's ladder: up until a step fails; down when its first step fails, so that it reports a capacity.

cd backend && uv run python -m pytest ../loadtest -q
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from bench import Bench, Options
from measure import Row


def row(players: int, passes: bool) -> Row:
    return Row(
        label="test", players=players, seconds=10.0, requests=10 * players, ok=10 * players, rejected=0,
        failed=0, p50_ms=5.0, p95_ms=20.0, p99_ms=50.0 if passes else 150.0, served_p99_ms=50.0,
        server_cpu_seconds=1.0, cpu_cores={}, other_cores=0.0, pg_statements=0, pg_transactions=0,
        redis_commands=0, top_redis_commands={},
    )  # fmt: skip


def bench_passing_up_to(
    tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[Bench, list[int]]:
    """A bench whose steps pass up to `limit` players, recording the steps it runs; nothing is started."""
    bench = Bench(Options(workdir=tmp_path))
    ran: list[int] = []

    def step(locust: Any, label: str, players: int, more: Any) -> Row:
        ran.append(players)
        return row(players, players <= limit)

    monkeypatch.setattr(bench, "start_locust", lambda *args, **kwargs: SimpleNamespace(service=None))
    monkeypatch.setattr(bench.launcher, "stop", lambda service: None)
    monkeypatch.setattr(bench, "save", lambda: None)
    monkeypatch.setattr(bench, "step_watched", step)
    return bench, ran


def test_steps_up_until_a_step_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench, ran = bench_passing_up_to(tmp_path, 1000, monkeypatch)
    best = bench.ladder("redis, 0 ms", bench.options.steps)
    assert ran == [250, 500, 750, 1000, 1250]
    assert best is not None
    assert best.players == 1000


def test_a_ladder_that_fails_its_first_step_steps_down_until_one_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench, ran = bench_passing_up_to(tmp_path, 250, monkeypatch)
    best = bench.ladder("two instances", [750, 1000, 1250])
    assert ran == [750, 500, 250]
    assert best is not None
    assert best.players == 250
    saved = bench.results["modes"]["two instances"]
    assert [(r["players"], r["passed"]) for r in saved] == [(250, True), (500, False), (750, False)]


def test_nothing_below_the_lowest_rung(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench, ran = bench_passing_up_to(tmp_path, 100, monkeypatch)
    assert bench.ladder("postgres, 0 ms", bench.options.steps) is None
    assert ran == [250]
