"""`tycoon worker` and `tycoon scheduler` run below the API's CPU priority."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

import pytest

from tycoon import cli


@pytest.mark.parametrize(
    ("run", "args", "expected"),
    [
        (cli.run_worker, argparse.Namespace(workers=2), "worker"),
        (cli.run_scheduler, argparse.Namespace(), "scheduler"),
    ],
)
def test_background_processes_lower_their_priority_before_they_start(
    monkeypatch: pytest.MonkeyPatch,
    run: Callable[[argparse.Namespace], object],
    args: argparse.Namespace,
    expected: str,
) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(os, "nice", lambda increment: calls.append(("nice", increment)))
    monkeypatch.setattr(cli, "_exec", lambda argv: calls.append(("exec", argv)))
    run(args)
    assert calls[0] == ("nice", cli.BACKGROUND_NICENESS)
    assert calls[1][0] == "exec"
    assert expected in calls[1][1]
