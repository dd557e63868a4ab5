"""Accounts for the benchmark, made through the API like any player's.

Signing up costs an Argon2 hash, so the accounts are made before a step starts, not during its measurement,
and kept in a JSON file that the Locust players read (TYCOON_ACCOUNTS in locustfile.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ORIGIN = "http://127.0.0.1:5173"
PASSWORD = "bench-password-1"


@dataclass
class AccountFile:
    path: Path
    base_url: str
    prefix: str = "b" + uuid.uuid4().hex[:6]

    def load(self) -> list[dict[str, str]]:
        return json.loads(self.path.read_text()) if self.path.exists() else []

    def ensure(self, count: int, concurrency: int = 8) -> int:
        """Sign up accounts until the file holds `count`; returns how many were added."""
        accounts = self.load()
        missing = range(len(accounts), count)
        if not missing:
            return 0
        accounts += asyncio.run(self._sign_up_all([f"{self.prefix}_{n}" for n in missing], concurrency))
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(accounts))
        os.replace(temporary, self.path)
        return len(missing)

    async def _sign_up_all(self, names: list[str], concurrency: int) -> list[dict[str, str]]:
        limit = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=60, headers={"Origin": ORIGIN}
        ) as client:

            async def one(name: str) -> dict[str, str]:
                async with limit:
                    return await sign_up(client, name)

            return list(await asyncio.gather(*(one(name) for name in names)))


async def sign_up(client: httpx.AsyncClient, username: str, attempts: int = 30) -> dict[str, str]:
    """Sign up, waiting as asked when the server sheds load (the benchmark adds accounts while players play)."""
    path = "/signup"
    for _ in range(attempts):
        response = await client.post(path, json={"username": username, "password": PASSWORD})
        if response.status_code == 400 and "exists" in response.text:
            path = "/login"  # made by an earlier batch that failed before the file was written: log in
            continue
        retry_after = response.headers.get("retry-after")
        if response.status_code not in (429, 503) or retry_after is None:
            break
        await asyncio.sleep(float(retry_after))
    if response.status_code != 200:
        raise RuntimeError(f"sign-up of {username} failed: {response.status_code} {response.text[:200]}")
    body = response.json()
    return {"username": username, "access_token": body["access_token"], "user_id": body["user"]["user_id"]}


# A player with ten generators, for wrk on GET /progress ------------------------------------------------------
def player_with_generators(
    base_url: str, grant_money: Callable[[str, int], object] | None, count: int = 10
) -> dict[str, str]:
    """Sign up, get money with `grant_money(username, amount)`, place `count` plant cells, wait for their builds."""
    with httpx.Client(base_url=base_url, timeout=30, headers={"Origin": ORIGIN}) as client:
        name = "bench_ten_" + uuid.uuid4().hex[:8]
        response = client.post("/signup", json={"username": name, "password": PASSWORD})
        response.raise_for_status()
        body = response.json()
        client.headers["Authorization"] = f"Bearer {body['access_token']}"
        if grant_money is not None:
            grant_money(name, 10 * count)
        cheapest = _cheapest_type(client)
        for n in range(count):
            place = {
                "user_id": body["user"]["user_id"],
                "generator_type_id": cheapest,
                "x_position": 100 * n,
                "world_position": 0,
            }
            client.post("/progress", json=place).raise_for_status()
        generators = client.get("/progress").json()["generators"]
        if len(generators) != count:
            raise RuntimeError(f"{name} has {len(generators)} generators, expected {count}")
        return {"username": name, "access_token": body["access_token"]}


def _cheapest_type(client: httpx.Client) -> str:
    types = client.get("/generator_types").json()["generator_types"]
    return str(min(types, key=lambda t: (t["cost_high"], t["cost_data"]))["generator_type_id"])
