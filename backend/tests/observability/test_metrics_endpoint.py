"""/metrics has the HTTP and game metrics, and they move with requests (single process here; several
gunicorn workers in test_gunicorn_metrics.py)."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from tests.conftest import make_settings
from tycoon.app import create_app
from tycoon.config import Settings
from tycoon.observability import metrics
from tycoon.observability.background import KEY_PREFIX
from tycoon.observability.metrics import setup_metrics

GAME_METRICS = (
    "tycoon_actions",
    "tycoon_cache_requests",
    "tycoon_rate_limited",
    "tycoon_storage_errors",
    "tycoon_overload_rejected",
    "tycoon_overload_waited",
    "tycoon_active_players",
    "tycoon_write_behind_lag_seconds",
    "tycoon_write_behind_backlog",
    "tycoon_job_queue_depth",
    "tycoon_dependency_up",
    "tycoon_background_last_seen_timestamp_seconds",
    "tycoon_background_storage_errors",
    "tycoon_background_write_behind_refused",
)


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_every_metric_of_the_runbook_is_exposed(client: httpx.AsyncClient) -> None:
    metrics.ACTIONS.labels(action="build")
    response = await client.get("/metrics")
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"http_requests", "http_request_duration_seconds", *GAME_METRICS} <= families


async def test_http_metrics_move_by_route_template_and_status(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    for number in range(5):
        await client.get(f"/items/{number}")
    await client.get("/limited")
    await client.get("/boom")
    after = await scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("http_requests_total", method="GET", handler="/items/{item_id}", status="200") == 5
    assert moved("http_requests_total", method="GET", handler="/limited", status="429") == 1
    assert moved("http_requests_total", method="GET", handler="/boom", status="500") == 1
    assert moved("http_request_duration_seconds_count", method="GET", handler="/items/{item_id}") == 5
    assert (
        moved("http_request_duration_seconds_bucket", method="GET", handler="/items/{item_id}", le="+Inf")
        == 5
    )
    assert moved("tycoon_rate_limited_total", scope="player") == 1


async def test_odd_methods_and_paths_do_not_make_new_series(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    await client.request("BREW", "/coffee/pot/1")
    await client.get("/random/junk/path")
    after = await scrape(client)
    assert (
        value(after, "http_requests_total", method="other", handler="unmatched", status="404")
        - value(before, "http_requests_total", method="other", handler="unmatched", status="404")
        == 1
    )
    assert not any("/random" in dict(labels).get("handler", "") for _, labels in after)


async def test_game_metrics_move(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    metrics.ACTIONS.labels(action="build").inc(3)
    metrics.CACHE_REQUESTS.labels(cache="catalogue", result="hit").inc()
    metrics.STORAGE_ERRORS.labels(backend="redis").inc()
    metrics.OVERLOAD_REJECTED.labels(bound="database").inc()
    metrics.OVERLOAD_WAITED.labels(bound="game").inc()
    after = await scrape(client)
    assert (
        value(after, "tycoon_actions_total", action="build")
        - value(before, "tycoon_actions_total", action="build")
        == 3
    )
    for name, labels in [
        ("tycoon_cache_requests_total", {"cache": "catalogue", "result": "hit"}),
        ("tycoon_storage_errors_total", {"backend": "redis"}),
        ("tycoon_overload_rejected_total", {"bound": "database"}),
        ("tycoon_overload_waited_total", {"bound": "game"}),
    ]:
        assert delta(before, after, name, **labels) == 1


async def test_values_measured_by_the_worker_arrive_through_redis(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    await redis.delete(*[f"{KEY_PREFIX}:{part}" for part in ("gauges", "heartbeats", "counters")])
    await metrics.report_gauges(redis, {metrics.WRITE_BEHIND_LAG_SECONDS: 1.5, metrics.JOB_QUEUE_DEPTH: 12})
    metrics.STORAGE_ERRORS.labels(backend="postgres").inc(2)
    await metrics.report_heartbeat(redis, "worker")
    metrics.WRITE_BEHIND_LAG_SECONDS.set(99)  # an API process's stale copy: the scrape takes Redis's value
    samples = await scrape(client)
    assert value(samples, "tycoon_write_behind_lag_seconds") == 1.5
    assert value(samples, "tycoon_job_queue_depth") == 12
    assert value(samples, "tycoon_background_last_seen_timestamp_seconds", role="worker") > 0
    assert value(samples, "tycoon_background_storage_errors_total", backend="postgres") >= 2


async def test_metrics_are_served_when_redis_is_down(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.redis = Redis.from_url("redis://127.0.0.1:1/5", socket_connect_timeout=0.2)
    try:
        response = await client.get("/metrics")
    finally:
        await app.state.redis.aclose()
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    samples = parse(response.text)
    assert value(samples, "tycoon_dependency_up", dependency="redis") == 0
    assert value(samples, "tycoon_dependency_up", dependency="postgres") == 1


async def test_dependencies_are_up_when_reachable(client: httpx.AsyncClient) -> None:
    samples = await scrape(client)
    assert value(samples, "tycoon_dependency_up", dependency="redis") == 1
    assert value(samples, "tycoon_dependency_up", dependency="postgres") == 1


async def test_a_token_protects_the_scrape(settings: Settings) -> None:
    app = FastAPI()
    setup_metrics(app, settings, token="s3cret-scrape-token")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert "http_requests_total" in right.text


async def test_the_token_setting_protects_the_game_servers_scrape() -> None:
    app = create_app(make_settings(metrics_token="from-the-environment"))
    transport = httpx.ASGITransport(app=app)
    async with (
        LifespanManager(app),  # /metrics is rate-limited per address, in Redis
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        assert (await client.get("/metrics")).status_code == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer from-the-environment"})
        assert right.status_code == 200
