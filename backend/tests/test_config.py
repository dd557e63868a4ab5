"""Settings: production refuses the default secret; Neon URLs work as Neon prints them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tycoon.config import DEFAULT_SECRET_KEY, Settings, asyncpg_url

NEON = "postgresql://app:pw@ep-cool-bird-123456.ap-southeast-1.aws.neon.tech/game?sslmode=require&channel_binding=require"
NEON_POOLER = NEON.replace("123456.", "123456-pooler.")


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET_KEY)


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(environment="production", secret_key="x" * 31)


def test_production_starts_with_a_real_secret_key() -> None:
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40


def test_neon_parameters_become_asyncpg_connect_args() -> None:
    url, connect_args = asyncpg_url(NEON)
    assert url == "postgresql+asyncpg://app:pw@ep-cool-bird-123456.ap-southeast-1.aws.neon.tech/game"
    assert connect_args == {"ssl": "require"}


def test_a_pooler_host_turns_off_prepared_statement_caching() -> None:
    _, connect_args = asyncpg_url(NEON_POOLER)
    assert connect_args["statement_cache_size"] == 0
    name = connect_args["prepared_statement_name_func"]
    assert callable(name)
    assert name() != name()  # unique names: PgBouncer may hand the statement to another connection


def test_lists_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTEND_ORIGINS", "https://a.netlify.app, https://b.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1")
    settings = Settings()
    assert settings.frontend_origins == ["https://a.netlify.app", "https://b.example"]
    assert settings.trusted_proxies == ["10.0.0.1"]
    assert settings.cookies_secure is True
    assert settings.cookies_samesite == "none"


def test_lists_may_come_as_json_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTEND_ORIGINS", '["https://a.netlify.app", "https://b.example/"]')
    monkeypatch.setenv("TRUSTED_PROXIES", '["10.0.0.1"]')
    settings = Settings()
    assert settings.frontend_origins == ["https://a.netlify.app", "https://b.example"]
    assert settings.trusted_proxies == ["10.0.0.1"]


@pytest.mark.parametrize("raw", ["[1, 2]", "[oops"])
def test_a_json_array_of_anything_but_text_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FRONTEND_ORIGINS", raw)
    with pytest.raises(ValueError, match="frontend_origins"):
        Settings()


@pytest.mark.parametrize(
    "name", ["RATE_LIMIT_PLAYER_PER_SECOND", "RATE_LIMIT_IP_PER_SECOND", "BODY_TIMEOUT_SECONDS"]
)
@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "Infinity"])
def test_a_number_setting_refuses_what_is_not_finite(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    """`inf` passed `ge=0` and reached the session script's text: every signed-in request became a 503."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name.lower()):
        Settings()
