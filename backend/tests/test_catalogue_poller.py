"""The catalogue poller outlives failures, and logs a run of them without a traceback twice a second."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from types import SimpleNamespace

import pytest
import structlog
from redis.exceptions import RedisError
from structlog.testing import LogCapture

from tests.conftest import make_settings
from tycoon.catalogue import cache as cache_module
from tycoon.catalogue.cache import CatalogueCache
from tycoon.redis import create_redis


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


async def test_the_poller_stops_when_cancelled_during_a_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """redis-py's commands swallow a cancel that arrives as they end (Python 3.11's asyncio.wait_for). Before the
    poller checked for that, an API's shutdown could wait for it forever (3 of 16 lifespans in a loop of
    test_address_limit.py's fixture; a CI run once timed out in that teardown)."""
    key = f"test:catalogue:version:{uuid.uuid4()}"  # the running apps of other tests poll the real key
    monkeypatch.setattr(cache_module, "VERSION_KEY", key)
    redis = create_redis(make_settings())
    await redis.set(key, 7, ex=60)
    poller = object.__new__(
        CatalogueCache
    )  # only its loop is under test: every refresh is one GET of the version
    poller.current = SimpleNamespace(version=7)  # type: ignore[assignment]
    try:
        for _ in range(40):  # without the check, 17-21 of the 40 swallowed the cancel (three runs)
            task = asyncio.create_task(poller.poll_forever(None, redis, interval=0))  # type: ignore[arg-type]
            await asyncio.sleep(random.uniform(0.001, 0.005))
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=2)
            assert done, "the poller outlived its cancel"
            assert task.cancelled()
    finally:
        await redis.aclose()
