"""Every endpoint that needs a player answers 401 without a token; the root and the removed /sync."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.api.conftest import bare_client
from tests.conftest import ORIGIN

GENERATOR = "/progress/00000000-0000-4000-8000-000000000000"
PROTECTED = [
    ("GET", "/progress"),
    ("POST", "/progress"),
    ("DELETE", GENERATOR),
    ("POST", f"{GENERATOR}/state"),
    ("POST", f"{GENERATOR}/upgrade"),
    ("POST", f"{GENERATOR}/build/skip"),
    ("POST", "/progress/autosave"),
    ("POST", "/generators/bulk-upgrade"),
    ("POST", "/change/energy2money"),
    ("GET", "/change/rate"),
    ("POST", "/upgrade/production"),
    ("POST", "/upgrade/rebirth_chain"),
    ("POST", "/upgrade/bulk"),
    ("GET", "/rebirth/info"),
    ("POST", "/rebirth"),
    ("POST", "/special/build_speed"),
    ("POST", "/special/award_supercoin"),
    ("GET", "/rank"),
    ("GET", "/ranks"),
    ("POST", "/tutorial/progress"),
    ("POST", "/tutorial/skip"),
    ("GET", "/tutorial/status"),
    ("POST", "/inquiries"),
    ("GET", "/inquiries"),
    ("POST", "/inquiries/00000000-0000-4000-8000-000000000000/accept"),
    ("POST", "/inquiries/00000000-0000-4000-8000-000000000000/reject"),
    ("POST", "/delete_account"),
    ("PATCH", "/admin/generator_types/0"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
async def test_without_a_token_is_401(redis_app: FastAPI, method: str, path: str) -> None:
    async with bare_client(redis_app) as http:
        headers = {"Origin": ORIGIN, "x-csrf-token": "t"}  # pass the CSRF check: the token is what is missing
        response = await http.request(method, path, headers=headers, json={})
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Authorization token missing"}


async def test_root_answers_ok(redis_app: FastAPI) -> None:
    async with bare_client(redis_app) as http:
        assert (await http.get("/")).json() == {"status": "ok"}
        head = await http.head("/")
    assert head.status_code == 200
    assert head.content == b""


async def test_sync_is_not_offered(redis_app: FastAPI) -> None:
    async with bare_client(redis_app) as http:
        response = await http.post("/sync", headers={"Origin": ORIGIN, "x-csrf-token": "t"}, json={})
    assert response.status_code == 404


async def test_openapi_schema_is_served(redis_app: FastAPI) -> None:
    async with bare_client(redis_app) as http:
        response = await http.get("/openapi.json")
    assert response.status_code == 200
    assert "/progress" in response.json()["paths"]
