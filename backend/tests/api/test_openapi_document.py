"""The OpenAPI document lists every status a route answers, with its messages; a 405 names every method of its path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.conftest import bare_client
from tests.conftest import ORIGIN


@pytest.fixture
async def document(redis_app: FastAPI) -> dict[str, Any]:
    async with bare_client(redis_app) as http:
        response = await http.get("/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


async def test_every_operation_may_be_rate_limited_or_shed(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert {"429", "503"} <= operation["responses"].keys(), (method, path)


async def test_an_action_lists_its_refusals_and_the_errors_of_its_kind(document: dict[str, Any]) -> None:
    responses = document["paths"]["/progress"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "408", "409", "413", "422", "429", "503"} == responses.keys()
    for message in ("Not enough money", "Generator limit reached", "There was an error parsing the body"):
        assert f"`{message}`" in responses["400"]["description"]
    for message in ("User mismatch", "Origin not allowed for state-changing request", "CSRF token missing"):
        assert f"`{message}`" in responses["403"]["description"]
    assert "`Generator type not found`" in responses["404"]["description"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


async def test_a_read_without_a_body_lists_no_body_errors(document: dict[str, Any]) -> None:
    responses = document["paths"]["/change/rate"]["get"]["responses"]
    assert {"200", "401", "403", "429", "503"} == responses.keys()
    assert "CSRF" not in responses["403"]["description"]  # a GET passes no Origin/CSRF check


async def test_sign_up_opens_no_session_and_passes_no_csrf_check(document: dict[str, Any]) -> None:
    responses = document["paths"]["/signup"]["post"]["responses"]
    assert not {"401", "409"} & responses.keys()
    assert (
        responses["403"]["description"] == "`Origin not allowed for state-changing request`"
    )  # no CSRF token
    assert "`Username already exists`" in responses["400"]["description"]


async def test_bounds_are_json_schema_integers(document: dict[str, Any]) -> None:
    amount = document["components"]["schemas"]["AmountIn"]["properties"]["amount"]
    assert (amount["minimum"], amount["maximum"]) == (1, 10**15)
    problems: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            problems.extend(
                f"{where}/{key}" for key in ("ge", "le", "gt", "lt") if key in node
            )  # pydantic's names
            if node.get("type") == "integer":
                problems.extend(
                    f"{where}/{k}" for k in ("minimum", "maximum") if isinstance(node.get(k), float)
                )
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "")
    assert problems == []


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/progress", "GET, POST"),  # the router itself names only the first route matched (GET)
        ("OPTIONS", "/progress/autosave", "POST"),  # not the DELETE of /progress/{generator_id}
        ("GET", "/progress/abc/upgrade", "POST"),
        ("TRACE", "/progress", "GET, POST"),  # no route takes TRACE: a 405, not the CSRF check's 403
    ],
)
async def test_a_405_allows_every_method_of_its_path(
    redis_app: FastAPI, method: str, path: str, allow: str
) -> None:
    headers = {"Origin": ORIGIN} if method == "TRACE" else {"Origin": ORIGIN, "X-CSRF-Token": "t"}
    async with bare_client(redis_app) as http:
        response = await http.request(method, path, headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


CLIENT_COPY = Path(__file__).resolve().parents[3] / "frontend" / "src" / "api" / "openapi.json"


def client_copy() -> Any:
    return json.loads(CLIENT_COPY.read_text())


async def test_the_clients_copy_is_the_servers_document(document: dict[str, Any]) -> None:
    """frontend/src/api/openapi.json, which the client's contract test reads, is refreshed by
    `API_URL=<server> npm run openapi` in frontend/ whenever the document changes."""
    assert client_copy() == document
