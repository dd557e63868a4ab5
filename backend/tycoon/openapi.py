"""Every status a route can answer, in the OpenAPI document, with the messages that come with it.

A route names the game's refusals it may give (`responses=refusals(NotEnoughMoney, ...)` on its decorator).
What every route of a kind may answer is added here once, from what the route is (`document_errors`):

- any route: 429 (rate limits) and 503 (the overload bound, storage unavailable);
- a route that takes a body: 400 (a body that is not JSON), 408 and 413 (the body guard);
- a route that opens a session: 401 (no token, an invalid or expired one, its account gone) and 403 (a refresh
  token);
- a state-changing route: 403 (a foreign Origin), and outside the CSRF exemptions 403 (CSRF token);
- a route that opens a session and changes state: 409 (optimistic retries ran out).

FastAPI writes integer bounds of body fields as floats (`"maximum": 1e+18`); they are written back as integers, so
that a client generated from the document reads the bound the server applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel

from tycoon.auth.csrf import EXEMPT_PATHS, SAFE_METHODS
from tycoon.auth.deps import opens_session
from tycoon.errors import (
    BodyTimeout,
    BodyTooLarge,
    Contention,
    CsrfMismatch,
    CsrfMissing,
    GameError,
    InvalidToken,
    NotAuthenticated,
    OriginNotAllowed,
    RateLimited,
    ServerBusy,
    UserGone,
    WrongTokenType,
)

NOT_JSON = "There was an error parsing the body"  # FastAPI's own 400
STORAGE_DOWN = "Service temporarily unavailable"


class ErrorOut(BaseModel):
    detail: str


Responses = dict[int | str, dict[str, Any]]


def refusals(*kinds: type[GameError]) -> Responses:
    """The `responses` of a route that may answer these errors: one entry per status, listing their messages."""
    return _responses(_by_status((kind.status, kind.detail) for kind in kinds))


def _by_status(messages: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    by_status: dict[int, list[str]] = {}
    for status, message in messages:
        by_status.setdefault(status, []).append(message)
    return by_status


def _responses(messages: Mapping[int, list[str]]) -> Responses:
    return {
        status: {"model": ErrorOut, "description": _described(texts)} for status, texts in messages.items()
    }


def _described(messages: Iterable[str]) -> str:
    return " · ".join(f"`{message}`" for message in messages)


def _common_errors(route: APIRoute, method: str, has_body: bool) -> dict[int, list[str]]:
    kinds: list[type[GameError]] = [RateLimited, ServerBusy]
    others = [(ServerBusy.status, STORAGE_DOWN)]
    if has_body:
        kinds += [BodyTimeout, BodyTooLarge]
        others.append((400, NOT_JSON))
    session = opens_session(route.dependant)
    if session:
        kinds += [NotAuthenticated, InvalidToken, UserGone, WrongTokenType]
    changes_state = method not in SAFE_METHODS
    if changes_state:
        kinds.append(OriginNotAllowed)
        if route.path not in EXEMPT_PATHS:
            kinds += [CsrfMissing, CsrfMismatch]
    if changes_state and session:
        kinds.append(Contention)
    return _by_status([*((kind.status, kind.detail) for kind in kinds), *others])


def document_errors(schema: dict[str, Any], routes: Iterable[APIRoute]) -> None:
    """Add the errors every route of its kind may answer to each operation of `schema` (in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema()
    )
    for route in routes:
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, messages in _common_errors(route, method, "requestBody" in operation).items():
                _merge(responses, str(status), _described(messages))
    _integer_bounds(schema)


def _merge(responses: dict[str, Any], status: str, description: str) -> None:
    """Add a status's common messages to what the route itself documents for it."""
    existing = responses.get(status)
    if existing is None:
        error_schema = {"$ref": "#/components/schemas/ErrorOut"}
        responses[status] = {
            "description": description,
            "content": {"application/json": {"schema": error_schema}},
        }
    elif status != "422":  # FastAPI's validation error keeps its own description and schema
        existing["description"] = f"{existing['description']} · {description}"


def _integer_bounds(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if isinstance(node.get(key), float) and node[key].is_integer():
                    node[key] = int(node[key])
        for value in node.values():
            _integer_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _integer_bounds(value)
