"""An API process that starts while Redis is down runs and says so, instead of failing to boot in a loop."""

from __future__ import annotations

import pytest
from asgi_lifespan import LifespanManager
from structlog.testing import capture_logs

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


async def test_the_cause_of_an_outage_is_logged_once_a_second_not_for_every_request() -> None:
    app = create_app(make_settings(redis_url=NOWHERE))
    async with LifespanManager(app), http_client(app) as http:
        with capture_logs() as logs:
            answers = [await http.get("/progress", headers=bearer("some-token")) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [503] * 5
    causes = [line for line in logs if line["event"] == "storage_unavailable"]
    assert len(causes) <= 1  # the first, unless a test before logged this backend's within the second
    assert all(cause["backend"] == "redis" for cause in causes)
