"""Rebirth and rebirth chains (ORIGINAL-RULES §8)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.api.conftest import PLANT, built, progress, user_of, value
from tests.conftest import Api, grant, rewind

REBIRTH_BASE = Decimal(15_000_000)


def rebirth_cost(held: int) -> Decimal:
    return REBIRTH_BASE * Decimal(8) ** held


async def money_to(app: FastAPI, api: Api, amount: Decimal) -> None:
    """Grant so that the player holds exactly `amount` (a fresh player holds 10)."""
    await grant(app, api.user["user_id"], money=str(amount - 10))


async def test_info_of_a_fresh_player(api: Api) -> None:
    response = await api.get("/rebirth/info")
    assert response.status_code == 200
    info = response.json()
    assert info["rebirth_count"] == 0
    assert value(info, "next_cost") == REBIRTH_BASE
    assert (info["current_multiplier"], info["next_multiplier"]) == (1, 2)
    assert (info["max_chain"], info["upgrade_batch_limit"]) == (1, 1)
    assert value(info, "chain_cost") == REBIRTH_BASE
    assert value(info, "start_money") == 10
    assert info["user"]["user_id"] == api.user["user_id"]


async def test_info_follows_rebirths_and_upgrades(api: Api, app: FastAPI) -> None:
    await grant(
        app,
        api.user["user_id"],
        rebirth_count=2,
        rebirth_chain_upgrade=2,
        upgrade_batch_upgrade=1,
        rebirth_start_money_upgrade=3,
    )
    info = (await api.get("/rebirth/info")).json()
    assert value(info, "next_cost") == rebirth_cost(2)
    assert (info["current_multiplier"], info["next_multiplier"]) == (4, 8)
    assert (info["max_chain"], info["upgrade_batch_limit"]) == (3, 2)
    assert value(info, "chain_cost") == rebirth_cost(4)
    assert value(info, "start_money") == 10_000


@pytest.mark.parametrize("held", [62, 63, 64, 1023, 1024, 5000])
async def test_info_of_a_player_with_many_rebirths(api: Api, app: FastAPI, held: int) -> None:
    # 2^63 and above once broke the JSON encoder (500): JSON numbers while they can carry it, and the exact
    # value as _data/_high at every count
    await grant(app, api.user["user_id"], rebirth_count=held)
    response = await api.get("/rebirth/info")
    assert response.status_code == 200
    info = response.json()
    assert info["current_multiplier"] == (2**held if held < 1024 else None)
    assert info["next_multiplier"] == (2 ** (held + 1) if held < 1023 else None)
    for name, exponent in (("current_multiplier", held), ("next_multiplier", held + 1)):
        assert abs(value(info, name) / Decimal(2) ** exponent - 1) < Decimal("1e-5")  # six digits on the wire


async def test_rebirth_message_of_a_player_with_many_rebirths(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=2000)
    await money_to(app, api, rebirth_cost(2000))
    response = await api.post("/rebirth")
    assert response.status_code == 200
    assert response.json()["message"] == "Rebirth successful! New multiplier: 2.296261e+602x (x1)"


async def test_rebirth_without_enough_money_is_400(api: Api, app: FastAPI) -> None:
    await money_to(app, api, REBIRTH_BASE - 1)
    response = await api.post("/rebirth")
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money for rebirth"}
    assert (await user_of(api))["rebirth_count"] == 0


async def test_rebirth_with_exactly_the_price(api: Api, app: FastAPI) -> None:
    await money_to(app, api, REBIRTH_BASE)
    response = await api.post("/rebirth")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["rebirth_count"] == 1
    assert "2x" in body["message"]


async def test_rebirth_resets_generators_upgrades_and_balances(api: Api, app: FastAPI) -> None:
    await built(api, PLANT, money="1e8")
    await rewind(app, api.user["user_id"], 10)
    for key in ("production", "heat_reduction", "tolerance", "max_generators", "demand"):
        assert (await api.post(f"/upgrade/{key}")).status_code == 200
    assert (
        await api.post("/change/energy2money", {"amount_data": 1000, "amount_high": 0})
    ).status_code == 200
    user = (await api.post("/rebirth")).json()["user"]
    reset = ("production_bonus", "heat_reduction", "tolerance_bonus", "max_generators_bonus", "demand_bonus")
    assert [user[field] for field in reset] == [0] * 5
    assert [value(user, name) for name in ("energy", "sold_energy", "money")] == [0, 0, 10]
    assert (await progress(api))["generators"] == []


async def test_rebirth_keeps_rebirth_upgrades_special_supercoin_and_tutorial(api: Api, app: FastAPI) -> None:
    kept = {
        "rebirth_chain_upgrade": 1,
        "upgrade_batch_upgrade": 2,
        "supercoin": 4,
        "build_speed_reduction": 3,
        "energy_multiplier": 2,
        "exchange_rate_multiplier": 1,
        "tutorial": 7,
    }
    await grant(app, api.user["user_id"], money="2e7", **kept)
    user = (await api.post("/rebirth")).json()["user"]
    assert {field: user[field] for field in kept} == kept
    assert user["rebirth_count"] == 1


async def test_rebirth_doubles_production(api: Api, app: FastAPI) -> None:
    await money_to(app, api, REBIRTH_BASE)
    await api.post("/rebirth")
    await built(api, PLANT, money="0")
    assert value(await user_of(api), "production") == 2


async def test_chain_above_the_limit_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e12")
    response = await api.post("/rebirth", {"count": 2})
    assert response.status_code == 400
    assert response.json() == {"detail": "한 번에 최대 1회까지 환생할 수 있습니다."}
    assert (await user_of(api))["rebirth_count"] == 0


async def test_chain_requires_only_the_last_steps_price(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_chain_upgrade=2)
    await money_to(app, api, rebirth_cost(2))  # C(0 + 3 − 1), not C(0) + C(1) + C(2)
    response = await api.post("/rebirth", {"count": 3})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["rebirth_count"] == 3
    assert "8x" in response.json()["message"]


async def test_chain_without_the_last_steps_price_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_chain_upgrade=2)
    await money_to(app, api, rebirth_cost(2) - 1)
    response = await api.post("/rebirth", {"count": 3})
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money for rebirth"}


async def test_rebirth_price_grows_with_rebirths_held(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=1)
    await money_to(app, api, rebirth_cost(1) - 1)
    assert (await api.post("/rebirth")).status_code == 400
    await grant(app, api.user["user_id"], money="1")
    assert (await api.post("/rebirth")).json()["user"]["rebirth_count"] == 2


async def test_start_money_upgrade_multiplies_money_after_rebirth(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e7", rebirth_start_money_upgrade=2)
    user = (await api.post("/rebirth")).json()["user"]
    assert value(user, "money") == 1000


async def test_rebirth_count_below_one_is_rejected(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="2e7")
    response = await api.post("/rebirth", {"count": 0})
    assert 400 <= response.status_code < 500
    assert (await user_of(api))["rebirth_count"] == 0


@pytest.mark.parametrize("count", [10**10, 10**4000], ids=["1e10", "1e4000"])
async def test_any_count_above_the_chain_is_the_originals_400(api: Api, app: FastAPI, count: int) -> None:
    await grant(app, api.user["user_id"], money="1e12")
    started = time.monotonic()
    response = await api.post("/rebirth", {"count": count})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "한 번에 최대 1회까지 환생할 수 있습니다."},
    )
    assert time.monotonic() - started < 1  # no work that grows with the count
    assert (await user_of(api))["rebirth_count"] == 0


async def test_a_count_json_cannot_parse_is_4xx(api: Api) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    response = await api.http.post("/rebirth", content=b'{"count": 1%s}' % (b"0" * 5000), headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert (await user_of(api))["rebirth_count"] == 0
