"""The per-address limit counts every request of an address, whatever credentials it carries and wherever it
goes (issue 3: "per IP (default 100/s)"), in both store modes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import ORIGIN, make_settings
from tycoon.app import create_app
from tycoon.auth.cookies import ACCESS_COOKIE

BURST = 3  # the address's bucket: 3 requests at once, then 3 a second


@pytest.fixture(params=["redis", "postgres"])
async def limited(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(state_store=request.param, rate_limit_ip_per_second=BURST))
    address = f"10.77.{request.param == 'redis':d}.{id(app) % 250}"  # a bucket of its own
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"Origin": ORIGIN}
        ) as client,
    ):
        yield client


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/progress", {"Authorization": "Bearer made-up"}),  # 401: no such session
        ("GET", "/progress", {"Authorization": ""}),  # 401: no token at all
        ("GET", "/no-such-path", {"Authorization": "Bearer made-up"}),  # 404
        ("DELETE", "/change/rate", {"Authorization": "Bearer made-up"}),  # 405
        ("POST", "/tutorial/skip", {"Cookie": f"{ACCESS_COOKIE}=made-up"}),  # 403: no CSRF token
        ("POST", "/progress", {"Authorization": "Bearer made-up", "Content-Type": "application/json"}),  # 422
        ("GET", "/progress/", {"Authorization": "Bearer made-up"}),  # 307 to /progress
    ],
    ids=[
        "unknown-token",
        "empty-token",
        "unknown-path",
        "wrong-method",
        "csrf-refusal",
        "unreadable-body",
        "slash-redirect",
    ],
)
@pytest.mark.parametrize("at_once", [False, True], ids=["one-by-one", "at-once"])
async def test_requests_with_credentials_are_held_to_the_address_limit(
    limited: httpx.AsyncClient, method: str, path: str, headers: dict[str, str], at_once: bool
) -> None:
    # at once: each request must find a token before its answer (a review had 35 of 60 served at a limit of 3)
    body = "{" if method == "POST" else None  # a body FastAPI reads before any dependency, and refuses
    send = [limited.request(method, path, headers=headers, content=body) for _ in range(4 * BURST)]
    answers = await asyncio.gather(*send) if at_once else [await request for request in send]
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(429) >= 2 * BURST, statuses  # a refill of at most a second's worth in between


async def test_slash_redirects_sent_one_by_one_are_held_to_the_rate(limited: httpx.AsyncClient) -> None:
    """A review's keep-alive loop of `GET /progress/` with a token got about twice the rate: the redirect was
    charged after its answer, so each time the remembered refusal ran out, two were served per token."""
    start = loop_time = asyncio.get_running_loop().time()
    served = 0
    while loop_time - start < 1.5:
        answer = await limited.get("/progress/", headers={"Authorization": "Bearer made-up"})
        served += answer.status_code != 429
        await asyncio.sleep(0.005)
        loop_time = asyncio.get_running_loop().time()
    assert served <= BURST + BURST * (loop_time - start) + 1
