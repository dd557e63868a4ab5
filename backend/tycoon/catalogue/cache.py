"""The catalogue cached in every process, kept fresh through a version number in Redis.

Each process polls `catalogue:version` twice a second (one tiny GET, off the request path) and reloads when it
changed — from Redis (`catalogue:doc:{version}`, written by the first process to need it) or else from
PostgreSQL — so an admin edit is visible everywhere within a second while requests never wait for the
catalogue. The serialised GET /generator_types body and its ETag are computed once per version; the ETag is
the body's hash alone, so an edit that was undone (or a process that catches up late) keeps clients' copies valid.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import orjson
import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.catalogue import repository
from tycoon.catalogue.schemas import generator_types_body
from tycoon.observability.metrics import CATALOGUE_CACHE_HIT, CATALOGUE_CACHE_MISS
from tycoon.redis import Redis
from tycoon.rules.catalogue import Catalogue

VERSION_KEY = "catalogue:version"
DOC_KEY = "catalogue:doc"
DOC_TTL_SECONDS = 24 * 3600
POLL_SECONDS = 0.5
FAILURE_LOG_SECONDS = 60.0  # a run of failed refreshes: one line a minute after the first
log = structlog.get_logger()


class CatalogueCache:
    def __init__(self, catalogue: Catalogue) -> None:
        self._set(catalogue)

    def _set(self, catalogue: Catalogue) -> None:
        self.current = catalogue
        self.body = orjson.dumps(generator_types_body(catalogue))
        self.etag = f'"{hashlib.sha256(self.body).hexdigest()[:24]}"'

    @classmethod
    async def load(cls, engine: AsyncEngine, redis: Redis) -> CatalogueCache:
        try:
            catalogue = await _fetch(engine, redis, await redis.get(VERSION_KEY))
            await redis.set(VERSION_KEY, catalogue.version, nx=True)
        except RedisError:
            # Redis down at start: run (the hot path answers 503, /readyz says why) rather than fail to boot and
            # restart in a loop; the poller publishes the version once Redis is back.
            log.warning("catalogue_loaded_without_redis", exc_info=True)
            catalogue = await repository.load(engine)
        return cls(catalogue)

    async def refresh(self, engine: AsyncEngine, redis: Redis) -> None:
        version = await redis.get(VERSION_KEY)
        if version is not None and int(version) == self.current.version:
            return
        catalogue = await _fetch(engine, redis, version)
        if version is None:  # Redis lost it (restart): republish what PostgreSQL says
            await redis.set(VERSION_KEY, catalogue.version, nx=True)
        if catalogue.version != self.current.version:
            self._set(catalogue)

    async def poll_forever(self, engine: AsyncEngine, redis: Redis, interval: float = POLL_SECONDS) -> None:
        """Twice a second while the process runs. A failing refresh (Redis or PostgreSQL down) must not end the
        poller, nor write a traceback twice a second per worker: the first failure of a run is logged with its
        traceback, the following ones once a minute with their count, and the recovery."""
        failures, logged_at = 0, 0.0
        task = asyncio.current_task()
        while True:
            if task is not None and task.cancelling():
                # Cancelled during a refresh, and a library swallowed it: Python 3.11's asyncio.wait_for, which
                # redis-py wraps each command's send in, returns the result when the command ends as the cancel
                # arrives. Sleeping on would hold the process's shutdown forever.
                raise asyncio.CancelledError
            await asyncio.sleep(interval)
            try:
                await self.refresh(engine, redis)
            except Exception as error:
                failures += 1
                if failures == 1 or time.monotonic() - logged_at >= FAILURE_LOG_SECONDS:
                    first = failures == 1
                    log.warning(
                        "catalogue_refresh_failed", failures=failures, error=repr(error), exc_info=first
                    )
                    logged_at = time.monotonic()
                continue
            if failures:
                log.info("catalogue_refresh_recovered", failures=failures)
                failures = 0


# Only ever raises the version: two edits committed close together may publish in either order.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
"""


async def publish_version(redis: Redis, version: int) -> None:
    await redis.eval(_RAISE, 1, VERSION_KEY, version)


async def _fetch(engine: AsyncEngine, redis: Redis, version: bytes | str | None) -> Catalogue:
    """The catalogue of `version` from Redis, else from PostgreSQL (then shared through Redis)."""
    if version is not None and (cached := await redis.get(f"{DOC_KEY}:{int(version)}")) is not None:
        CATALOGUE_CACHE_HIT.inc()
        return repository.from_document(int(version), cached)
    CATALOGUE_CACHE_MISS.inc()
    catalogue = await repository.load(engine)
    await redis.set(f"{DOC_KEY}:{catalogue.version}", repository.to_document(catalogue), ex=DOC_TTL_SECONDS)
    return catalogue
