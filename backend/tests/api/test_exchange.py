"""Selling energy for money (ORIGINAL-RULES §6; issue 2 decision 4: amount > 0 and ≤ energy)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.api.conftest import PLANT, another_player, app_of, built, progress, user_of, value, wire
from tests.conftest import Api, grant, rewind


async def with_energy(api: Api, seconds: float = 100) -> Decimal:
    """A plant cell (the player's money is then 0) running for `seconds`; returns the energy."""
    await built(api, PLANT, money="0")
    await rewind(app_of(api), api.user["user_id"], seconds)
    return value(await user_of(api), "energy")


def growth(sold: float) -> float:
    """1 + 0.05 × ⌊log₃ sold⌋ (at least 1)."""
    return 1 + 0.05 * math.floor(max(0.0, math.log(max(1.0, sold), 3)))


async def sell(api: Api, amount: float) -> dict[str, object]:
    response = await api.post("/change/energy2money", wire("amount", amount))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_sell_moves_energy_to_money(api: Api) -> None:
    energy = await with_energy(api)
    body = await sell(api, 50)
    assert float(value(body, "energy")) == pytest.approx(float(energy) - 50, abs=0.1)
    assert value(body, "money") == value(body, "gained")
    assert float(value(body, "gained")) == pytest.approx(50 / growth(25), rel=1e-3)  # priced at the midpoint


async def test_sell_response_carries_rate_and_user(api: Api) -> None:
    await with_energy(api)
    body = await sell(api, 50)
    assert {"rate", "rate_data", "rate_high", "gained_data", "gained_high", "user"} <= body.keys()
    assert body["rate"] == pytest.approx(1 / growth(25), rel=1e-3)
    assert isinstance(body["user"], dict)
    assert value(body["user"], "money") == value(body, "money")


async def test_sell_adds_to_sold_energy(api: Api) -> None:
    await with_energy(api)
    await sell(api, 30)
    await sell(api, 20)
    assert value(await user_of(api), "sold_energy") == 50


async def test_selling_lowers_the_rate(api: Api) -> None:
    await with_energy(api)
    await sell(api, 50)
    rate = (await api.get("/change/rate")).json()
    assert rate["rate"] == pytest.approx(1 / growth(50), rel=1e-3)


async def test_sell_all_energy(api: Api) -> None:
    energy = await with_energy(api)
    user = await user_of(api)
    response = await api.post("/change/energy2money", {"amount_data": user["energy_data"], "amount_high": 0})
    assert response.status_code == 200, response.text
    assert float(value(response.json(), "energy")) == pytest.approx(0, abs=0.1)
    assert value(response.json()["user"], "sold_energy") >= energy


@pytest.mark.parametrize(
    "amount",
    [{"amount_data": 0, "amount_high": 0}, {"amount_data": -5000, "amount_high": 0},
     {"amount_data": -500000, "amount_high": 2}, {"amount_data": 0, "amount_high": 5}],
    ids=["zero", "negative", "negative-with-high", "zero-with-high"],
)  # fmt: skip
async def test_sell_of_a_non_positive_amount_is_400(api: Api, amount: dict[str, int]) -> None:
    energy = await with_energy(api)
    response = await api.post("/change/energy2money", amount)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid amount"}
    user = await user_of(api)
    assert value(user, "money") == value(user, "sold_energy") == 0
    assert value(user, "energy") >= energy


async def test_sell_more_than_the_energy_is_400(api: Api) -> None:
    await with_energy(api, 10)
    response = await api.post("/change/energy2money", wire("amount", 500))
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough energy"}
    assert value(await user_of(api), "money") == 0


async def test_sell_with_no_energy_is_400(api: Api) -> None:
    response = await api.post("/change/energy2money", wire("amount", 1))
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough energy"}


# The original client sells a share of its own estimate of the energy, which runs up to about a second of
# production ahead of the server's (review F1): up to 2 s of production over the energy sells all of it.
async def test_a_little_more_than_the_energy_sells_all_of_it(api: Api) -> None:
    energy = await with_energy(api)  # a plant cell: 1 energy/s
    asked = energy + Decimal("1.5")
    response = await api.post("/change/energy2money", wire("amount", asked))
    assert response.status_code == 200, response.text
    body = response.json()
    assert value(body, "energy") == 0
    sold = value(body["user"], "sold_energy")
    assert energy <= sold < asked
    assert value(body, "money") == value(body, "gained") > 0


async def test_more_than_two_seconds_of_production_over_the_energy_is_400(api: Api) -> None:
    energy = await with_energy(api)
    response = await api.post("/change/energy2money", wire("amount", energy + 3))
    assert (response.status_code, response.json()) == (400, {"detail": "Not enough energy"})
    assert value(await user_of(api), "sold_energy") == 0


async def test_without_production_more_than_one_wire_step_over_is_400(api: Api) -> None:
    await with_energy(api)
    generator = (await progress(api))["generators"][0]
    await api.post(f"/progress/{generator['generator_id']}/state", {"running": False})
    energy = value(await user_of(api), "energy")  # the wire truncates below 0.001
    response = await api.post("/change/energy2money", wire("amount", energy + Decimal("0.002")))
    assert (response.status_code, response.json()) == (400, {"detail": "Not enough energy"})
    assert value(await user_of(api), "sold_energy") == 0


async def test_without_production_the_wire_energy_rounded_up_sells_all_of_it(api: Api) -> None:
    # a client knows the energy as the wire's digits, truncated: one step more asks for all of it
    await with_energy(api)
    generator = (await progress(api))["generators"][0]
    await api.post(f"/progress/{generator['generator_id']}/state", {"running": False})
    energy = value(await user_of(api), "energy")
    response = await api.post("/change/energy2money", wire("amount", energy + Decimal("0.001")))
    assert response.status_code == 200, response.text
    assert value(response.json(), "energy") == 0
    assert energy <= value(response.json()["user"], "sold_energy") < energy + Decimal("0.001")


async def test_sell_for_another_user_id_is_403(api: Api, app: FastAPI) -> None:
    await with_energy(api)
    async with another_player(app) as other:
        body = {"user_id": other.user["user_id"], **wire("amount", 10)}
        response = await api.post("/change/energy2money", body)
    assert response.status_code == 403
    assert response.json() == {"detail": "User mismatch"}


async def test_sell_for_a_long_user_id_is_the_originals_403(api: Api) -> None:
    await with_energy(api)  # any length: the original's 403, not a 422 for the length (review F7)
    response = await api.post("/change/energy2money", {"user_id": "x" * 5000, **wire("amount", 10)})
    assert (response.status_code, response.json()) == (403, {"detail": "User mismatch"})


async def test_rate_of_a_fresh_player_is_one(api: Api) -> None:
    response = await api.get("/change/rate")
    assert response.status_code == 200
    assert response.json() == {"rate": 1, "rate_data": 1000, "rate_high": 0}


async def test_demand_upgrade_raises_the_rate(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="20")
    assert (await api.post("/upgrade/demand")).status_code == 200
    rate = (await api.get("/change/rate")).json()
    assert rate["rate"] == pytest.approx(1.05)
    assert (rate["rate_data"], rate["rate_high"]) == (1050, 0)


async def test_rebirths_and_exchange_multiplier_double_the_rate(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=2, exchange_rate_multiplier=1)
    assert (await api.get("/change/rate")).json()["rate"] == pytest.approx(8)
