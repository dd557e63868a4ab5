"""The game metrics move with real requests (issue 5: actions per second, cache hit ratio), not only by hand."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import bare_client, place
from tests.conftest import Api, grant
from tycoon.catalogue.cache import DOC_KEY, VERSION_KEY, CatalogueCache
from tycoon.game.service import action_name
from tycoon.players import keys


async def counter(app: FastAPI, name: str, **labels: str) -> float:
    async with bare_client(app) as http:
        text = (await http.get("/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def test_actions_are_counted_by_endpoint(redis_api: Api, redis_app: FastAPI) -> None:
    await grant(redis_app, redis_api.user["user_id"], money="1e9")
    before = await counter(redis_app, "tycoon_actions_total", action="place_generator")
    upgrades_before = await counter(redis_app, "tycoon_actions_total", action="buy_upgrade")
    await place(redis_api)
    await place(redis_api, x=200)
    assert (await redis_api.post("/upgrade/production", {"amount": 1})).status_code == 200
    assert (await redis_api.post("/upgrade/production", {"amount": 10**6})).status_code == 400  # not counted
    assert await counter(redis_app, "tycoon_actions_total", action="place_generator") - before == 2
    assert await counter(redis_app, "tycoon_actions_total", action="buy_upgrade") - upgrades_before == 1


async def test_player_state_hits_and_misses(redis_api: Api, redis_app: FastAPI) -> None:
    assert (await redis_api.get("/progress")).status_code == 200  # a new account's first request installs it
    hits = await counter(redis_app, "tycoon_cache_requests_total", cache="player", result="hit")
    misses = await counter(redis_app, "tycoon_cache_requests_total", cache="player", result="miss")
    assert (await redis_api.get("/progress")).status_code == 200
    await redis_app.state.redis.delete(
        keys.player(redis_api.user["user_id"])
    )  # evicted: back from PostgreSQL
    assert (await redis_api.get("/progress")).status_code == 200
    assert await counter(redis_app, "tycoon_cache_requests_total", cache="player", result="hit") - hits == 1
    assert (
        await counter(redis_app, "tycoon_cache_requests_total", cache="player", result="miss") - misses == 1
    )


async def test_catalogue_hits_and_misses(redis_app: FastAPI) -> None:
    engine, redis = redis_app.state.engine, redis_app.state.redis
    hits = await counter(redis_app, "tycoon_cache_requests_total", cache="catalogue", result="hit")
    misses = await counter(redis_app, "tycoon_cache_requests_total", cache="catalogue", result="miss")
    await redis.delete(f"{DOC_KEY}:{int(await redis.get(VERSION_KEY))}")
    await CatalogueCache.load(engine, redis)  # from PostgreSQL, then shared through Redis
    await CatalogueCache.load(engine, redis)  # from Redis
    assert (
        await counter(redis_app, "tycoon_cache_requests_total", cache="catalogue", result="miss") - misses
        == 1
    )
    assert (
        await counter(redis_app, "tycoon_cache_requests_total", cache="catalogue", result="hit") - hits == 1
    )


def test_an_action_is_named_after_the_function_that_made_it() -> None:
    def place_generator() -> Callable[[object], object]:
        return lambda state: state

    assert action_name(place_generator()) == "test_an_action_is_named_after_the_function_that_made_it"
    assert action_name(action_name) == "action_name"
