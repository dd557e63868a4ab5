"""An API process that starts while Redis is down runs and says so, instead of failing to boot in a loop."""

from __future__ import annotations

import pytest
from asgi_lifespan import LifespanManager

from tests.api.conftest import bearer
from tests.conftest import http_client, make_settings
from tycoon.app import create_app

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.parametrize("store", ["redis", "postgres"])
async def test_the_api_starts_without_redis_and_answers_503(store: str) -> None:
    app = create_app(make_settings(redis_url=NOWHERE, state_store=store))
    async with LifespanManager(app), http_client(app) as http:
        assert (await http.get("/healthz")).status_code == 200  # alive: no restart loop
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert "redis" in ready.text
        served = await http.get("/progress", headers=bearer("some-token"))
        assert served.status_code == 503
        assert served.headers["retry-after"] == "1"
        assert app.state.game.catalogue.current.types  # the catalogue came from PostgreSQL
