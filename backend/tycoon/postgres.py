"""PostgreSQL engine and the per-request session (commit or rollback at the boundary)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tycoon.config import Settings, asyncpg_url

# A stalled PostgreSQL (Neon waking up is a few seconds) or a connection that died silently: without these a
# request waited 30 s for a pooled connection, 60 s to connect, or forever for an answer, holding its slot.
CONNECT_TIMEOUT_SECONDS = 10
POOL_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT_SECONDS = 15  # the API's and the worker's statements; operator commands may run longer


def create_engine(
    settings: Settings, statement_timeout: float | None = STATEMENT_TIMEOUT_SECONDS
) -> AsyncEngine:
    url, connect_args = asyncpg_url(settings.database_url)
    return create_async_engine(
        url,
        connect_args={
            **connect_args,
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "command_timeout": statement_timeout,
        },
        pool_timeout=POOL_TIMEOUT_SECONDS,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        pool_recycle=300,  # Neon closes idle connections; recycle before it does
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


DbSession = Annotated[AsyncSession, Depends(get_db_session)]
