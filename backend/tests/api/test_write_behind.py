"""Write-behind against a PostgreSQL row the Redis copy does not descend from (a review lost acknowledged changes
this way): a copy older than the record, or another document at the same version, is forgotten and the player
reloads from PostgreSQL; a copy that a faster flush already wrote stays; play time still reaches PostgreSQL at the
same version."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import text

from tests.api.conftest import user_of
from tests.conftest import Api, grant, http_client
from tycoon.players import keys, persistence, repository


@pytest.fixture
async def player(redis_app: FastAPI) -> AsyncIterator[Api]:
    async with http_client(redis_app) as http:
        api = Api(http)
        await api.signup()
        await grant(redis_app, api.user["user_id"], money="1e9")
        await persistence.flush_dirty(redis_app.state.redis, redis_app.state.engine)
        yield api


async def upgrade(api: Api, times: int = 1) -> int:
    for _ in range(times):
        answer = await api.post("/upgrade/production", {"amount": 1})
        assert answer.status_code == 200, answer.text
    level: int = answer.json()["production_bonus"]
    return level


async def test_a_copy_older_than_postgresql_is_forgotten_and_the_player_reloads(
    player: Api, redis_app: FastAPI
) -> None:
    redis, engine = redis_app.state.redis, redis_app.state.engine
    key = keys.player(player.user["user_id"])
    assert await upgrade(player) == 1
    await persistence.flush_dirty(redis, engine)
    snapshot = await redis.hgetall(key)  # what an RDB file would bring back
    assert await upgrade(player, 3) == 4
    await persistence.flush_dirty(redis, engine)
    await redis.delete(key)
    await redis.hset(key, mapping=snapshot)  # Redis restarted from the old snapshot
    assert await upgrade(player) == 2  # served from the stale copy
    before = REGISTRY.get_sample_value("tycoon_write_behind_refused_total") or 0.0
    report = await persistence.flush_dirty(redis, engine)
    assert report.refused == 1
    assert REGISTRY.get_sample_value("tycoon_write_behind_refused_total") == before + 1  # the alert's count
    assert not await redis.exists(key)
    assert (await user_of(player))["production_bonus"] == 4  # PostgreSQL's, not overwritten by the stale copy


async def test_another_document_at_the_same_version_is_forgotten(player: Api, redis_app: FastAPI) -> None:
    redis, engine = redis_app.state.redis, redis_app.state.engine
    key = keys.player(player.user["user_id"])
    assert await upgrade(player) == 1
    await persistence.flush_dirty(redis, engine)
    doc = orjson.loads(await redis.hget(key, "doc"))
    # an API in the other STATE_STORE mode made its own version of the same number
    doc["production_bonus"] = 7
    await redis.hset(key, "doc", orjson.dumps(doc).decode())
    await redis.zadd(keys.DIRTY, {player.user["user_id"]: 0})
    assert (await persistence.flush_dirty(redis, engine)).refused == 1
    assert not await redis.exists(key)
    assert (await user_of(player))["production_bonus"] == 1


async def test_a_copy_a_faster_flush_already_wrote_stays(player: Api, redis_app: FastAPI) -> None:
    redis, engine = redis_app.state.redis, redis_app.state.engine
    user_id = player.user["user_id"]
    await upgrade(player)
    read_early = await persistence._read(redis, [user_id])  # a slow flush read the copy here
    await upgrade(player)
    await persistence.flush_dirty(redis, engine)  # a faster one wrote the newer copy
    await upgrade(player)  # and the player moved on
    rows = await repository.write_behind(engine, read_early)
    assert set(rows) == {user_id}  # PostgreSQL is ahead of what the slow flush read...
    assert await persistence._clear(redis, read_early, [user_id], rows) == 0  # ...but not of the copy
    assert await redis.exists(keys.player(user_id))
    assert await redis.zscore(keys.DIRTY, user_id) is not None  # its newest change still waits
    await persistence.flush_dirty(redis, engine)
    assert (await user_of(player))["production_bonus"] == 3


async def test_a_flush_waiting_for_a_faster_one_keeps_the_copy_that_moved_on(
    player: Api, redis_app: FastAPI
) -> None:
    # A review's race: flush 1 sends the version PostgreSQL has (play time only) while flush 2 writes a newer one
    # and the player moves on again; flush 1's UPDATE waits for flush 2's row lock and refuses. The row it then
    # reports must be the one flush 2 left (not its own starting snapshot), so the copy is kept.
    redis, engine = redis_app.state.redis, redis_app.state.engine
    user_id = player.user["user_id"]
    await redis.hincrby(keys.player(user_id), "pt", 1_000)
    await redis.zadd(keys.DIRTY, {user_id: 0})
    first = await persistence._read(redis, [user_id])
    await upgrade(player)
    (second,) = await persistence._read(redis, [user_id])
    async with engine.connect() as other:
        await other.begin()
        await other.execute(
            text("UPDATE players SET version = :v, doc = CAST(:doc AS jsonb) WHERE user_id = :u"),
            {"v": second.version, "doc": second.doc, "u": user_id},
        )
        slow = asyncio.create_task(repository.write_behind(engine, first))
        await asyncio.sleep(0.3)  # flush 1 now waits for the row
        await upgrade(player)  # the copy moves on, not yet in PostgreSQL
        await other.commit()
        rows = await slow
    assert rows[user_id].version == second.version
    assert await persistence._clear(redis, first, [user_id], rows) == 0
    assert await redis.exists(keys.player(user_id))
    await persistence.flush_dirty(redis, engine)
    assert (await user_of(player))["production_bonus"] == 2


async def test_play_time_reaches_postgresql_at_the_same_version(player: Api, redis_app: FastAPI) -> None:
    redis, engine = redis_app.state.redis, redis_app.state.engine
    user_id = player.user["user_id"]
    await redis.hincrby(keys.player(user_id), "pt", 5_000)
    await redis.zadd(keys.DIRTY, {user_id: 0})
    assert (await persistence.flush_dirty(redis, engine)).refused == 0
    (stored,) = [record for record in await repository.all_players(engine) if record.user_id == user_id]
    assert stored.play_time_ms >= 5_000
