"""GET /generator_types with ETag, and the admin edit of a type (ORIGINAL-RULES §3, §12; docs/api.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import app_of
from tests.conftest import Api, grant
from tycoon.catalogue.cache import VERSION_KEY, CatalogueCache, publish_version
from tycoon.rules.catalogue import DEFAULT_GENERATOR_TYPES, Catalogue

EDITED = 44  # the divine engine: no test can afford it, so editing it disturbs no other test
TYPE_FIELDS = {"id", "name", "cost_data", "cost_high", "description", "index", "energy_data", "energy_high",
               "install_seconds", "heat", "tolerance", "size", "image"}  # fmt: skip


async def catalogue(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/generator_types")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def restored(api: Api, admin: Api) -> AsyncIterator[dict[str, Any]]:
    """Type #EDITED as it was; put back after the test.

    The suite's two apps share Redis and PostgreSQL, and the same test's twin on the other app has just edited and
    restored this type: this app would learn that only at its next poll (0.5 s). Catch up first, so that the test
    starts from the current catalogue (its "before" ETag and the `original` to restore)."""
    app = app_of(api)
    await app.state.game.catalogue.refresh(app.state.engine, app.state.redis)
    original: dict[str, Any] = (await catalogue(api.http))["types"][EDITED]
    yield original
    fields = ("cost_data", "cost_high", "energy_data", "energy_high", "install_seconds", "heat", "tolerance")
    back = {name: original[name] for name in (*fields, "description")}
    assert (
        await admin.http.patch(f"/admin/generator_types/{EDITED}", json=back, headers=admin.headers)
    ).is_success


async def test_catalogue_lists_the_45_types(client: httpx.AsyncClient) -> None:
    body = await catalogue(client)
    assert len(body["types"]) == len(body["generator_types"]) == 45
    assert [row["index"] for row in body["types"]] == list(range(45))
    assert body["types"][0].keys() >= TYPE_FIELDS


async def test_catalogue_numbers_match_the_original(client: httpx.AsyncClient) -> None:
    types = (await catalogue(client))["types"]
    plant, divine = types[0], types[44]
    assert (plant["name"], plant["cost_data"], plant["cost_high"]) == ("식물 광합성 전지", 10000, 0)
    assert (plant["energy_data"], plant["install_seconds"], plant["image"]) == (1000, 3, 1)
    assert (divine["cost_data"], divine["cost_high"], divine["install_seconds"]) == (100000, 1250000, 890)
    assert (types[1]["heat"], types[1]["tolerance"]) == (1, 10)


async def test_generator_types_carry_their_id_under_both_names(client: httpx.AsyncClient) -> None:
    body = await catalogue(client)
    assert [row["id"] for row in body["types"]] == [
        row["generator_type_id"] for row in body["generator_types"]
    ]


async def test_catalogue_sends_an_etag(client: httpx.AsyncClient) -> None:
    response = await client.get("/generator_types")
    assert response.headers["ETag"]


async def test_if_none_match_with_the_etag_is_304(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/generator_types")).headers["ETag"]
    response = await client.get("/generator_types", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


async def test_if_none_match_with_another_etag_is_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/generator_types", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200


async def test_edit_as_a_player_is_403(api: Api) -> None:
    response = await api.http.patch(f"/admin/generator_types/{EDITED}", json={"heat": 1}, headers=api.headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Admin access required"}


async def test_edit_with_an_invalid_token_is_401(http: httpx.AsyncClient) -> None:
    # a client without cookies: a live access cookie would stand in for the bad token (test_stale_bearer.py)
    response = await http.patch(
        f"/admin/generator_types/{EDITED}", json={"heat": 1}, headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


async def test_admin_edit_changes_the_catalogue_and_its_etag(
    api: Api, admin: Api, restored: dict[str, Any]
) -> None:
    old_etag = (await api.http.get("/generator_types")).headers["ETag"]
    patch = {"description": "edited by a test", "cost_data": 200000, "heat": 26000}
    response = await admin.http.patch(f"/admin/generator_types/{EDITED}", json=patch, headers=admin.headers)
    assert response.status_code == 200, response.text
    after = await api.http.get("/generator_types")
    assert after.headers["ETag"] != old_etag
    edited = after.json()["types"][EDITED]
    assert (edited["description"], edited["cost_data"], edited["heat"]) == ("edited by a test", 200000, 26000)
    assert edited["cost_high"] == restored["cost_high"]
    stale = await api.http.get("/generator_types", headers={"If-None-Match": old_etag})
    assert stale.status_code == 200


async def test_every_answer_names_the_catalogue_version_an_edit_moves(
    api: Api, admin: Api, restored: dict[str, Any]
) -> None:
    # a client reloads GET /generator_types when it changes (the prices it shows would be stale otherwise)
    before = (await api.get("/progress")).json()["user"]["catalogue_version"]
    patch = {"description": "a new version"}
    assert (
        await admin.http.patch(f"/admin/generator_types/{EDITED}", json=patch, headers=admin.headers)
    ).is_success
    after = (await api.get("/progress")).json()["user"]["catalogue_version"]
    assert isinstance(before, int)
    assert after != before


async def test_an_edit_undone_gives_back_the_same_etag(
    api: Api, admin: Api, restored: dict[str, Any]
) -> None:
    before = (await api.http.get("/generator_types")).headers["ETag"]
    patch = {"heat": restored["heat"] + 1}
    assert (
        await admin.http.patch(f"/admin/generator_types/{EDITED}", json=patch, headers=admin.headers)
    ).is_success
    back = {"heat": restored["heat"]}
    assert (
        await admin.http.patch(f"/admin/generator_types/{EDITED}", json=back, headers=admin.headers)
    ).is_success
    assert (await api.http.get("/generator_types")).headers["ETag"] == before


async def test_a_published_version_only_ever_rises(redis_app: FastAPI) -> None:
    # two edits committed close together may publish in either order: every process must end on the newer
    redis = redis_app.state.redis
    current = int(await redis.get(VERSION_KEY) or 0)
    try:
        await publish_version(redis, current + 6)
        await publish_version(redis, current + 5)
        assert int(await redis.get(VERSION_KEY)) == current + 6
    finally:
        await redis.set(VERSION_KEY, current)


def test_the_etag_depends_on_the_types_not_on_the_version() -> None:
    assert (
        CatalogueCache(Catalogue(DEFAULT_GENERATOR_TYPES, 3)).etag
        == CatalogueCache(Catalogue(DEFAULT_GENERATOR_TYPES, 5)).etag
    )
    hotter = (replace(DEFAULT_GENERATOR_TYPES[0], heat=DEFAULT_GENERATOR_TYPES[0].heat + 1),)
    assert (
        CatalogueCache(Catalogue(hotter + DEFAULT_GENERATOR_TYPES[1:], 3)).etag
        != CatalogueCache(Catalogue(DEFAULT_GENERATOR_TYPES, 3)).etag
    )


async def test_edit_of_an_unknown_index_is_404(admin: Api) -> None:
    response = await admin.http.patch("/admin/generator_types/45", json={"heat": 1}, headers=admin.headers)
    assert response.status_code == 404


async def test_edit_with_bad_numbers_is_4xx_and_changes_nothing(api: Api, admin: Api) -> None:
    before = await api.http.get("/generator_types")
    for bad in ({"install_seconds": -5}, {"heat": "hot"}, {"cost_high": 10**30}):
        response = await admin.http.patch(f"/admin/generator_types/{EDITED}", json=bad, headers=admin.headers)
        assert 400 <= response.status_code < 500, bad
    assert (await api.http.get("/generator_types")).headers["ETag"] == before.headers["ETag"]


async def test_admin_edit_applies_to_new_placements(api: Api, admin: Api, restored: dict[str, Any]) -> None:
    patch = {"cost_data": 20000, "cost_high": 0, "install_seconds": 1}  # the divine engine for 20 money
    assert (
        await admin.http.patch(f"/admin/generator_types/{EDITED}", json=patch, headers=admin.headers)
    ).is_success
    await grant(app_of(api), api.user["user_id"], money="10")
    response = await api.place(index=EDITED)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["user"]["money_data"], body["user"]["money_high"]) == (0, 0)
    assert body["generator"]["build_total_seconds"] == pytest.approx(1)


async def test_edits_of_different_fields_sent_at_once_all_hold(
    api: Api, admin: Api, restored: dict[str, Any]
) -> None:
    """Each edit builds on the stored type under a row lock, not on a process's cached catalogue (review D1: two
    of three edits sent at once, or one after the other to two processes, were lost)."""
    patches = [
        {"heat": restored["heat"] + 7},
        {"tolerance": restored["tolerance"] + 9},
        {"install_seconds": 77},
    ]
    answers = await asyncio.gather(
        *(
            admin.http.patch(f"/admin/generator_types/{EDITED}", json=patch, headers=admin.headers)
            for patch in patches
        )
    )
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    edited = (await catalogue(api.http))["types"][EDITED]
    assert (edited["heat"], edited["tolerance"], edited["install_seconds"]) == (
        restored["heat"] + 7,
        restored["tolerance"] + 9,
        77,
    )
