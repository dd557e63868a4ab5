"""PostgreSQL unreachable while the API runs: what needs it answers 503 with Retry-After, not a bare 500.

asyncpg raises plain OSError subclasses when it cannot connect (refused, unreachable, unknown host), which
SQLAlchemy does not wrap.
"""

from __future__ import annotations

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import http_client, make_settings
from tycoon.app import create_app, raised_by_the_database
from tycoon.postgres import create_engine, session_factory

NOWHERE = "postgresql+asyncpg://postgres@127.0.0.1:1/tycoon"  # nothing listens on port 1
UNKNOWN_HOST = "postgresql+asyncpg://postgres@no-such-host.invalid:5432/tycoon"


@pytest.mark.parametrize("url", [NOWHERE, UNKNOWN_HOST])
async def test_sign_up_and_login_answer_503_while_postgresql_is_unreachable(url: str) -> None:
    settings = make_settings()
    app = create_app(settings)
    async with LifespanManager(app), http_client(app) as http:
        await app.state.engine.dispose()
        app.state.engine = create_engine(settings.model_copy(update={"database_url": url}))
        app.state.sessionmaker = session_factory(app.state.engine)
        credentials = {"username": "nobody_here", "password": "secret-password-1"}
        for path in ("/signup", "/login"):
            answer = await http.post(path, json=credentials)
            assert answer.status_code == 503, (path, answer.text)
            assert answer.json() == {"detail": "Service temporarily unavailable"}
            assert answer.headers["retry-after"] == "1"
        await app.state.engine.dispose()


async def test_a_statement_without_an_answer_is_cut_off() -> None:
    # a stalled PostgreSQL or a connection that died silently: the request fails (503) instead of waiting forever
    engine = create_engine(make_settings(), statement_timeout=0.3)
    try:
        async with engine.connect() as connection:
            with pytest.raises((DBAPIError, TimeoutError)):
                await connection.execute(text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()


def test_only_an_os_error_from_the_database_client_is_a_storage_outage() -> None:
    def raise_in(module: str) -> OSError:
        code = "def fail():\n    raise ConnectionRefusedError('refused')\n"
        namespace: dict[str, object] = {"__name__": module}
        exec(code, namespace)
        try:
            namespace["fail"]()  # type: ignore[operator]
        except OSError as error:
            return error
        raise AssertionError("not raised")

    assert raised_by_the_database(raise_in("asyncpg.connect_utils"))
    assert not raised_by_the_database(raise_in("tycoon.somewhere"))
