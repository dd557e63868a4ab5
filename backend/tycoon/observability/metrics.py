"""Prometheus metrics: HTTP traffic by route template, the game's own metrics, and GET /metrics.

Several gunicorn workers: `tycoon api` sets PROMETHEUS_MULTIPROC_DIR before anything imports
prometheus_client, each worker writes its values to files there, and /metrics merges the files
(gunicorn_conf.py wipes the directory at start and folds the files of exited workers). Gauges use the
`mostrecent` mode. Values measured by the worker and the scheduler arrive through Redis (background.py).

HTTP metrics are recorded by a pure ASGI middleware from the route FastAPI already matched: measured here,
prometheus-fastapi-instrumentator's middleware re-matches every route and more than doubled the cost of a
request on a 60-route app (94 µs → 200+ µs per request in-process), so it is not used.
"""

from __future__ import annotations

import asyncio
import hmac
import os
from time import perf_counter

import structlog
from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tycoon.config import Settings
from tycoon.health.endpoints import check_postgres
from tycoon.observability.background import BackgroundMetrics
from tycoon.observability.middleware import route_template

log = structlog.get_logger("tycoon.metrics")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
KNOWN_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
DEPENDENCY_TIMEOUT_SECONDS = 1.0
DEPENDENCY_CHECK_INTERVAL_SECONDS = 1.0

# HTTP (names and labels as prometheus-fastapi-instrumentator's, so its dashboards apply)
HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status",
    ["method", "handler", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from request start to response end, by method and route template",
    ["method", "handler"],
    buckets=LATENCY_BUCKETS,
)

# The game: imported and updated by the game code
ACTIONS = Counter("tycoon_actions_total", "Game actions performed, by action", ["action"])
CACHE_REQUESTS = Counter(
    "tycoon_cache_requests_total", "Cache look-ups by cache and result (hit, miss)", ["cache", "result"]
)
PLAYER_CACHE_HIT = CACHE_REQUESTS.labels(cache="player", result="hit")  # state found in Redis
PLAYER_CACHE_MISS = CACHE_REQUESTS.labels(cache="player", result="miss")  # loaded from PostgreSQL
CATALOGUE_CACHE_HIT = CACHE_REQUESTS.labels(cache="catalogue", result="hit")
CATALOGUE_CACHE_MISS = CACHE_REQUESTS.labels(cache="catalogue", result="miss")
RATE_LIMITED = Counter("tycoon_rate_limited_total", "Requests refused with 429, by limit scope", ["scope"])
STORAGE_ERRORS = Counter(
    "tycoon_storage_errors_total", "Errors talking to a storage backend (redis, postgres)", ["backend"]
)
# In the worker: player copies PostgreSQL refused and Redis forgot (players/persistence.py); changes made on them
# are lost, so any increase wants a look (runbook: TycoonWriteBehindRefused).
WRITE_BEHIND_REFUSED = Counter(
    "tycoon_write_behind_refused_total", "Player copies PostgreSQL refused as not descending from its row"
)
# bound: "game" (the Redis-only routes) or "database" (app.py DATABASE_ROUTES), each with its own slots
OVERLOAD_REJECTED = Counter(
    "tycoon_overload_rejected_total", "Requests shed because a worker was at capacity", ["bound"]
)
BODY_REJECTED = Counter(
    "tycoon_body_rejected_total",
    "Requests refused by the body guard: 413 body too large, 408 body not received in time, 503 too many bodies",
    ["status"],
)
OVERLOAD_WAITED = Counter(
    "tycoon_overload_waited_total",
    "Requests that waited for a slot because their worker was at capacity",
    ["bound"],
)
for _bound in ("game", "database"):  # both series exist from the start, at 0
    OVERLOAD_REJECTED.labels(bound=_bound)
    OVERLOAD_WAITED.labels(bound=_bound)


def _latest_value_gauge(name: str, documentation: str) -> Gauge:
    # `mostrecent`: across processes the latest value set wins (see background.py for how it gets set).
    return Gauge(name, documentation, multiprocess_mode="mostrecent")


ACTIVE_PLAYERS = _latest_value_gauge("tycoon_active_players", "Players with a request in the presence window")
WRITE_BEHIND_LAG_SECONDS = _latest_value_gauge(
    "tycoon_write_behind_lag_seconds", "Age of the oldest change not yet written to PostgreSQL"
)
WRITE_BEHIND_BACKLOG = _latest_value_gauge(
    "tycoon_write_behind_backlog", "Players with changes not yet written to PostgreSQL"
)
JOB_QUEUE_DEPTH = _latest_value_gauge("tycoon_job_queue_depth", "Jobs waiting in the job queue")
# Set at each scrape: 1 when this API process reached the dependency (redis, postgres) within a second.
DEPENDENCY_UP = Gauge(
    "tycoon_dependency_up",
    "1 when the API reached the dependency at the last scrape, else 0",
    ["dependency"],
    multiprocess_mode="mostrecent",
)

BACKGROUND = BackgroundMetrics(
    gauges={
        "active_players": ACTIVE_PLAYERS,
        "write_behind_lag_seconds": WRITE_BEHIND_LAG_SECONDS,
        "write_behind_backlog": WRITE_BEHIND_BACKLOG,
        "job_queue_depth": JOB_QUEUE_DEPTH,
    },
    counters={"storage_errors": STORAGE_ERRORS, "write_behind_refused": WRITE_BEHIND_REFUSED},
)
# In the worker and the scheduler: `await report_gauges(redis, {WRITE_BEHIND_LAG_SECONDS: lag, ...})` and,
# every ~15 s, `await report_heartbeat(redis, "worker")`.
report_gauges = BACKGROUND.report_gauges
report_heartbeat = BACKGROUND.report_heartbeat

_BACKGROUND_REGISTRY = CollectorRegistry(auto_describe=False)
_BACKGROUND_REGISTRY.register(BACKGROUND)


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._requests: dict[tuple[str, str, int], Counter] = {}
        self._durations: dict[tuple[str, str], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_keeping_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, send_keeping_status)
        finally:
            self._record(scope["method"], route_template(scope), status, perf_counter() - started)

    def _record(self, method: str, handler: str, status: int, seconds: float) -> None:
        method = method if method in KNOWN_METHODS else "other"  # methods are client-chosen: bound the labels
        counter = self._requests.get((method, handler, status))
        if counter is None:
            counter = HTTP_REQUESTS.labels(method, handler, str(status))
            self._requests[method, handler, status] = counter
        histogram = self._durations.get((method, handler))
        if histogram is None:
            histogram = self._durations[method, handler] = HTTP_DURATION.labels(method, handler)
        counter.inc()
        histogram.observe(seconds)


def multiprocess_dir() -> str | None:
    # prometheus_client reads the variable from the environment when it is imported, not from Settings.
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def setup_metrics(app: FastAPI, settings: Settings, token: str | None = None) -> None:
    """Record HTTP metrics and serve GET /metrics; with a token, /metrics wants `Authorization: Bearer`."""
    if settings.prometheus_multiproc_dir and settings.prometheus_multiproc_dir != multiprocess_dir():
        raise RuntimeError("PROMETHEUS_MULTIPROC_DIR must be in the process environment before start")
    app.add_middleware(HttpMetricsMiddleware)
    expected = f"Bearer {token}".encode() if token else None

    async def metrics(request: Request) -> Response:
        if expected and not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await _check_dependencies(request.app.state)
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)


async def _check_dependencies(state: State) -> None:
    redis: Redis | None = getattr(state, "redis", None)
    engine: AsyncEngine | None = getattr(state, "engine", None)
    if redis is not None:
        DEPENDENCY_UP.labels("redis").set(await _refresh_background(redis))
    if engine is not None and _postgres_check_due(state):
        DEPENDENCY_UP.labels("postgres").set(await check_postgres(engine, DEPENDENCY_TIMEOUT_SECONDS) == "ok")


def _postgres_check_due(state: State) -> bool:
    """At most once a second per process: /metrics is open when no METRICS_TOKEN is set, and a flood of it must
    not become a flood of PostgreSQL queries (Prometheus scrapes every 15 s or so)."""
    now = perf_counter()
    last: float = getattr(state, "postgres_checked_at", -DEPENDENCY_CHECK_INTERVAL_SECONDS)
    if now - last < DEPENDENCY_CHECK_INTERVAL_SECONDS:
        return False
    state.postgres_checked_at = now
    return True


async def _refresh_background(redis: Redis) -> bool:
    try:
        async with asyncio.timeout(DEPENDENCY_TIMEOUT_SECONDS):
            await BACKGROUND.refresh(redis)
    except (RedisError, TimeoutError) as error:
        log.warning("background metrics unavailable", error=repr(error))
        return False
    return True


def exposition() -> bytes:
    directory = multiprocess_dir()
    if directory is None:
        local = generate_latest(REGISTRY)
    else:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        local = generate_latest(registry)
    return local + generate_latest(_BACKGROUND_REGISTRY)
