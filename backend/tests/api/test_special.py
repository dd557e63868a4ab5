"""The supercoin shop (ORIGINAL-RULES §9; issue 2 decision 4: award_supercoin grants nothing)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.api.conftest import built, user_of, value
from tests.conftest import Api, grant

ITEMS = {
    "build_speed": "build_speed_reduction",
    "energy_mult": "energy_multiplier",
    "exchange_mult": "exchange_rate_multiplier",
}


@pytest.mark.parametrize("item", ITEMS)
async def test_item_costs_one_supercoin_per_level(api: Api, app: FastAPI, item: str) -> None:
    await grant(app, api.user["user_id"], supercoin=2)
    response = await api.post(f"/special/{item}")
    assert response.status_code == 200, response.text
    user = response.json()
    assert (user[ITEMS[item]], user["supercoin"]) == (1, 1)
    assert user["user_id"] == api.user["user_id"]


@pytest.mark.parametrize("item", ITEMS)
async def test_item_without_supercoin_is_400(api: Api, item: str) -> None:
    response = await api.post(f"/special/{item}")
    assert response.status_code == 400
    assert response.json() == {"detail": "슈퍼코인이 부족합니다."}
    assert (await user_of(api))[ITEMS[item]] == 0


async def test_build_speed_stops_at_level_nine(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], supercoin=3, build_speed_reduction=9)
    response = await api.post("/special/build_speed")
    assert response.status_code == 400
    assert response.json() == {"detail": "최대 레벨에 도달했습니다."}
    user = await user_of(api)
    assert (user["build_speed_reduction"], user["supercoin"]) == (9, 3)


async def test_energy_and_exchange_multipliers_have_no_cap(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], supercoin=2, energy_multiplier=50, exchange_rate_multiplier=50)
    assert (await api.post("/special/energy_mult")).json()["energy_multiplier"] == 51
    assert (await api.post("/special/exchange_mult")).json()["exchange_rate_multiplier"] == 51


async def test_energy_multiplier_doubles_production(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], energy_multiplier=3)
    await built(api)
    assert value(await user_of(api), "production") == 8


async def test_award_supercoin_grants_nothing(api: Api) -> None:
    response = await api.post("/special/award_supercoin")
    assert response.status_code == 200, response.text
    assert response.json() == {"supercoin": 0}
    assert (await user_of(api))["supercoin"] == 0


async def test_award_supercoin_returns_the_servers_count(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], supercoin=5)
    for _ in range(3):
        assert (await api.post("/special/award_supercoin")).json() == {"supercoin": 5}


async def test_unknown_special_item_is_4xx(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], supercoin=1)
    response = await api.post("/special/free_money")
    assert 400 <= response.status_code < 500
    assert (await user_of(api))["supercoin"] == 1
