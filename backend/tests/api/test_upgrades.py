"""Global money upgrades and rebirth upgrades (ORIGINAL-RULES §7.1, §7.3; issue 2 decision 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.api.conftest import built, user_of, value
from tests.conftest import Api, grant

GLOBAL = {  # key: (user field, price of the first level)
    "production": ("production_bonus", 18),
    "heat_reduction": ("heat_reduction", 75),
    "tolerance": ("tolerance_bonus", 120),
    "max_generators": ("max_generators_bonus", 900),
    "demand": ("demand_bonus", 30),
}
REBIRTH = {  # key: (user field, price of the first level in rebirths)
    "rebirth_chain": ("rebirth_chain_upgrade", 1),
    "upgrade_batch": ("upgrade_batch_upgrade", 1),
    "rebirth_start_money": ("rebirth_start_money_upgrade", 3),
}


@pytest.mark.parametrize("key", GLOBAL)
async def test_first_level_charges_its_price(api: Api, app: FastAPI, key: str) -> None:
    field, price = GLOBAL[key]
    await grant(app, api.user["user_id"], money="990")
    response = await api.post(f"/upgrade/{key}")
    assert response.status_code == 200, response.text
    user = response.json()
    assert user[field] == 1
    assert value(user, "money") == 1000 - price


async def test_upgrade_returns_the_bare_user(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990")
    user = (await api.post("/upgrade/production", {"amount": 1})).json()
    assert user["user_id"] == api.user["user_id"]
    assert user["production_bonus"] == 1


async def test_second_level_costs_more(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990")
    await api.post("/upgrade/production")
    user = (await api.post("/upgrade/production")).json()
    assert float(value(user, "money")) == pytest.approx(1000 - 18 - 32.4, abs=1)  # 10 × 1.8²


async def test_production_upgrade_raises_production(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], production_bonus=4)
    await built(api)
    assert value(await user_of(api), "production") == Decimal("1.4")


async def test_upgrade_without_enough_money_is_400(api: Api) -> None:
    response = await api.post("/upgrade/production")  # 18 > 10
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money"}
    user = await user_of(api)
    assert user["production_bonus"] == 0
    assert value(user, "money") == 10


async def test_two_levels_at_once_exceed_the_batch_limit(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e6")
    response = await api.post("/upgrade/production", {"amount": 2})
    assert response.status_code == 400
    assert response.json() == {"detail": "한 번에 1회까지만 업그레이드할 수 있습니다."}
    assert (await user_of(api))["production_bonus"] == 0


async def test_upgrade_batch_raises_the_batch_limit(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990", rebirth_count=1)
    assert (await api.post("/upgrade/upgrade_batch")).json()["upgrade_batch_upgrade"] == 1
    response = await api.post("/upgrade/production", {"amount": 2})
    assert response.status_code == 200, response.text
    user = response.json()
    assert user["production_bonus"] == 2
    assert 1000 - 50.4 <= value(user, "money") <= 1000 - 50  # 10 × (1.8 + 1.8²), truncated or not
    assert (await api.post("/upgrade/production", {"amount": 3})).status_code == 400


@pytest.mark.parametrize("amount", [0, -1])
async def test_upgrade_amount_below_one_is_rejected(api: Api, app: FastAPI, amount: int) -> None:
    await grant(app, api.user["user_id"], money="1e6")
    response = await api.post("/upgrade/production", {"amount": amount})
    assert 400 <= response.status_code < 500
    assert (await user_of(api))["production_bonus"] == 0


async def test_upgrade_amount_above_ten_thousand_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e99999", rebirth_count=10**6, upgrade_batch_upgrade=20_000)
    response = await api.post("/upgrade/production", {"amount": 10_001})
    assert response.status_code == 400
    assert (await user_of(api))["production_bonus"] == 0


@pytest.mark.parametrize("amount", [2, 20_000, 10**13])
async def test_the_batch_limit_message_comes_before_the_amount_cap(
    api: Api, app: FastAPI, amount: int
) -> None:
    await grant(app, api.user["user_id"], money="1e99999")  # the original's answer (review F7)
    response = await api.post("/upgrade/production", {"amount": amount})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "한 번에 1회까지만 업그레이드할 수 있습니다."},
    )
    assert (await user_of(api))["production_bonus"] == 0


async def test_ten_thousand_levels_are_priced_in_closed_form(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e99999", upgrade_batch_upgrade=20_000)
    response = await api.post("/upgrade/production", {"amount": 10_000})
    assert response.status_code == 200, response.text
    assert response.json()["production_bonus"] == 10_000


async def test_unknown_upgrade_key_is_4xx(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e6")
    response = await api.post("/upgrade/speed")
    assert 400 <= response.status_code < 500
    assert isinstance(response.json()["detail"], (str, list))


# rebirth upgrades (paid with rebirths)
@pytest.mark.parametrize("key", REBIRTH)
async def test_rebirth_upgrade_without_enough_rebirths_is_400(api: Api, key: str) -> None:
    response = await api.post(f"/upgrade/{key}")
    assert response.status_code == 400
    assert response.json() == {"detail": "환생이 부족합니다."}
    assert (await user_of(api))[REBIRTH[key][0]] == 0


@pytest.mark.parametrize("key", REBIRTH)
async def test_rebirth_upgrade_subtracts_its_cost_from_rebirth_count(
    api: Api, app: FastAPI, key: str
) -> None:
    field, price = REBIRTH[key]
    await grant(app, api.user["user_id"], rebirth_count=5)
    response = await api.post(f"/upgrade/{key}")
    assert response.status_code == 200, response.text
    assert (response.json()[field], response.json()["rebirth_count"]) == (1, 5 - price)


async def test_rebirth_upgrade_levels_get_dearer(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=7, rebirth_chain_upgrade=2)  # next level costs 4
    user = (await api.post("/upgrade/rebirth_chain")).json()
    assert (user["rebirth_chain_upgrade"], user["rebirth_count"]) == (3, 3)


async def test_rebirth_upgrade_amount_above_ten_thousand_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=10**9)
    response = await api.post("/upgrade/rebirth_chain", {"amount": 10_001})
    assert response.status_code == 400
    assert (await user_of(api))["rebirth_chain_upgrade"] == 0


# bulk
async def test_bulk_applies_every_item(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990")
    items = [{"endpoint": "production", "amount": 1}, {"endpoint": "demand", "amount": 1}]
    response = await api.post("/upgrade/bulk", {"upgrades": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["partial_failure"] is False
    assert [(r["index"], r["endpoint"], r["status"]) for r in body["results"]] == [
        (0, "production", "applied"),
        (1, "demand", "applied"),
    ]
    assert value(body["user"], "money") == 1000 - 18 - 30


async def test_bulk_stops_at_the_first_failure(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="90")  # 100: production 18 + demand 30, then not 900
    items = [
        {"endpoint": "production", "amount": 1},
        {"endpoint": "demand", "amount": 1},
        {"endpoint": "max_generators", "amount": 1},
        {"endpoint": "tolerance", "amount": 1},
    ]
    body = (await api.post("/upgrade/bulk", {"upgrades": items})).json()
    assert body["partial_failure"] is True
    assert len(body["results"]) == 2
    assert (body["failed"]["index"], body["failed"]["endpoint"]) == (2, "max_generators")
    assert isinstance(body["failed"]["error"], str)
    user = body["user"]
    assert (user["max_generators_bonus"], user["tolerance_bonus"]) == (0, 0)
    assert value(user, "money") == 100 - 18 - 30


async def test_bulk_accepts_rebirth_upgrades(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=2)
    body = (
        await api.post("/upgrade/bulk", {"upgrades": [{"endpoint": "upgrade_batch", "amount": 1}]})
    ).json()
    assert body["partial_failure"] is False
    assert body["user"]["upgrade_batch_upgrade"] == 1


async def test_bulk_with_an_unknown_endpoint_fails_that_item(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990")
    items = [{"endpoint": "speed", "amount": 1}, {"endpoint": "production", "amount": 1}]
    response = await api.post("/upgrade/bulk", {"upgrades": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["partial_failure"], body["results"]) == (True, [])
    assert body["failed"] == {
        "index": 0,
        "endpoint": "speed",
        "amount": 1,
        "error": "Invalid upgrade endpoint",
    }
    assert (await user_of(api))["production_bonus"] == 0


async def test_bulk_with_a_long_unknown_endpoint_fails_that_item(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="990")  # any length: not a 422 (review F7)
    items = [{"endpoint": "production", "amount": 1}, {"endpoint": "x" * 5000, "amount": 1}]
    response = await api.post("/upgrade/bulk", {"upgrades": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["partial_failure"], len(body["results"]), body["failed"]["index"]) == (True, 1, 1)
    assert body["user"]["production_bonus"] == 1


async def test_bulk_amount_above_ten_thousand_is_rejected(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e99999", upgrade_batch_upgrade=20_000)
    response = await api.post("/upgrade/bulk", {"upgrades": [{"endpoint": "production", "amount": 10_001}]})
    if response.status_code == 200:
        assert response.json()["partial_failure"] is True
    else:
        assert response.status_code == 400
    assert (await user_of(api))["production_bonus"] == 0
