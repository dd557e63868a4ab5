"""A request refused by the per-player limit is logged with its player, as the runbook's 429 section expects."""

from __future__ import annotations

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
