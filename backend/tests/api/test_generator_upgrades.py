"""Per-generator upgrades and their bulk endpoint (ORIGINAL-RULES §7.2; issue 2 decision 5)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.api.conftest import PLANT, another_player, built, generator_of, place, user_of, value
from tests.conftest import Api, grant

# (m, g) per key, install cost 10 (plant cell)
PRICES = {"production": (Decimal(1), Decimal("1.25")), "heat_reduction": (Decimal("0.8"), Decimal("1.2")),
          "tolerance": (Decimal("0.9"), Decimal("1.2"))}  # fmt: skip


def price(key: str, level: int, amount: int, cost: int = 10) -> Decimal:
    """Σ_{i=1..N} C × m × g^(L+i)."""
    m, g = PRICES[key]
    return sum((cost * m * g ** (level + i) for i in range(1, amount + 1)), Decimal(0))


def upgrade_path(generator: dict[str, object]) -> str:
    return f"/progress/{generator['generator_id']}/upgrade"


@pytest.mark.parametrize("key", ["production", "heat_reduction", "tolerance"])
async def test_one_level_costs_the_closed_form_price(api: Api, app: FastAPI, key: str) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": key, "amount": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert value(body, "cost") == price(key, 0, 1)
    assert value(body["user"], "money") == 100 - price(key, 0, 1)
    assert body["generator"]["upgrades"][key] == 1


async def test_several_levels_cost_the_sum_of_their_prices(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1000")
    generator = await place(api)
    await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 2})
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 3})
    expected = price("production", 2, 3)  # 10 × (1.25³ + 1.25⁴ + 1.25⁵)
    assert float(value(response.json(), "cost")) == pytest.approx(float(expected), abs=0.001)  # wire: 0.001
    assert response.json()["generator"]["upgrades"]["production"] == 5


async def test_production_upgrade_adds_ten_percent_of_base_output(api: Api) -> None:
    generator = await built(api, PLANT)
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 3})
    assert value(response.json()["generator"], "production") == Decimal("1.3")
    assert value(response.json()["user"], "production") == Decimal("1.3")


async def test_upgrade_is_allowed_while_developing(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "tolerance", "amount": 1})
    assert response.status_code == 200, response.text


async def test_upgrade_without_enough_money_is_400(api: Api) -> None:
    generator = await place(api)  # money 0
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 1})
    assert response.status_code == 400
    assert response.json() == {"detail": "Not enough money"}
    assert (await generator_of(api, generator["generator_id"]))["upgrades"]["production"] == 0


async def test_unknown_upgrade_is_404(api: Api) -> None:
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "speed", "amount": 1})
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown upgrade"}


async def test_upgrade_of_an_unknown_generator_is_404(api: Api) -> None:
    response = await api.post(f"/progress/{uuid.uuid4()}/upgrade", {"upgrade": "production", "amount": 1})
    assert response.status_code == 404
    assert response.json() == {"detail": "Generator not found"}


async def test_a_long_unknown_upgrade_is_404(api: Api) -> None:
    generator = await place(api)  # any length: the original's 404, not a 422 for the length (review F7)
    response = await api.post(upgrade_path(generator), {"upgrade": "x" * 5000, "amount": 1})
    assert (response.status_code, response.json()) == (404, {"detail": "Unknown upgrade"})


async def test_an_unknown_generator_is_reported_before_an_unknown_upgrade(api: Api) -> None:
    response = await api.post(f"/progress/{uuid.uuid4()}/upgrade", {"upgrade": "nope", "amount": 1})
    assert (response.status_code, response.json()) == (404, {"detail": "Generator not found"})  # review F9


async def test_upgrade_of_another_players_generator_is_404(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e6")
    async with another_player(app) as other:
        generator = await place(other)
        response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 1})
    assert response.status_code == 404


async def test_upgrade_amount_above_ten_thousand_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9999")
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 10_001})
    assert response.status_code == 400
    assert (await generator_of(api, generator["generator_id"]))["upgrades"]["production"] == 0


async def test_upgrade_amount_far_above_ten_thousand_is_400(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9999")
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 10**13})
    assert response.status_code == 400
    assert (await generator_of(api, generator["generator_id"]))["upgrades"]["production"] == 0


async def test_upgrade_amount_of_ten_thousand_is_priced(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9999")
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": 10_000})
    assert response.status_code == 200, response.text
    assert response.json()["generator"]["upgrades"]["production"] == 10_000


@pytest.mark.parametrize("amount", [0, -1])
async def test_upgrade_amount_below_one_is_rejected(api: Api, amount: int) -> None:
    generator = await place(api)
    response = await api.post(upgrade_path(generator), {"upgrade": "production", "amount": amount})
    assert 400 <= response.status_code < 500


# POST /generators/bulk-upgrade
async def test_bulk_upgrade_applies_items_in_order(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)
    items = [{"generator_id": generator["generator_id"], "key": key, "amount": 1} for key in PRICES]
    response = await api.post("/generators/bulk-upgrade", {"upgrades": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["generators"][0]["upgrades"] == {"production": 1, "heat_reduction": 1, "tolerance": 1}
    spent = sum(price(key, 0, 1) for key in PRICES)
    assert value(body["user"], "money") == 100 - spent


async def test_bulk_upgrade_skips_unknown_generators_and_keys(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)
    items = [
        {"generator_id": str(uuid.uuid4()), "key": "production", "amount": 1},
        {"generator_id": generator["generator_id"], "key": "speed", "amount": 1},
        {"generator_id": generator["generator_id"], "key": "production", "amount": 1},
    ]
    response = await api.post("/generators/bulk-upgrade", {"upgrades": items})
    assert response.status_code == 200, response.text
    assert response.json()["generators"][0]["upgrades"]["production"] == 1


async def test_bulk_upgrade_skips_long_unknown_ids_and_keys(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)  # any length: skipped as in the original, not a 422 (review F7)
    items = [
        {"generator_id": "x" * 5000, "key": "production", "amount": 1},
        {"generator_id": generator["generator_id"], "key": "x" * 5000, "amount": 1},
        {"generator_id": generator["generator_id"], "key": "production", "amount": 1},
    ]
    response = await api.post("/generators/bulk-upgrade", {"upgrades": items})
    assert response.status_code == 200, response.text
    assert response.json()["generators"][0]["upgrades"]["production"] == 1


async def test_bulk_upgrade_stops_at_the_first_unaffordable_item(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="100")
    generator = await place(api)
    gid = generator["generator_id"]
    items = [
        {"generator_id": gid, "key": "production", "amount": 1},
        {"generator_id": gid, "key": "production", "amount": 50},
        {"generator_id": gid, "key": "tolerance", "amount": 1},
    ]
    body = (await api.post("/generators/bulk-upgrade", {"upgrades": items})).json()
    assert (await generator_of(api, gid))["upgrades"] == {
        "production": 1,
        "heat_reduction": 0,
        "tolerance": 0,
    }
    assert value(body["user"], "money") == 100 - price("production", 0, 1)


async def test_bulk_upgrade_with_nothing_affordable_changes_nothing(api: Api) -> None:
    generator = await place(api)  # money 0
    items = [{"generator_id": generator["generator_id"], "key": "production", "amount": 1}]
    response = await api.post("/generators/bulk-upgrade", {"upgrades": items})
    assert response.status_code == 200
    assert value(await user_of(api), "money") == 0
    assert (await generator_of(api, generator["generator_id"]))["upgrades"]["production"] == 0


# Issue 2 decision 5: amounts above 10 000 per request are a 400; in a bulk request, for the whole request,
# before anything changes (the items before it are not applied either).
@pytest.mark.parametrize("amount", [10_001, 10**13])
async def test_bulk_upgrade_with_an_item_above_ten_thousand_is_400(
    api: Api, app: FastAPI, amount: int
) -> None:
    await grant(app, api.user["user_id"], money="1e9999")
    generator = await place(api)
    gid = generator["generator_id"]
    items = [
        {"generator_id": gid, "key": "tolerance", "amount": 2},
        {"generator_id": gid, "key": "production", "amount": amount},
    ]
    response = await api.post("/generators/bulk-upgrade", {"upgrades": items})
    assert response.status_code == 400, response.text
    assert (await generator_of(api, gid))["upgrades"] == {
        "production": 0,
        "heat_reduction": 0,
        "tolerance": 0,
    }
