"""Heat, tolerance, explosion and rebuild, computed by the server (ORIGINAL-RULES §4.5; docs/api.md)."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI

from tests.api.conftest import PLANT, SOLAR, built, drift, generator_of, user_of, value
from tests.conftest import Api, grant, rewind


async def test_running_generator_heats_at_its_rate(api: Api, app: FastAPI) -> None:
    started = time.monotonic()
    generator = await built(api, SOLAR)
    assert generator["heat_rate"] == pytest.approx(1)
    assert generator["heat_limit"] == pytest.approx(10)
    await rewind(app, api.user["user_id"], 7)
    heat = (await generator_of(api, generator["generator_id"]))["heat"]
    assert heat == pytest.approx(7, abs=drift(started))


async def test_generator_below_its_limit_does_not_explode(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 9.5)
    now = await generator_of(api, generator["generator_id"])
    assert now["exploded"] is False
    assert now["isdeveloping"] is False


async def test_generator_explodes_when_heat_passes_its_limit(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 11)
    exploded = await generator_of(api, generator["generator_id"])
    assert exploded["exploded"] is True
    assert exploded["isdeveloping"] is True
    assert exploded["heat"] == 0
    assert exploded["rebuild_seconds"] == pytest.approx(4)
    assert exploded["build_complete_ts"] - (await user_of(api))["server_time_ms"] / 1000 == pytest.approx(
        3, abs=0.5
    )


async def test_exploded_generator_produces_nothing_while_rebuilding(api: Api, app: FastAPI) -> None:
    await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 10.5)
    energy = value(await user_of(api), "energy")
    assert float(energy) == pytest.approx(26, abs=1.5)  # 10 s × 2.6 before the explosion
    await rewind(app, api.user["user_id"], 2)
    user = await user_of(api)
    assert value(user, "energy") == energy
    assert value(user, "production") == 0


async def test_exploded_generator_runs_again_after_its_rebuild(api: Api, app: FastAPI) -> None:
    started = time.monotonic()
    generator = await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 10.5)  # exploded at 10 s, rebuilt at 14 s
    await rewind(app, api.user["user_id"], 4)
    again = await generator_of(api, generator["generator_id"])
    assert again["exploded"] is False
    assert again["isdeveloping"] is False
    assert again["running"] is True
    assert again["heat"] == pytest.approx(0.5, abs=drift(started))


async def test_explosion_costs_nothing_and_keeps_upgrades(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR)
    upgrade = await api.post(
        f"/progress/{generator['generator_id']}/upgrade", {"upgrade": "tolerance", "amount": 1}
    )
    assert upgrade.status_code == 200, upgrade.text
    money = value(await user_of(api), "money")
    await rewind(app, api.user["user_id"], 22)  # limit 20 at 1/s: exploded, rebuilt at 24 s
    after = await generator_of(api, generator["generator_id"])
    assert after["exploded"] is True
    assert after["upgrades"]["tolerance"] == 1
    assert value(await user_of(api), "money") == money


async def test_plant_cell_never_explodes(api: Api, app: FastAPI) -> None:
    generator = await built(api, PLANT)
    await rewind(app, api.user["user_id"], 3600)
    now = await generator_of(api, generator["generator_id"])
    assert (now["exploded"], now["heat"], now["heat_rate"]) == (False, 0, 0)


async def test_paused_generator_does_not_explode(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR)
    await api.post(f"/progress/{generator['generator_id']}/state", {"running": False})
    await rewind(app, api.user["user_id"], 100)
    now = await generator_of(api, generator["generator_id"])
    assert (now["exploded"], now["heat"]) == (False, 0)


async def test_global_tolerance_raises_the_limit(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], tolerance_bonus=2)
    generator = await built(api, SOLAR)
    assert generator["heat_limit"] == pytest.approx(30)
    await rewind(app, api.user["user_id"], 25)
    assert (await generator_of(api, generator["generator_id"]))["exploded"] is False


async def test_generator_tolerance_upgrade_raises_the_limit(api: Api) -> None:
    generator = await built(api, SOLAR)
    response = await api.post(
        f"/progress/{generator['generator_id']}/upgrade", {"upgrade": "tolerance", "amount": 3}
    )
    assert response.json()["generator"]["heat_limit"] == pytest.approx(40)


async def test_heat_rate_follows_the_upgrades(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], heat_reduction=5)
    generator = await built(api, SOLAR)
    path = f"/progress/{generator['generator_id']}/upgrade"
    await api.post(path, {"upgrade": "production", "amount": 2})
    response = await api.post(path, {"upgrade": "heat_reduction", "amount": 1})
    # (1 + 0.5 × 2) × 0.9^1 × max(0.1, 1 − 0.1 × 5)
    assert response.json()["generator"]["heat_rate"] == pytest.approx(0.9)


async def test_global_heat_reduction_saturates_at_ninety_percent(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], heat_reduction=15)
    generator = await built(api, SOLAR)
    assert generator["heat_rate"] == pytest.approx(0.1)


async def test_skipping_a_rebuild_after_an_explosion_is_charged(api: Api, app: FastAPI) -> None:
    generator = await built(api, SOLAR, money="1000")
    await rewind(app, api.user["user_id"], 10.5)  # exploded at 10 s, 3.5 s of rebuild left
    money = value(await user_of(api), "money")
    response = await api.post(f"/progress/{generator['generator_id']}/build/skip")
    assert response.status_code == 200, response.text
    body = response.json()
    assert float(value(body, "skip_cost")) == pytest.approx(25 * 3.5 / 4, rel=0.15)  # 10 % × 3.5/4 × 250
    assert value(body["user"], "money") < money
    assert (body["generator"]["isdeveloping"], body["generator"]["exploded"]) == (False, False)


async def test_rebuild_takes_the_catalogue_build_time_despite_build_speed(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], build_speed_reduction=5)
    generator = await built(api, SOLAR)
    assert generator["rebuild_seconds"] == pytest.approx(4)
    await rewind(app, api.user["user_id"], 10.5)
    exploded = await generator_of(api, generator["generator_id"])
    assert exploded["build_total_seconds"] == pytest.approx(4)
    await rewind(app, api.user["user_id"], 2.5)  # a halved rebuild would be over by now
    assert (await generator_of(api, generator["generator_id"]))["exploded"] is True
