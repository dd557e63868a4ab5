from __future__ import annotations

from tests.conftest import Api


async def test_new_player_has_ten_money_and_no_generators(api: Api) -> None:
    response = await api.get("/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["generators"] == []
    assert (body["user"]["money_data"], body["user"]["money_high"]) == (10000, 0)
