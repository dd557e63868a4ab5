"""create_app(): the FastAPI application, its lifespan (engine, Redis, game) and its error mapping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tycoon.auth.csrf import CsrfOriginMiddleware, origin_set
from tycoon.auth.endpoints import router as auth_router
from tycoon.auth.endpoints import session_config
from tycoon.bodyguard import BodyGuardMiddleware
from tycoon.catalogue.endpoints import router as catalogue_router
from tycoon.config import Settings, get_settings
from tycoon.errors import GameError, RateLimited, TooManyRequests
from tycoon.exchange.endpoints import router as exchange_router
from tycoon.game.factory import build_game
from tycoon.generators.endpoints import router as generators_router
from tycoon.health.endpoints import router as health_router
from tycoon.inquiries.endpoints import router as inquiries_router
from tycoon.kit.cors import JsonCorsMiddleware
from tycoon.kit.jsonsafe import json_safe
from tycoon.kit.routes import RouteFinder, allowed_methods
from tycoon.observability.logging import OncePerInterval, configure_logging
from tycoon.observability.metrics import (
    BODY_REJECTED,
    OVERLOAD_REJECTED,
    OVERLOAD_WAITED,
    RATE_LIMITED,
    STORAGE_ERRORS,
    setup_metrics,
)
from tycoon.observability.middleware import RequestContextMiddleware
from tycoon.observability.security import SecurityHeadersMiddleware
from tycoon.observability.sentry import init_sentry
from tycoon.openapi import document_errors
from tycoon.overload import BoundsByPath, InflightLimitMiddleware
from tycoon.postgres import create_engine, session_factory
from tycoon.rankings.endpoints import router as rankings_router
from tycoon.ratelimit.limits import Limits, address_key, client_ip
from tycoon.ratelimit.memory import RefusalMemory
from tycoon.ratelimit.middleware import (
    RATELIMIT_HEADERS,
    AddressLimit,
    RateLimitMiddleware,
    public_paths,
    refusal_headers,
)
from tycoon.rebirth.endpoints import router as rebirth_router
from tycoon.redis import create_redis
from tycoon.shutdown import close_stores
from tycoon.special.endpoints import router as special_router
from tycoon.tutorial.endpoints import router as tutorial_router
from tycoon.upgrades.endpoints import router as upgrades_router

log = structlog.get_logger()
# Most requested first: routing tries the routes in this order.
ROUTERS = (
    generators_router, rankings_router, exchange_router, upgrades_router, health_router, auth_router,
    catalogue_router, rebirth_router, special_router, tutorial_router, inquiries_router,
)  # fmt: skip
# The routes that wait on PostgreSQL or on password hashing, by path prefix: their requests take the slots of a bound
# of their own (overload.py), so that a slow database cannot leave the game's Redis-only requests without slots.
DATABASE_ROUTES = ("/signup", "/login", "/delete_account", "/inquiries", "/admin/")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    app.state.engine = create_engine(settings)
    app.state.sessionmaker = session_factory(app.state.engine)
    app.state.redis = create_redis(settings)
    app.state.game = await build_game(settings, app.state.redis, app.state.engine)
    poller = asyncio.create_task(app.state.game.catalogue.poll_forever(app.state.engine, app.state.redis))
    try:
        yield
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await close_stores(app.state.redis, app.state.engine)


class TycoonApp(FastAPI):
    """FastAPI with the overload bounds around all of its layers, so that a refusal costs no framework work, and
    the body guard around the bounds, so that a request waiting for its body holds no slot."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        app = super().build_middleware_stack()

        def bound(
            name: str, max_inflight: int, max_waiting: int, max_wait_ms: int
        ) -> InflightLimitMiddleware:
            return InflightLimitMiddleware(
                app,
                max_inflight=max_inflight,
                max_waiting=max_waiting,
                max_wait=max_wait_ms / 1000,
                on_reject=OVERLOAD_REJECTED.labels(bound=name).inc,
                on_wait=OVERLOAD_WAITED.labels(bound=name).inc,
                allowed_origins=settings.allowed_origins,
                hsts=settings.cookies_secure,
            )

        bounded = BoundsByPath(
            fast=bound(
                "game",
                settings.max_inflight_per_worker,
                settings.max_waiting_per_worker,
                settings.overload_max_wait_ms,
            ),
            slow=bound(
                "database",
                settings.max_inflight_database_per_worker,
                settings.max_waiting_database_per_worker,
                settings.database_overload_max_wait_ms,
            ),
            slow_prefixes=DATABASE_ROUTES,
        )
        return BodyGuardMiddleware(
            bounded,
            max_bytes=settings.max_body_bytes,
            timeout=settings.body_timeout_seconds,
            on_reject=lambda status: BODY_REJECTED.labels(status=str(status)).inc(),
            allowed_origins=settings.allowed_origins,
            hsts=settings.cookies_secure,
        )

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, with the errors every route of its kind may answer (openapi.py)."""
        if self.openapi_schema is None:
            schema = super().openapi()
            document_errors(schema, (route for route in self.state.routes if isinstance(route, APIRoute)))
            return schema
        return self.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    init_sentry(settings)
    app = TycoonApp(
        title="Energy Tycoon",
        version="1.0.0",
        summary="Server-authoritative Energy Tycoon: the original API, computed by the server.",
        lifespan=lifespan,
        # A body without a Content-Type is read as JSON, as the original's FastAPI did. The CSRF layer, not the
        # content type, keeps cross-site requests out (docs/decisions.md).
        strict_content_type=False,
        # FastAPI's own OpenTelemetry bridge stays off: metrics go to Prometheus and errors to Sentry, and with it
        # on, every request asks whether a provider was configured (~2 % of a GET /progress, docs/decisions.md).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.session_config = session_config(settings)
    app.state.cookie_origins = origin_set(settings.allowed_origins)
    app.state.refusals = RefusalMemory()  # rate-limit refusals still due (ratelimit/memory.py)
    app.state.address_limit = AddressLimit(Limits.from_settings(settings), app.state.refusals)
    for router in ROUTERS:
        app.include_router(router)
    _add_root(app)
    _add_error_handlers(app)
    _add_middleware(app, settings)
    # the included routers' routes too: FastAPI keeps them behind a wrapper of its own in app.routes
    app.state.routes = [*(route for router in ROUTERS for route in router.routes), *app.routes]
    app.state.public_paths = public_paths(app.state.routes)
    app.state.route_finder = RouteFinder(app.state.routes)  # the route of a request refused before routing
    return app


class StatusOut(BaseModel):
    status: str


def _add_root(app: FastAPI) -> None:
    @app.get("/", response_model=StatusOut, operation_id="root", tags=["health"])
    async def root() -> StatusOut:
        return StatusOut(status="ok")

    @app.head("/", include_in_schema=False)
    async def root_head() -> Response:
        return Response()


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Added innermost first. A request passes the overload bound (outside everything, TycoonApp) → CORS →
    # request log → metrics → proxy headers → security headers → rate limit (requests without credentials) →
    # CSRF/Origin → the route, so the log and the metrics also count the refusals of the layers inside them.
    limit: AddressLimit = app.state.address_limit
    app.add_middleware(
        CsrfOriginMiddleware,
        allowed_origins=settings.allowed_origins,
        before_refusal=limit.refused,
        served=lambda scope: app.state.route_finder.takes(scope),
    )
    app.add_middleware(RateLimitMiddleware, limit=limit)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookies_secure)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    setup_metrics(app, settings, settings.metrics_token)
    app.add_middleware(RequestContextMiddleware, every_request=settings.log_every_request)
    app.add_middleware(
        JsonCorsMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["x-csrf-token", "x-request-id", "retry-after", *RATELIMIT_HEADERS],
    )


def _add_error_handlers(app: FastAPI) -> None:
    async def charged(request: Request) -> Response | None:
        """A request answered with an error before the session script (the router's 404/405, a body FastAPI could
        not read, which it checks before any dependency): its address pays here, before the answer, so that
        requests sent at once must each find a token. The 429 when there is none; a no-op once charged."""
        limit: AddressLimit = request.app.state.address_limit
        refusal = await limit.charge_or_pass(request.scope)
        return None if refusal is None else await game_error(request, refusal)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if (refused := await charged(request)) is not None:
            return refused
        # FastAPI's own handler echoes each bad value; a JSON number like 1e400 arrives as float('inf'), which
        # strict JSON cannot carry, and that 422 became a 500. Same body, with such values as strings.
        # json_safe before the encoder too: it cuts off deep nesting (the encoder recurses) and reads bytes (a
        # body that is not JSON is echoed as bytes, which need not be UTF-8), and after it, for what it made.
        problems = json_safe(jsonable_encoder(json_safe(error.errors())))
        body = orjson.dumps({"detail": problems})
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(GameError)
    async def game_error(request: Request, error: GameError) -> JSONResponse:
        headers = {}
        if isinstance(error, TooManyRequests):
            headers = refusal_headers(error)
            if isinstance(error, RateLimited):  # from the session script or an AddressLimit charge
                RATE_LIMITED.labels(scope=error.scope).inc()
                if error.player_id:  # the runbook looks for the players who send too fast in the log
                    request.state.player_id = error.player_id
                refusals: RefusalMemory = request.app.state.refusals
                refusals.remember_refusal(error, address_key(client_ip(request.scope)), request.scope)
        return JSONResponse({"detail": error.message}, status_code=error.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if 400 <= error.status_code < 500 and (refused := await charged(request)) is not None:
            return refused
        if error.status_code == 405:
            allow = allowed_methods(request.app.state.routes, request.scope["path"])
            error = StarletteHTTPException(
                405, error.detail, headers={**(error.headers or {}), "Allow": allow}
            )
        return await http_exception_handler(request, error)

    @app.exception_handler(RedisError)
    async def redis_down(request: Request, error: RedisError) -> JSONResponse:
        return _storage_unavailable("redis", error)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeoutError)  # every pooled connection busy: overload, not a bug
    # asyncpg raises plain OSError (refused, unreachable, name not found) and TimeoutError when it cannot
    # connect or a statement times out, unwrapped by SQLAlchemy; any other OSError is a bug (a 500).
    @app.exception_handler(OSError)
    async def postgres_down(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, OSError) and not raised_by_the_database(error):
            raise error
        return _storage_unavailable("postgres", error)


DATABASE_MODULES = ("asyncpg", "sqlalchemy")


def raised_by_the_database(error: BaseException) -> bool:
    """Whether the error passed through the database client on its way up."""
    frame = error.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith(DATABASE_MODULES):
            return True
        frame = frame.tb_next
    return False


# Each request's own line shows its 503; the cause is logged at most once a second per backend and process.
_STORAGE_LOG = OncePerInterval(1.0)


def _storage_unavailable(backend: str, error: Exception) -> JSONResponse:
    STORAGE_ERRORS.labels(backend=backend).inc()
    if (held_back := _STORAGE_LOG.admit(backend)) is not None:
        log.error("storage_unavailable", backend=backend, error=repr(error), not_logged_before=held_back)
    return JSONResponse(
        {"detail": "Service temporarily unavailable"}, status_code=503, headers={"Retry-After": "1"}
    )
