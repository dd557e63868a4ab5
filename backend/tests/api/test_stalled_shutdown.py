"""A process stops within seconds while PostgreSQL is stalled (connections open, nothing answered).

Closing the pool waits for the server to hang up each connection: without a bound the API's shutdown waited
until gunicorn killed it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from asgi_lifespan import LifespanManager
from sqlalchemy import text
from taskiq import TaskiqEvents, TaskiqState
from taskiq.utils import maybe_awaitable

from tests.conftest import TEST_DB, make_settings
from tycoon.app import create_app
from tycoon.config import Settings
from tycoon.jobs.broker import broker
from tycoon.postgres import create_engine
from tycoon.redis import create_redis
from tycoon.shutdown import CLOSE_SECONDS

POSTGRES = ("127.0.0.1", 5432)


class StallingProxy:
    """Forwards TCP to PostgreSQL until `stall()`; from then on it passes nothing and closes nothing."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.running.set()
        self.sockets: list[asyncio.StreamWriter] = []

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            await self.running.wait()
            writer.write(data)
            await writer.drain()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*POSTGRES)
        self.sockets += [client_writer, server_writer]
        with contextlib.suppress(ConnectionError):
            await asyncio.gather(
                self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
            )

    def stall(self) -> None:
        self.running.clear()

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[int]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            for writer in self.sockets:
                writer.transport.abort()
            server.close()


def through(port: int) -> Settings:
    return make_settings(database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{TEST_DB}")


async def test_the_api_stops_within_seconds_while_postgresql_is_stalled() -> None:
    proxy = StallingProxy()
    async with proxy.listening() as port:
        app = create_app(through(port))
        lifespan = LifespanManager(app, shutdown_timeout=60)
        await lifespan.__aenter__()
        async with app.state.engine.connect() as connection:  # a pooled connection for the close to wait on
            await connection.execute(text("SELECT 1"))
        proxy.stall()
        # a bound, not a speed: without one the close waits until the proxy goes away
        await asyncio.wait_for(lifespan.__aexit__(None, None, None), timeout=CLOSE_SECONDS + 10)


async def test_the_job_worker_stops_within_seconds_while_postgresql_is_stalled() -> None:
    proxy = StallingProxy()
    async with proxy.listening() as port:
        settings = through(port)
        state = TaskiqState()
        state.redis, state.engine = create_redis(settings), create_engine(settings)
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        proxy.stall()
        # what the worker's broker.shutdown() runs
        for handler in broker.event_handlers[TaskiqEvents.WORKER_SHUTDOWN]:
            await asyncio.wait_for(maybe_awaitable(handler(state)), timeout=CLOSE_SECONDS + 10)
