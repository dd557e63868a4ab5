"""Production while away, capped at OFFLINE_CAP_SECONDS; play time measured by the server (issue 2, 2–4).

`clock` moves the server's wall clock forward with no request in between: a real absence.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.api.conftest import PLANT, Clock, another_player, built, login, user_of, value
from tests.conftest import Api


async def energy_after_away(api: Api, clock: Clock, seconds: float) -> float:
    """A plant cell (1 energy/s) built, then the player stays away for `seconds`; returns the energy gained."""
    await built(api, PLANT, money="0")
    before = value(await user_of(api), "energy")
    clock.advance(seconds)
    return float(value(await user_of(api), "energy") - before)


async def test_energy_grows_while_the_player_is_away(api: Api, clock: Clock) -> None:
    assert await energy_after_away(api, clock, 3600) == pytest.approx(3600, abs=1)


async def test_away_production_stops_at_the_default_cap_of_eight_hours(api: Api, clock: Clock) -> None:
    assert await energy_after_away(api, clock, 40_000) == pytest.approx(28_800, abs=1)


async def test_away_production_below_the_cap_is_not_cut(short_cap_app: FastAPI, clock: Clock) -> None:
    async with another_player(short_cap_app) as player:
        assert await energy_after_away(player, clock, 55) == pytest.approx(55, abs=1)


async def test_production_resumes_after_a_long_absence(api: Api, clock: Clock) -> None:
    await energy_after_away(api, clock, 40_000)
    before = value(await user_of(api), "energy")
    for _ in range(5):  # present: a request every 20 s
        clock.advance(20)
        energy = value(await user_of(api), "energy")
    assert float(energy - before) == pytest.approx(100, abs=1)


async def test_play_time_counts_the_time_between_requests(api: Api, clock: Clock) -> None:
    start = (await user_of(api))["play_time_ms"]
    for _ in range(6):
        clock.advance(30)
        await api.get("/tutorial/status")
    assert (await user_of(api))["play_time_ms"] - start == pytest.approx(180_000, abs=1000)


async def test_play_time_does_not_count_an_absence(api: Api, clock: Clock) -> None:
    start = (await user_of(api))["play_time_ms"]
    clock.advance(3600)
    await api.get("/tutorial/status")
    assert (await user_of(api))["play_time_ms"] - start < 1000


async def test_an_admins_decision_pays_no_production_past_the_cap(api: Api, admin: Api, clock: Clock) -> None:
    """Accepting an inquiry (or `tycoon grant-money`) settles a player who left with the cap their own next
    request applies: it must not store the whole absence's production (review D2)."""
    await built(api, PLANT, money="0")
    inquiry = (await api.post("/inquiries", {"type": "bug", "content": "a bug"})).json()
    before = value(await user_of(api), "energy")
    clock.advance(40_000)
    accepted = await admin.post(f"/inquiries/{inquiry['inquiry_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    user = await user_of(api)
    assert float(value(user, "energy") - before) == pytest.approx(28_800, abs=1)
    assert user["supercoin"] == 1


async def test_the_login_answer_shows_production_up_to_the_cap(api: Api, clock: Clock) -> None:
    """The login answer agrees with the player's next request (review D3: it showed the whole absence)."""
    await built(api, PLANT, money="0")
    before = value(await user_of(api), "energy")
    clock.advance(40_000)
    response = await login(api.http, api.user["username"])
    assert response.status_code == 200, response.text
    assert float(value(response.json()["user"], "energy") - before) == pytest.approx(28_800, abs=1)
    assert float(value(await user_of(api), "energy") - before) == pytest.approx(28_800, abs=1)
