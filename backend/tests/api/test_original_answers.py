"""Where a conformance review found our answer differing from the original's (ORIGINAL-RULES §6-§12): the
original's status and body, whatever the length or shape of what names the thing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.api.conftest import place, progress, user_of
from tests.conftest import Api, grant

TOKEN_LIKE = "uWsaD6SUi3sQFucygMevoCO5IqFyVEoyBqOBTQZ7pII"  # the original client sends its token as criteria


@pytest.mark.parametrize("path", ["/upgrade/nope", "/upgrade/" + "x" * 100, "/special/nope"])
async def test_unknown_upgrade_or_shop_item_is_the_originals_404(api: Api, app: FastAPI, path: str) -> None:
    await grant(app, api.user["user_id"], money="1e9", supercoin=5)
    before = await user_of(api)
    response = await api.post(path, {"amount": 1})
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    after = await user_of(api)
    assert (after["money_data"], after["money_high"], after["supercoin"]) == (
        before["money_data"],
        before["money_high"],
        before["supercoin"],
    )


async def test_bulk_without_a_failure_has_no_failed_key(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1000")
    body = (await api.post("/upgrade/bulk", {"upgrades": [{"endpoint": "production", "amount": 1}]})).json()
    assert body["partial_failure"] is False
    assert "failed" not in body


async def test_exchange_without_amount_high_is_422(api: Api) -> None:
    response = await api.post("/change/energy2money", {"amount_data": 1000})
    assert response.status_code == 422


async def test_shop_checks_supercoin_before_the_cap(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], build_speed_reduction=9, supercoin=0)
    response = await api.post("/special/build_speed")
    assert (response.status_code, response.json()) == (400, {"detail": "슈퍼코인이 부족합니다."})


@pytest.mark.parametrize("path", ["/rank", "/ranks"])
async def test_a_long_unknown_criteria_means_money(api: Api, path: str) -> None:
    response = await api.get(path, params={"criteria": TOKEN_LIKE})
    assert response.status_code == 200, response.text
    assert response.json()["criteria"] == "money"


@pytest.mark.parametrize("step", [10**10, -(10**30)])
async def test_a_far_tutorial_step_is_the_originals_400(api: Api, step: int) -> None:
    response = await api.post("/tutorial/progress", {"step": step})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Tutorial step must be between 0 and 20"},
    )


async def test_a_long_unknown_inquiry_type_is_400(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "t" * 40, "content": "hello"})
    assert response.status_code == 400


@pytest.mark.parametrize("inquiry_id", ["i" * 100, "%00", "a%00b"])
@pytest.mark.parametrize("action", ["accept", "reject"])
async def test_an_inquiry_id_that_cannot_exist_is_404(admin: Api, inquiry_id: str, action: str) -> None:
    response = await admin.post(f"/inquiries/{inquiry_id}/{action}")
    assert (response.status_code, response.json()) == (404, {"detail": "Inquiry not found"})


@pytest.mark.parametrize("generator_id", ["g" * 100, "%00"])
async def test_a_generator_id_that_cannot_exist_is_404(api: Api, app: FastAPI, generator_id: str) -> None:
    await grant(app, api.user["user_id"], money="1e9")
    await place(api)
    prefix = f"/progress/{generator_id}"
    for response in [
        await api.delete(prefix),
        await api.post(f"{prefix}/state", {"running": False}),
        await api.post(f"{prefix}/upgrade", {"upgrade": "production", "amount": 1}),
        await api.post(f"{prefix}/build/skip"),
    ]:
        assert (response.status_code, response.json()) == (404, {"detail": "Generator not found"})
    assert len((await progress(api))["generators"]) == 1


async def test_state_of_an_unknown_generator_is_404_before_no_changes(api: Api) -> None:
    response = await api.post("/progress/nope/state", {})
    assert (response.status_code, response.json()) == (404, {"detail": "Generator not found"})


async def test_state_with_only_explode_false_is_no_change(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9")
    generator = await place(api)
    response = await api.post(f"/progress/{generator['generator_id']}/state", {"explode": False})
    assert (response.status_code, response.json()) == (400, {"detail": "No changes provided"})


async def test_an_empty_user_id_is_no_user_id(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9")
    assert (await api.get("/progress", params={"user_id": ""})).status_code == 200
    body = {"user_id": "", "generator_type_id": await api.type_id(), "x_position": 5, "world_position": 0}
    assert (await api.post("/progress", body)).status_code == 200


async def test_a_long_unknown_generator_type_is_404(api: Api) -> None:
    body = {
        "user_id": api.user["user_id"],
        "generator_type_id": "t" * 70,
        "x_position": 5,
        "world_position": 0,
    }
    response = await api.post("/progress", body)
    assert (response.status_code, response.json()) == (404, {"detail": "Generator type not found"})


async def test_any_position_is_allowed_as_in_the_original(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], money="1e9")
    body = {"user_id": "", "generator_type_id": await api.type_id(), "x_position": -5, "world_position": 3}
    response = await api.post("/progress", body)
    assert response.status_code == 200, response.text
    assert (response.json()["generator"]["x_position"], response.json()["generator"]["world_position"]) == (
        -5,
        3,
    )


async def test_a_json_body_without_a_content_type_is_read_as_json(api: Api, app: FastAPI) -> None:
    # The original's FastAPI read such a body as JSON; FastAPI ≥ 0.132 refuses it unless told not to.
    await grant(app, api.user["user_id"], money="1000")
    response = await api.http.post("/upgrade/production", content=b'{"amount": 1}', headers=api.headers)
    assert response.status_code == 200, response.text
    assert response.json()["production_bonus"] == 1
