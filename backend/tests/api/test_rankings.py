"""GET /rank and GET /ranks (ORIGINAL-RULES §10; issue 2: limit at most 100)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.conftest import Clock, another_player, built
from tests.conftest import Api, grant

CRITERIA = ["money", "energy", "playtime", "rebirth", "supercoin"]


async def my_rank(api: Api, criteria: str = "money") -> dict[str, Any]:
    response = await api.get("/rank", params={"criteria": criteria})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def ranks(api: Api, **params: Any) -> dict[str, Any]:
    response = await api.get("/ranks", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("criteria", CRITERIA)
async def test_rank_answers_for_each_criterion(api: Api, criteria: str) -> None:
    body = await my_rank(api, criteria)
    assert body["username"] == api.user["username"]
    assert body["criteria"] == criteria
    assert body["rank"] >= 1


@pytest.mark.parametrize("criteria", ["money", "energy"])
async def test_big_number_scores_are_objects(api: Api, criteria: str) -> None:
    score = (await my_rank(api, criteria))["score"]
    assert {"data", "high", "displayValue"} <= score.keys()


async def test_money_score_is_the_players_money(api: Api) -> None:
    score = (await my_rank(api, "money"))["score"]
    assert (score["data"], score["high"]) == (10000, 0)


@pytest.mark.parametrize("criteria", ["playtime", "rebirth", "supercoin"])
async def test_count_scores_are_integers(api: Api, criteria: str) -> None:
    assert isinstance((await my_rank(api, criteria))["score"], int)


async def test_rebirth_and_supercoin_scores(api: Api, app: FastAPI) -> None:
    await grant(app, api.user["user_id"], rebirth_count=3, supercoin=4)
    assert (await my_rank(api, "rebirth"))["score"] == 3
    assert (await my_rank(api, "supercoin"))["score"] == 4


async def test_unknown_criteria_ranks_by_money(api: Api) -> None:
    body = await my_rank(api, "charisma")
    assert body["criteria"] == "money"
    assert body["rank"] == (await my_rank(api, "money"))["rank"]


async def test_ranks_order_players_by_money(api: Api, app: FastAPI) -> None:
    async with AsyncExitStack() as stack:
        players = [await stack.enter_async_context(another_player(app)) for _ in range(3)]
        for multiple, player in enumerate(players, start=1):
            await grant(app, player.user["user_id"], money=f"{multiple}e4000")  # richest is last
        positions = [(await my_rank(player))["rank"] for player in players]
        assert positions[0] > positions[1] > positions[2]
        for player, position in zip(players, positions, strict=True):
            page = await ranks(api, limit=1, offset=position - 1)
            assert [(row["username"], row["rank"]) for row in page["ranks"]] == [
                (player.user["username"], position)
            ]


async def test_ranks_page_rows_are_numbered_from_the_offset(api: Api) -> None:
    page = await ranks(api, limit=5, offset=2)
    assert (page["limit"], page["offset"], page["criteria"]) == (5, 2, "money")
    assert [row["rank"] for row in page["ranks"]] == list(range(3, 3 + len(page["ranks"])))
    assert page["total"] >= 1


async def test_ranks_are_sorted_by_score(api: Api) -> None:
    rows = (await ranks(api, limit=100))["ranks"]
    keys = [(row["score"]["high"], row["score"]["data"]) for row in rows]
    assert keys == sorted(keys, reverse=True)


async def test_ranks_total_counts_every_player(api: Api, app: FastAPI) -> None:
    before = (await ranks(api))["total"]
    async with another_player(app):
        assert (await ranks(api))["total"] == before + 1


async def test_ranks_default_limit_is_100(api: Api) -> None:
    page = await ranks(api)
    assert (page["limit"], page["offset"]) == (100, 0)
    assert len(page["ranks"]) <= 100


@pytest.mark.parametrize("criteria", CRITERIA)
async def test_ranks_for_each_criterion(api: Api, criteria: str) -> None:
    page = await ranks(api, criteria=criteria, limit=3)
    assert page["criteria"] == criteria
    assert len(page["ranks"]) <= 3


async def test_ranks_unknown_criteria_is_money(api: Api) -> None:
    assert (await ranks(api, criteria="charisma", limit=1))["criteria"] == "money"


async def test_ranks_far_past_the_last_player_is_an_empty_page(api: Api) -> None:
    body = await ranks(api, offset=10**12)
    assert body["offset"] == 10**12
    assert body["ranks"] == []
    assert body["total"] >= 1


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": 0}, {"limit": -1}, {"offset": -1}, {"limit": "x"}]
)
async def test_ranks_bad_paging_is_422(api: Api, params: dict[str, Any]) -> None:
    response = await api.get("/ranks", params=params)
    assert response.status_code == 422


async def test_ranks_offset_past_the_end_is_empty(api: Api) -> None:
    page = await ranks(api, offset=10**7)
    assert page["ranks"] == []


async def test_the_scheduled_refresh_moves_energy_scores_in_spread_batches(
    api: Api, app: FastAPI, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Energy grows without a save: the refresh job (every 5 s) brings the ranking's scores to now."""
    from tycoon.rankings import refresh
    from tycoon.rankings.scores import Criteria, shown_key

    async with AsyncExitStack() as stack:
        players = [api, *[await stack.enter_async_context(another_player(app)) for _ in range(2)]]
        ids = [player.user["user_id"] for player in players]
        for player in players:
            await built(player)
            await player.get("/progress")  # present: among the players the refresh visits

        async def shown_energy() -> list[Decimal]:
            shown = await app.state.redis.hmget(shown_key(Criteria.energy), ids)
            return [Decimal(value.replace(",", "E")) for value in shown]

        before = await shown_energy()
        clock.advance(30)
        monkeypatch.setattr(refresh, "BATCH", 1)
        monkeypatch.setattr(refresh, "SPREAD_SECONDS", 0.03)
        refreshed = await refresh.refresh_time_rankings(app.state.redis, app.state.game)
        after = await shown_energy()
    assert refreshed >= len(players)
    assert all(new > old for new, old in zip(after, before, strict=True)), (before, after)


async def test_rank_after_an_absence_is_that_of_the_score_shown(api: Api, app: FastAPI, clock: Clock) -> None:
    """The first request after an absence stores the energy made meanwhile: its rank counts that energy."""
    from tycoon.kit.bignum import BigValue
    from tycoon.rules.state import PlayerState

    def hundred_energy(state: PlayerState) -> None:
        state.energy = BigValue("100")

    await built(api)  # a plant cell: 1 energy/s, about 0 energy now
    async with another_player(app) as rival:
        await app.state.game.act_on_user(rival.user["user_id"], hundred_energy)
        clock.advance(3600)  # the player is away an hour: 3,600 energy, past the rival's 100
        after_absence = await my_rank(api, "energy")
        assert after_absence["rank"] == (await my_rank(api, "energy"))["rank"]
        assert after_absence["rank"] < (await my_rank(rival, "energy"))["rank"]
