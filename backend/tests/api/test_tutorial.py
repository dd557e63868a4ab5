"""Tutorial steps and their rewards (ORIGINAL-RULES §11; issue 2 decision 4: rewards paid once per account)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.conftest import user_of, value
from tests.conftest import Api, grant


async def step(api: Api, number: int) -> dict[str, Any]:
    response = await api.post("/tutorial/progress", {"step": number})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_status_of_a_fresh_player_is_step_one(api: Api) -> None:
    response = await api.get("/tutorial/status")
    assert response.status_code == 200
    assert response.json() == {"tutorial": 1}


async def test_progress_sets_the_step(api: Api) -> None:
    body = await step(api, 5)
    assert body["tutorial"] == 5
    assert isinstance(body["user"], dict)
    assert body["user"]["tutorial"] == 5
    assert isinstance(body["message"], str)
    assert (await api.get("/tutorial/status")).json() == {"tutorial": 5}


@pytest.mark.parametrize(("number", "reward"), [(11, 18), (13, 30)])
async def test_reward_step_pays_its_reward(api: Api, number: int, reward: int) -> None:
    body = await step(api, number)
    assert value(body["user"], "money") == 10 + reward


@pytest.mark.parametrize("number", [11, 13])
async def test_reward_step_pays_only_once(api: Api, number: int) -> None:
    money = value((await step(api, number))["user"], "money")
    await step(api, 1)
    await step(api, number)
    await step(api, number)
    assert value(await user_of(api), "money") == money


async def test_reward_is_not_paid_again_after_the_tutorial_restarts(api: Api) -> None:
    await step(api, 11)
    await step(api, 13)
    await step(api, 0)
    for number in range(1, 21):
        await step(api, number)
    assert value(await user_of(api), "money") == 10 + 18 + 30


async def test_other_steps_pay_nothing(api: Api) -> None:
    for number in (2, 10, 12, 14, 20, 0):
        await step(api, number)
    assert value(await user_of(api), "money") == 10


@pytest.mark.parametrize("number", [-1, 21, 1000])
async def test_step_out_of_range_is_400(api: Api, number: int) -> None:
    response = await api.post("/tutorial/progress", {"step": number})
    assert response.status_code == 400
    assert response.json() == {"detail": "Tutorial step must be between 0 and 20"}
    assert (await api.get("/tutorial/status")).json() == {"tutorial": 1}


async def test_skip_sets_step_zero(api: Api) -> None:
    response = await api.post("/tutorial/skip")
    assert response.status_code == 200
    assert response.json()["tutorial"] == 0
    assert isinstance(response.json()["message"], str)
    assert (await api.get("/tutorial/status")).json() == {"tutorial": 0}


async def test_skip_pays_no_reward(api: Api) -> None:
    await api.post("/tutorial/skip")
    assert value(await user_of(api), "money") == 10


async def test_progress_without_a_step_is_422(api: Api) -> None:
    response = await api.post("/tutorial/progress", {})
    assert response.status_code == 422


async def test_reward_is_not_paid_again_after_a_rebirth(api: Api, app: FastAPI) -> None:
    await step(api, 11)
    await grant(app, api.user["user_id"], money="2e7")
    assert (await api.post("/rebirth")).status_code == 200
    await step(api, 11)
    assert value(await user_of(api), "money") == 10
