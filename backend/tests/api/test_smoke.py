from __future__ import annotations

from tests.conftest import Api


async def test_new_player_has_ten_money_and_no_generators(api: Api) -> None:
    response = await api.get("/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["generators"] == []
    assert (body["user"]["money_data"], body["user"]["money_high"]) == (10000, 0)


async def test_answers_match_their_documented_models(api: Api) -> None:
    """Hot routes build plain data for speed; the OpenAPI models must still describe it exactly."""
    from tycoon.generators.endpoints import GeneratorEnvelope, PlaceOut, ProgressOut

    placed = await api.place()
    assert placed.status_code == 200
    PlaceOut.model_validate(placed.json(), strict=True)
    progress = await api.get("/progress")
    ProgressOut.model_validate(progress.json(), strict=True)
    generator_id = placed.json()["generator"]["generator_id"]
    paused = await api.post(f"/progress/{generator_id}/state", {"running": False})
    envelope = GeneratorEnvelope.model_validate(paused.json(), strict=True)
    assert set(paused.json()["user"]) == set(type(envelope.user).model_fields)
    assert set(paused.json()["generator"]) == set(type(envelope.generator).model_fields)


async def test_ranking_answers_match_their_documented_models(api: Api) -> None:
    from tycoon.rankings.endpoints import RankOut, RanksOut

    for criteria in ("money", "energy", "playtime", "rebirth", "supercoin"):
        mine = await api.get(f"/rank?criteria={criteria}")
        page = await api.get(f"/ranks?criteria={criteria}&limit=5")
        assert (mine.status_code, page.status_code) == (200, 200)
        RankOut.model_validate(mine.json(), strict=True)
        parsed = RanksOut.model_validate(page.json(), strict=True)
        assert parsed.ranks, "the caller at least is ranked"
        assert set(page.json()["ranks"][0]) == set(type(parsed.ranks[0]).model_fields)
