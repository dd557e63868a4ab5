"""Requests refused by the per-player limit: logged with their player, as the runbook's 429 section expects, and
once refused, refused again without the session script until the bucket has a token again (ratelimit/memory.py)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import structlog
from asgi_lifespan import LifespanManager

from tests.conftest import Api, http_client, make_settings
from tycoon.app import create_app
from tycoon.config import StateStoreKind
from tycoon.observability import middleware


@pytest.mark.parametrize("store", list(StateStoreKind))
async def test_a_refused_request_is_logged_with_its_player(
    store: StateStoreKind, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(
        state_store=store,
        rate_limit_player_per_second=0.01,
        rate_limit_player_burst=3,
        log_json=True,
        log_level="INFO",
    )
    app = create_app(settings)
    # structlog caches a logger on first use: take one made under this app's configuration
    monkeypatch.setattr(middleware, "log", structlog.get_logger("tycoon.request"))
    async with LifespanManager(app), http_client(app) as http:
        api = Api(http)
        await api.signup()
        statuses = [(await http.get("/progress", headers=api.headers)).status_code for _ in range(5)]
    assert 429 in statuses
    lines = [orjson.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith("{")]
    refused = [line for line in lines if line.get("event") == "request" and line.get("status") == 429]
    assert refused
    assert {line["player_id"] for line in refused} == {api.user["user_id"]}
    # the refusals from the process's memory are answered before routing, and still name their route
    assert {line["route"] for line in refused} == {"/progress"}


@pytest.mark.parametrize("store", list(StateStoreKind))
async def test_a_refused_player_is_refused_again_without_the_session_script(
    store: StateStoreKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(
        make_settings(state_store=store, rate_limit_player_per_second=0.5, rate_limit_player_burst=2)
    )
    async with LifespanManager(app), http_client(app) as http:
        api = Api(http)
        await api.signup()
        calls: list[str] = []
        load = app.state.game.store.load_for_session

        async def counted(*args: Any, **kwargs: Any) -> Any:
            calls.append("load")
            return await load(*args, **kwargs)

        monkeypatch.setattr(app.state.game.store, "load_for_session", counted)
        answers = [await http.get("/progress", headers=api.headers) for _ in range(5)]
        assert [answer.status_code for answer in answers] == [200, 200, 429, 429, 429]
        assert len(calls) == 3  # the two served and the first refusal
        assert {answer.headers["ratelimit-policy"] for answer in answers[2:]} == {'"player";q=2;w=4'}
        assert 1 <= int(answers[-1].headers["retry-after"]) <= 2
        other = Api(http)
        await other.signup()
        assert (await http.get("/progress", headers=other.headers)).status_code == 200
