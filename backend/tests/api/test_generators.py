"""Placing, building, skipping, demolishing, pausing generators (ORIGINAL-RULES §4, §5.1; docs/api.md)."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.api.conftest import (
    ONSHORE,
    PLANT,
    SOLAR,
    WIND,
    another_player,
    built,
    drift,
    generator_of,
    place,
    progress,
    user_of,
    value,
)
from tests.conftest import Api, grant, rewind
from tycoon.kit.bignum import BigValue

G_FIELDS = {
    "generator_id",
    "generator_type_id",
    "type",
    "cost_data",
    "cost_high",
    "x_position",
    "world_position",
    "level",
    "isdeveloping",
    "build_complete_ts",
    "heat",
    "running",
    "upgrades",
    "heat_rate",
    "heat_limit",
    "cooling_rate",
    "production_data",
    "production_high",
    "exploded",
    "build_total_seconds",
    "rebuild_seconds",
}


# placing
async def test_place_charges_the_cost(api: Api) -> None:
    response = await api.place()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    assert (body["user"]["money_data"], body["user"]["money_high"]) == (0, 0)


async def test_placed_generator_has_the_documented_fields(api: Api) -> None:
    generator = await place(api, x=321)
    assert generator.keys() >= G_FIELDS
    assert generator["generator_type_id"] == await api.type_id(PLANT)
    assert generator["type"] == "식물 광합성 전지"
    assert (generator["cost_data"], generator["cost_high"]) == (10000, 0)
    assert (generator["x_position"], generator["world_position"], generator["level"]) == (321, 0, 1)
    assert generator["upgrades"] == {"production": 0, "heat_reduction": 0, "tolerance": 0}


async def test_placed_generator_is_developing_until_its_build_time(api: Api) -> None:
    before = time.time()
    generator = await place(api)
    assert generator["isdeveloping"] is True
    assert generator["running"] is True
    assert generator["heat"] == 0
    assert generator["exploded"] is False
    assert generator["build_total_seconds"] == pytest.approx(3)
    assert before + 2.5 <= generator["build_complete_ts"] <= time.time() + 3.5


async def test_placed_generator_is_listed_in_progress(api: Api) -> None:
    generator = await place(api)
    body = await progress(api)
    assert body["user_id"] == api.user["user_id"]
    assert [g["generator_id"] for g in body["generators"]] == [generator["generator_id"]]


async def test_place_without_enough_money_is_400(api: Api) -> None:
    response = await api.place(index=SOLAR)  # 250 > 10
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money"}
    assert (await progress(api))["generators"] == []


async def test_place_unknown_type_is_404(api: Api) -> None:
    body = {"user_id": "", "generator_type_id": str(uuid.uuid4()), "x_position": 5, "world_position": 0}
    response = await api.post("/progress", body)
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


async def test_place_on_an_occupied_position_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="10")
    await place(api, x=50)
    response = await api.place(x=50)
    assert response.status_code == 400
    assert response.json() == {"detail": "Generator already exists in this position"}


async def test_same_x_on_another_world_position_is_allowed(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="10")
    await place(api, x=50)
    body = {
        "user_id": "",
        "generator_type_id": await api.type_id(PLANT),
        "x_position": 50,
        "world_position": 1,
    }
    response = await api.post("/progress", body)
    assert response.status_code == 200, response.text


async def place_many(api: Api, count: int) -> None:
    for x in range(count):
        await place(api, x=x)


async def test_eleventh_generator_is_400_generator_limit_reached(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1000")
    await place_many(api, 10)
    response = await api.place(x=99)
    assert response.status_code == 400
    assert response.json() == {"detail": "Generator limit reached"}


async def test_max_generators_bonus_adds_a_slot(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1000", max_generators_bonus=1)
    await place_many(api, 11)
    response = await api.place(x=99)
    assert response.status_code == 400
    assert response.json() == {"detail": "Generator limit reached"}


async def test_post_progress_for_another_user_id_is_403(api: Api, app: FastAPI) -> None:
    async with another_player(app) as other:
        body = {
            "user_id": other.user["user_id"],
            "generator_type_id": await api.type_id(PLANT),
            "x_position": 1,
            "world_position": 0,
        }
        response = await api.post("/progress", body)
    assert response.status_code == 403
    assert response.json() == {"detail": "User mismatch"}


async def test_post_progress_with_own_user_id_is_accepted(api: Api) -> None:
    body = {"user_id": api.user["user_id"], "generator_type_id": await api.type_id(), "x_position": 1}
    response = await api.post("/progress", {**body, "world_position": 0})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("missing", ["user_id", "world_position", "x_position", "generator_type_id"])
async def test_post_progress_without_a_field_of_the_original_is_422(
    api: Api, app: FastAPI, missing: str
) -> None:
    """The original's ProgressSaveIn required all four; its client always sends them."""
    await grant(app, api.user["user_id"], money="1e9")
    body = {"user_id": api.user["user_id"], "generator_type_id": await api.type_id(), "x_position": 1}
    body = {**body, "world_position": 0}
    del body[missing]
    response = await api.post("/progress", body)
    assert response.status_code == 422, response.text
    assert (await progress(api))["generators"] == []


async def test_get_progress_for_another_user_id_is_403(api: Api, app: FastAPI) -> None:
    async with another_player(app) as other:
        response = await api.get("/progress", params={"user_id": other.user["user_id"]})
    assert response.status_code == 403
    assert response.json() == {"detail": "User mismatch"}


async def test_get_progress_with_own_user_id(api: Api) -> None:
    response = await api.get("/progress", params={"user_id": api.user["user_id"]})
    assert response.status_code == 200


# building and producing
async def test_build_completes_after_its_build_time(api: Api, app: FastAPI) -> None:
    generator = await place(api)
    await rewind(app, api.user["user_id"], 3.1)
    now_built = await generator_of(api, generator["generator_id"])
    assert now_built["isdeveloping"] is False
    assert now_built["build_complete_ts"] is None
    assert now_built["running"] is True


async def test_build_is_not_complete_before_its_build_time(api: Api, app: FastAPI) -> None:
    generator = await place(api)
    await rewind(app, api.user["user_id"], 2)
    assert (await generator_of(api, generator["generator_id"]))["isdeveloping"] is True


async def test_developing_generator_produces_nothing(api: Api, app: FastAPI) -> None:
    await place(api)
    await rewind(app, api.user["user_id"], 2.5)
    user = await user_of(api)
    assert value(user, "energy") == 0
    assert value(user, "production") == 0


async def test_built_generator_produces_at_its_rate(api: Api, app: FastAPI) -> None:
    generator = await built(api, PLANT)
    assert value(generator, "production") == 1
    await rewind(app, api.user["user_id"], 100)
    user = await user_of(api)
    assert value(user, "production") == 1
    assert float(value(user, "energy")) == pytest.approx(100, abs=1.5)


async def test_production_adds_up_over_generators(api: Api, app: FastAPI) -> None:
    await built(api, PLANT, x=1)
    await built(api, WIND, x=2)
    user = await user_of(api)
    assert float(value(user, "production")) == pytest.approx(7.8)


async def test_build_speed_special_shortens_builds(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e4", build_speed_reduction=5)
    generator = await place(api, WIND)  # 6 s × (1 − 0.5)
    assert generator["build_total_seconds"] == pytest.approx(3)
    await rewind(app, api.user["user_id"], 3.05)
    assert (await generator_of(api, generator["generator_id"]))["isdeveloping"] is False


async def test_build_speed_reduction_is_capped_at_ninety_percent(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e5", build_speed_reduction=9)
    generator = await place(api, ONSHORE)  # 13 s × 0.1 = 1.3 s, at least 1 s
    assert 1 <= generator["build_total_seconds"] <= 1.3 + 1e-9


# skipping a build
def skip_price(cost: int, remaining_seconds: int, build_seconds: int) -> Decimal:
    """§4.3: C × (r / D) × 0.1, as the wire shows it (six digits, truncated); 1 only if that shows as 0."""
    data, high = BigValue(Decimal(cost) * remaining_seconds / build_seconds / 10).to_wire()
    return Decimal(data).scaleb(high - 3) if data else Decimal(1)


async def test_skip_costs_ten_percent_of_the_remaining_share(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e4")
    generator = await place(api, ONSHORE)  # 12 000, 13 s
    await rewind(app, api.user["user_id"], 6.5)
    response = await api.post(f"/progress/{generator['generator_id']}/build/skip")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["remaining_seconds"] in (6, 7)  # 6.5 s left, in the original's whole seconds
    assert value(body, "skip_cost") == skip_price(12_000, body["remaining_seconds"], 13)


async def test_skip_right_after_placing_costs_ten_percent_of_the_cost(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e3")
    generator = await place(api, WIND)  # 1 000, 6 s
    body = (await api.post(f"/progress/{generator['generator_id']}/build/skip")).json()
    # 6, or 5 when a second began between placing and skipping (the original's clock too)
    assert body["remaining_seconds"] in (5, 6)
    assert value(body, "skip_cost") == skip_price(1000, body["remaining_seconds"], 6)
    assert body["remaining_seconds"] == 5 or value(body, "skip_cost") == 100


async def test_a_skip_below_one_money_is_not_raised_to_one(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="5")
    generator = await place(api)  # plant cell: 10, 3 s
    await rewind(app, api.user["user_id"], 1)
    body = (await api.post(f"/progress/{generator['generator_id']}/build/skip")).json()
    assert body["remaining_seconds"] in (1, 2)
    assert value(body, "skip_cost") == skip_price(10, body["remaining_seconds"], 3) < 1  # 0.333 or 0.666
    assert value(body["user"], "money") == 5 - value(body, "skip_cost")


async def test_skip_charges_the_skip_cost_and_finishes_the_build(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e4")
    generator = await place(api, ONSHORE)
    body = (await api.post(f"/progress/{generator['generator_id']}/build/skip")).json()
    assert value(body["user"], "money") == 20010 - 12000 - value(body, "skip_cost")  # the price shown
    assert body["generator"]["isdeveloping"] is False
    assert body["generator"]["running"] is True
    assert (await generator_of(api, generator["generator_id"]))["isdeveloping"] is False


async def test_skipped_generator_produces_at_once(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e4")
    generator = await place(api, ONSHORE)
    await api.post(f"/progress/{generator['generator_id']}/build/skip")
    await rewind(app, api.user["user_id"], 10)
    assert float(value(await user_of(api), "energy")) == pytest.approx(540, rel=0.05)


async def test_skip_of_a_built_generator_charges_nothing(api: Api) -> None:
    generator = await built(api, PLANT, money="5")
    money_before = value(await user_of(api), "money")
    response = await api.post(f"/progress/{generator['generator_id']}/build/skip")
    assert response.status_code == 200, response.text
    assert value(response.json()["user"], "money") == money_before
    assert response.json()["generator"]["isdeveloping"] is False


async def test_skip_without_enough_money_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="11990")  # exactly the 12 000 of the onshore turbine
    generator = await place(api, ONSHORE)
    response = await api.post(f"/progress/{generator['generator_id']}/build/skip")
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money to skip build"}
    assert (await generator_of(api, generator["generator_id"]))["isdeveloping"] is True


async def test_skip_of_an_unknown_generator_is_404(api: Api) -> None:
    response = await api.post(f"/progress/{uuid.uuid4()}/build/skip")
    assert response.status_code == 404


# demolishing
async def test_demolish_costs_half_the_install_cost(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="5")
    generator = await place(api)
    response = await api.delete(f"/progress/{generator['generator_id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["demolished"] == {
        "generator_id": generator["generator_id"],
        "cost_data": 5000,
        "cost_high": 0,
    }
    assert value(body["user"], "money") == 0
    assert (await progress(api))["generators"] == []


async def test_demolish_without_enough_money_is_400(api: Api) -> None:
    generator = await place(api)  # money is now 0, the fee is 5
    response = await api.delete(f"/progress/{generator['generator_id']}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money to demolish"}
    assert len((await progress(api))["generators"]) == 1


async def test_demolish_unknown_generator_is_404(api: Api) -> None:
    response = await api.delete(f"/progress/{uuid.uuid4()}")
    assert response.status_code == 404


async def test_demolish_another_players_generator_is_404(api: Api, app: FastAPI) -> None:
    async with another_player(app) as other:
        generator = await place(other)
        await grant(app, api.user["user_id"], money="100")
        response = await api.delete(f"/progress/{generator['generator_id']}")
        assert response.status_code == 404
        assert len((await progress(other))["generators"]) == 1


async def test_demolish_frees_the_slot(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1000")
    await place_many(api, 10)
    first = (await progress(api))["generators"][0]
    await api.delete(f"/progress/{first['generator_id']}")
    assert (await api.place(x=99)).status_code == 200


# pause and resume
async def test_pause_sets_running_false(api: Api) -> None:
    generator = await built(api, PLANT)
    response = await api.post(f"/progress/{generator['generator_id']}/state", {"running": False})
    assert response.status_code == 200, response.text
    assert response.json()["generator"]["running"] is False
    assert (await generator_of(api, generator["generator_id"]))["running"] is False


async def test_paused_generator_produces_nothing(api: Api, app: FastAPI) -> None:
    generator = await built(api, PLANT)
    await api.post(f"/progress/{generator['generator_id']}/state", {"running": False})
    energy_before = value(await user_of(api), "energy")
    await rewind(app, api.user["user_id"], 60)
    user = await user_of(api)
    assert value(user, "energy") == energy_before
    assert value(user, "production") == 0


async def test_resumed_generator_produces_again(api: Api, app: FastAPI) -> None:
    generator = await built(api, PLANT)
    path = f"/progress/{generator['generator_id']}/state"
    await api.post(path, {"running": False})
    response = await api.post(path, {"running": True})
    assert response.json()["generator"]["running"] is True
    await rewind(app, api.user["user_id"], 50)
    assert float(value(await user_of(api), "energy")) == pytest.approx(50, abs=1.5)


async def test_paused_generator_cools_by_one_per_second(api: Api, app: FastAPI) -> None:
    started = time.monotonic()
    generator = await built(api, SOLAR)  # heat 1/s
    await rewind(app, api.user["user_id"], 6)
    path = f"/progress/{generator['generator_id']}/state"
    paused = (await api.post(path, {"running": False})).json()["generator"]
    assert paused["heat"] == pytest.approx(6, abs=drift(started))
    assert paused["cooling_rate"] == 1
    await rewind(app, api.user["user_id"], 4)
    heat = (await generator_of(api, generator["generator_id"]))["heat"]
    assert heat == pytest.approx(2, abs=drift(started))
    await rewind(app, api.user["user_id"], 10)
    assert (await generator_of(api, generator["generator_id"]))["heat"] == 0


async def test_state_without_changes_is_400(api: Api) -> None:
    generator = await place(api)
    response = await api.post(f"/progress/{generator['generator_id']}/state", {})
    assert response.status_code == 400
    assert response.json() == {"detail": "No changes provided"}


async def test_state_of_an_unknown_generator_is_404(api: Api) -> None:
    response = await api.post(f"/progress/{uuid.uuid4()}/state", {"running": False})
    assert response.status_code == 404


async def test_state_explode_flag_is_ignored(api: Api) -> None:
    generator = await built(api, PLANT)
    response = await api.post(
        f"/progress/{generator['generator_id']}/state", {"explode": True, "running": True}
    )
    assert response.status_code == 200, response.text
    after = await generator_of(api, generator["generator_id"])
    assert after["exploded"] is False
    assert after["isdeveloping"] is False


async def test_state_heat_from_the_client_is_ignored(api: Api, app: FastAPI) -> None:
    started = time.monotonic()
    generator = await built(api, SOLAR)
    await rewind(app, api.user["user_id"], 5)
    await api.post(f"/progress/{generator['generator_id']}/state", {"heat": 0, "running": True})
    heat = (await generator_of(api, generator["generator_id"]))["heat"]
    assert heat == pytest.approx(5, abs=drift(started))


# Ids of any length get the original's answer, not a 422 for their length (review F7)
LONG_ID = "x" * 5000


async def test_a_long_user_id_is_the_originals_403(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9")
    body = {
        "user_id": LONG_ID,
        "generator_type_id": await api.type_id(),
        "x_position": 5,
        "world_position": 0,
    }
    for response in (
        await api.post("/progress", body),
        await api.get("/progress", params={"user_id": LONG_ID}),
    ):
        assert (response.status_code, response.json()) == (403, {"detail": "User mismatch"})
    assert (await progress(api))["generators"] == []


async def test_the_generator_id_in_a_state_body_is_unused(api: Api) -> None:
    generator = await place(api)
    body = {"generator_id": LONG_ID, "running": False}
    response = await api.post(f"/progress/{generator['generator_id']}/state", body)
    assert response.status_code == 200, response.text
    assert response.json()["generator"]["running"] is False


async def test_autosave_ignores_a_long_unknown_generator_id(api: Api) -> None:
    generator = await place(api)
    generators = [
        {"generator_id": LONG_ID, "running": False},
        {"generator_id": generator["generator_id"], "running": False},
    ]
    response = await api.post("/progress/autosave", {"generators": generators})
    assert response.status_code == 200, response.text
    assert (await generator_of(api, generator["generator_id"]))["running"] is False
