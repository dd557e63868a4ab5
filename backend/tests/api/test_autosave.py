"""POST /progress/autosave: accepted for compatibility, never raises a balance (issue 2 decision 4, docs/api.md)."""

from __future__ import annotations

from fastapi import FastAPI

from tests.api.conftest import PLANT, SOLAR, built, generator_of, place, user_of, value
from tests.conftest import Api, grant, rewind

HUGE = {"_data": 999_999, "_high": 500}


def huge(name: str) -> dict[str, int]:
    return {f"{name}{suffix}": number for suffix, number in HUGE.items()}


async def test_autosave_cannot_raise_energy(api: Api) -> None:
    response = await api.post("/progress/autosave", {**huge("energy"), **huge("production")})
    assert response.status_code == 200, response.text
    assert value(response.json()["user"], "energy") == 0
    assert value(await user_of(api), "energy") == 0


async def test_autosave_cannot_raise_money(api: Api) -> None:
    response = await api.post("/progress/autosave", huge("money"))
    assert response.status_code == 200, response.text
    assert value(await user_of(api), "money") == 10


async def test_autosave_cannot_raise_supercoin(api: Api) -> None:
    await api.post("/progress/autosave", {"supercoin": 999})
    assert (await user_of(api))["supercoin"] == 0


async def test_autosave_cannot_raise_play_time(api: Api) -> None:
    await api.post("/progress/autosave", {"play_time_ms": 10**12})
    assert (await user_of(api))["play_time_ms"] < 60_000


async def test_autosave_cannot_raise_the_energy_of_a_producing_player(api: Api, app: FastAPI) -> None:
    await built(api, PLANT)
    await rewind(app, api.user["user_id"], 20)
    before = value(await user_of(api), "energy")
    await api.post("/progress/autosave", {"energy_data": 999_999, "energy_high": 3})
    after = value(await user_of(api), "energy")
    assert after < before + 5  # only the production of the seconds between the two requests


async def test_autosave_applies_running_flags(api: Api) -> None:
    generator = await built(api, PLANT)
    body = {"generators": [{"generator_id": generator["generator_id"], "running": False}]}
    response = await api.post("/progress/autosave", body)
    assert response.status_code == 200, response.text
    assert (await generator_of(api, generator["generator_id"]))["running"] is False


async def test_autosave_ignores_the_clients_heat(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 5)
    body = {"generators": [{"generator_id": generator["generator_id"], "heat": 0, "running": True}]}
    await api.post("/progress/autosave", body)
    assert (await generator_of(api, generator["generator_id"]))["heat"] >= 4.5


async def test_autosave_ignores_unknown_generators(api: Api) -> None:
    body = {"generators": [{"generator_id": "not-mine", "running": False}]}
    response = await api.post("/progress/autosave", body)
    assert response.status_code == 200, response.text


async def test_autosave_with_nothing_says_no_changes(api: Api) -> None:
    response = await api.post("/progress/autosave", {})
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "No changes to save"


async def test_autosave_cannot_lower_money_or_supercoin(api: Api, app: FastAPI) -> None:
    # the original client autosaves stale or optimistically deducted values (§14.16): taking them would
    # charge the player twice
    await grant(app, api.user["user_id"], money="90", supercoin=2)
    await api.post("/progress/autosave", {"money_data": 0, "money_high": 0, "supercoin": 0})
    user = await user_of(api)
    assert value(user, "money") == 100
    assert user["supercoin"] == 2


async def test_autosave_with_negative_values_is_422(api: Api) -> None:
    response = await api.post("/progress/autosave", {"play_time_ms": -1})
    assert response.status_code == 422


async def test_autosave_of_a_placed_generator_keeps_it_building(api: Api) -> None:
    generator = await place(api)
    body = {"generators": [{"generator_id": generator["generator_id"], "running": True}]}
    await api.post("/progress/autosave", body)
    assert (await generator_of(api, generator["generator_id"]))["isdeveloping"] is True
