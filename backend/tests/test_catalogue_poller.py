"""The catalogue poller outlives failures, and logs a run of them without a traceback twice a second."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
import structlog
from redis.exceptions import RedisError
from structlog.testing import LogCapture

from tycoon.catalogue import cache as cache_module
from tycoon.catalogue.cache import CatalogueCache


async def test_a_run_of_failed_refreshes_is_logged_at_its_start_and_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outcomes: list[Exception | None] = [RedisError("down")] * 5 + [None, RedisError("down again")]
    calls, done = 0, asyncio.Event()

    async def refresh(*_: object) -> None:
        nonlocal calls
        outcome = outcomes[calls]
        calls += 1
        if calls == len(outcomes):
            done.set()
        if outcome is not None:
            raise outcome

    poller = object.__new__(CatalogueCache)  # only its loop is under test
    monkeypatch.setattr(poller, "refresh", refresh)
    capture = LogCapture()  # every level, whatever the configuration other tests left
    debug = structlog.make_filtering_bound_logger(logging.DEBUG)
    logger = structlog.wrap_logger(structlog.PrintLogger(), processors=[capture], wrapper_class=debug)
    monkeypatch.setattr(cache_module, "log", logger)
    task = asyncio.create_task(poller.poll_forever(None, None, interval=0))  # type: ignore[arg-type]
    await asyncio.wait_for(done.wait(), 5)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    logs = capture.entries
    assert [(line["event"], line["failures"]) for line in logs] == [
        ("catalogue_refresh_failed", 1),
        ("catalogue_refresh_recovered", 5),
        ("catalogue_refresh_failed", 1),
    ]
    assert logs[0]["exc_info"] is True
