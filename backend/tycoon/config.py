"""The one settings object. Every variable is documented in `.env.example`."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"
# SECRET_KEY keys the token hashes: a short one could be guessed offline from a leaked hash
MIN_SECRET_KEY_LENGTH = 32
ORIGINAL_FRONTEND_URL = "https://energytycoon.pages.dev"  # the original web client's site


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class StateStoreKind(StrEnum):
    redis = "redis"
    postgres = "postgres"


class Settings(BaseSettings):
    # a rate or a timeout of inf or nan would pass the bounds below and break the Lua scripts or the timers
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", allow_inf_nan=False)

    environment: Environment = Environment.development
    # repr=False: what holds a password or a key stays out of reprs (tracebacks, error reports)
    database_url: str = Field("postgresql+asyncpg://postgres@127.0.0.1:5432/tycoon", repr=False)
    redis_url: str = Field("redis://127.0.0.1:6379/0", repr=False)
    secret_key: str = Field(DEFAULT_SECRET_KEY, repr=False)
    frontend_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:5173", "http://localhost:5173"]
    )
    # The original's DEPLOY_FRONTEND_URL: the original web client's site, allowed beside FRONTEND_ORIGINS; empty: none
    deploy_frontend_url: str = ORIGINAL_FRONTEND_URL
    state_store: StateStoreKind = StateStoreKind.redis

    # game
    offline_cap_seconds: int = Field(28_800, ge=0)
    presence_window_seconds: int = Field(150, ge=1)  # gaps up to this between requests count as playing

    # sessions and cookies
    access_token_seconds: int = 3600
    refresh_token_seconds: int = 7 * 24 * 3600
    cookie_secure: bool | None = None  # None: Secure when any frontend origin is https
    cookie_samesite: Literal["lax", "strict", "none"] | None = None

    # pools and processes
    web_concurrency: int = 2
    db_pool_size: int = 10
    db_max_overflow: int = 5
    redis_pool_size: int = 64
    # Overload (overload.py): a worker serves this many requests at once; up to max_waiting_per_worker more
    # wait at most overload_max_wait_ms for a slot (none for a second after a wait ran out); the others get a
    # fast 503 + Retry-After.
    max_inflight_per_worker: int = Field(default=32, ge=1)
    max_waiting_per_worker: int = Field(default=224, ge=0)
    overload_max_wait_ms: int = Field(default=100, ge=0)
    # The same for the routes that wait on PostgreSQL or password hashing (app.py DATABASE_ROUTES), in slots of
    # their own, with a long wait: a player would rather log in within 3 s than get a 503 (decisions.md).
    max_inflight_database_per_worker: int = Field(default=16, ge=1)
    max_waiting_database_per_worker: int = Field(default=256, ge=0)
    database_overload_max_wait_ms: int = Field(default=5000, ge=0)

    # Request bodies (bodyguard.py): a longer one gets 413, one not complete within body_timeout_seconds 408.
    max_body_bytes: int = Field(default=262_144, ge=1)
    body_timeout_seconds: float = Field(default=10.0, gt=0)

    # rate limits (per second unless named otherwise; a rate of 0 turns that limit off)
    rate_limit_player_per_second: float = Field(default=10.0, ge=0)
    rate_limit_player_burst: int = Field(default=30, ge=1)
    rate_limit_ip_per_second: float = Field(default=100.0, ge=0)
    login_ip_limit_per_minute: int = Field(default=100, ge=1)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["127.0.0.1", "::1"])

    # observability
    log_level: str = "INFO"
    log_json: bool = True
    # a request line for every request (issue 5); off: not for successful reads faster than 100 ms
    log_every_request: bool = True
    sentry_dsn: str | None = Field(None, repr=False)
    # GET /metrics then wants `Authorization: Bearer <token>`
    metrics_token: str | None = Field(None, repr=False)
    prometheus_multiproc_dir: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_lists(cls, values: dict[str, object]) -> dict[str, object]:
        for key in ("frontend_origins", "trusted_proxies"):
            for name in (key, key.upper()):
                raw = values.get(name)
                if isinstance(raw, str):
                    values[name] = _list_of_text(raw)
        # an origin has no path: "https://site/" is "https://site"
        for name in ("frontend_origins", "FRONTEND_ORIGINS"):
            if isinstance(origins := values.get(name), list):
                values[name] = [str(origin).rstrip("/") for origin in origins]
        return values

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment is Environment.production and (
            self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_SECRET_KEY_LENGTH
        ):
            raise ValueError(
                f"SECRET_KEY must be set in production (at least {MIN_SECRET_KEY_LENGTH} characters)"
            )
        return self

    @property
    def allowed_origins(self) -> list[str]:
        """The origins CORS and the CSRF/Origin check allow: DEPLOY_FRONTEND_URL and FRONTEND_ORIGINS, as the
        original. Cookies' Secure and SameSite follow FRONTEND_ORIGINS alone, as there."""
        deployed = self.deploy_frontend_url.strip().rstrip("/")
        return list(dict.fromkeys(([deployed] if deployed else []) + self.frontend_origins))

    @property
    def cookies_secure(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return any(origin.startswith("https://") for origin in self.frontend_origins)

    @property
    def cookies_samesite(self) -> Literal["lax", "strict", "none"]:
        if self.cookie_samesite is not None:
            return self.cookie_samesite
        return "none" if self.cookies_secure else "lax"


def asyncpg_url(url: str) -> tuple[str, dict[str, object]]:
    """Neon prints `postgresql://…?sslmode=require&channel_binding=require`; asyncpg rejects both parameters.

    Returns the URL for SQLAlchemy's asyncpg dialect and the connect args that carry what was stripped.
    A `-pooler` host is PgBouncer in transaction mode, where asyncpg must not cache prepared statements.
    """
    parts = urlsplit(url)
    scheme = "postgresql+asyncpg" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    query = dict(parse_qsl(parts.query))
    sslmode = query.pop("sslmode", None)
    query.pop("channel_binding", None)
    connect_args: dict[str, object] = {}
    if sslmode in ("require", "verify-ca", "verify-full"):
        connect_args["ssl"] = "require" if sslmode == "require" else sslmode
    if "-pooler" in (parts.hostname or ""):
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_name_func"] = _unique_statement_name
    return urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), parts.fragment)), connect_args


def _unique_statement_name() -> str:
    import uuid

    return f"__asyncpg_{uuid.uuid4()}__"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def _list_of_text(raw: str) -> list[str] | str:
    """A list setting as written in the environment: comma-separated, or a JSON array (pydantic-settings' own
    form for lists, which an operator may well use). A JSON array of anything but strings is left for pydantic
    to refuse."""
    if raw.lstrip().startswith("["):
        try:
            items = json.loads(raw)
        except ValueError:
            return raw
        return items if isinstance(items, list) and all(isinstance(i, str) for i in items) else raw
    return [item.strip() for item in raw.split(",") if item.strip()]
