"""Issue 2 decision 6: no double spending under concurrent requests of one player."""

from __future__ import annotations

import asyncio

from tests.conftest import Api, grant


async def test_thirty_simultaneous_purchases_with_money_for_one_give_one_success(api: Api) -> None:
    app = api.http._transport.app  # type: ignore[attr-defined]
    await grant(app, api.user["user_id"], money="10")  # 20 money: the first production level costs 18
    responses = await asyncio.gather(*(api.post("/upgrade/production") for _ in range(30)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [400] * 29
    assert {r.json()["detail"] for r in responses if r.status_code == 400} == {"Not enough money"}
    user = (await api.get("/progress")).json()["user"]
    assert user["production_bonus"] == 1
    assert (user["money_data"], user["money_high"]) == (2000, 0)


async def test_simultaneous_placements_never_overspend(api: Api) -> None:
    app = api.http._transport.app  # type: ignore[attr-defined]
    await grant(app, api.user["user_id"], money="20")  # 30 money: three plant cells at 10
    responses = await asyncio.gather(*(api.place(x=10 * i) for i in range(12)))
    assert sum(r.status_code == 200 for r in responses) == 3
    body = (await api.get("/progress")).json()
    assert len(body["generators"]) == 3
    assert body["user"]["money_data"] == 0
