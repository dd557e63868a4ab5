"""Builds the process-wide game objects from settings; used by the API lifespan, the worker and the CLI."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.catalogue.cache import CatalogueCache
from tycoon.config import Settings, StateStoreKind
from tycoon.game.service import Game
from tycoon.players.postgres_store import PostgresPlayerStore
from tycoon.players.redis_store import RedisPlayerStore
from tycoon.players.store import PlayerStore, Presence
from tycoon.ratelimit.limits import Limits
from tycoon.redis import Redis


def presence_of(settings: Settings) -> Presence:
    play_window_ms = settings.presence_window_seconds * 1000
    return Presence(
        play_window_ms=play_window_ms,
        offline_cap_ms=settings.offline_cap_seconds * 1000,
    )


def player_store(settings: Settings, redis: Redis, engine: AsyncEngine) -> PlayerStore:
    presence, limits = presence_of(settings), Limits.from_settings(settings)
    if settings.state_store is StateStoreKind.postgres:
        return PostgresPlayerStore(redis, engine, presence, limits)
    return RedisPlayerStore(redis, engine, presence, limits)


async def build_game(settings: Settings, redis: Redis, engine: AsyncEngine) -> Game:
    catalogue = await CatalogueCache.load(engine, redis)
    return Game(
        store=player_store(settings, redis, engine), catalogue=catalogue, presence=presence_of(settings)
    )
