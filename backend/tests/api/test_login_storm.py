"""Logins stuck behind password hashing or a slow database do not take the game's slots (overload.py).

With one bound per worker, logins waiting ~10 s on a slow PostgreSQL held every slot and the players already
in the game got 503 meanwhile.
"""

from __future__ import annotations

import asyncio

from asgi_lifespan import LifespanManager

from tests.conftest import Api, http_client, make_settings
from tycoon.app import create_app
from tycoon.auth import passwords

SLOTS = 2


async def test_game_requests_are_served_while_logins_fill_their_own_slots() -> None:
    settings = make_settings(
        max_inflight_per_worker=SLOTS,
        max_inflight_database_per_worker=SLOTS,
        max_waiting_database_per_worker=0,
    )
    app = create_app(settings)
    async with LifespanManager(app), http_client(app) as http:
        player = Api(http)
        await player.signup()
        # unknown names hash as known ones do; one name per login (one attempt per name at a time: throttle.py)
        credentials = [{"username": f"ghost_{n}", "password": "password1"} for n in range(SLOTS + 1)]
        for _ in range(2):  # every hashing turn taken: logins wait inside their slots
            await passwords._LIMIT.acquire()
        try:
            logins = [asyncio.create_task(http.post("/login", json=each)) for each in credentials[:SLOTS]]
            async with asyncio.timeout(5):
                while not passwords._LIMIT._waiters or len(passwords._LIMIT._waiters) < SLOTS:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)  # the semaphore signals no count of its waiters
            refused = await http.post("/login", json=credentials[SLOTS])
            progress = [await player.get("/progress") for _ in range(SLOTS * 2)]
        finally:
            passwords._LIMIT.release()
            passwords._LIMIT.release()
        answered = await asyncio.gather(*logins)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert [answer.status_code for answer in progress] == [200] * SLOTS * 2
    assert [answer.status_code for answer in answered] == [401] * SLOTS  # served once hashing went on
