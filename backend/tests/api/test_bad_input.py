"""Bad input is a 4xx that changes nothing, never a 500 (issue 2, The API)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.api.conftest import new_username, place, progress
from tests.conftest import Api

HUGE = 10**30

BAD_BODIES: list[tuple[str, Any]] = [
    ("/change/energy2money", {"amount_data": "abc", "amount_high": 0}),
    ("/change/energy2money", {"amount_data": 1000, "amount_high": HUGE}),
    ("/change/energy2money", {"amount_data": HUGE, "amount_high": 0}),
    ("/change/energy2money", {"amount_data": 1.5, "amount_high": 0}),
    ("/change/energy2money", {"amount_data": None, "amount_high": None}),
    ("/change/energy2money", [1, 2]),
    ("/progress", {"user_id": "", "generator_type_id": "x", "x_position": HUGE, "world_position": 0}),
    ("/progress", {"generator_type_id": {}, "x_position": 1}),
    ("/progress", {"x_position": 1}),
    ("/upgrade/production", {"amount": HUGE}),
    ("/upgrade/production", {"amount": "many"}),
    ("/upgrade/bulk", {"upgrades": "all"}),
    ("/upgrade/bulk", {"upgrades": [{"endpoint": "production", "amount": HUGE}]}),
    ("/generators/bulk-upgrade", {"upgrades": [{"generator_id": 5, "key": [], "amount": 1}]}),
    ("/rebirth", {"count": HUGE}),
    ("/rebirth", {"count": "two"}),
    ("/tutorial/progress", {"step": HUGE}),
    ("/tutorial/progress", {"step": "eleven"}),
    ("/inquiries", {"type": "bug", "content": 5}),
    ("/inquiries", {"type": None, "content": "x"}),
    ("/progress/autosave", {"generators": "all"}),
    ("/progress/autosave", {"money_data": HUGE, "money_high": HUGE}),
    ("/progress/autosave", {"supercoin": -1}),
    ("/signup", {"username": ["a"], "password": 5}),
    ("/login", {"username": None, "password": None}),
    ("/delete_account", {"password": 12345678}),
    # JSON's booleans are no numbers, and numbers no flags (pydantic's lax mode would take them)
    ("/tutorial/progress", {"step": True}),
    ("/upgrade/production", {"amount": True}),
    ("/rebirth", {"count": True}),
    ("/change/energy2money", {"amount_data": True, "amount_high": 0}),
    ("/progress", {"generator_type_id": "x", "x_position": False}),
    ("/progress/autosave", {"generators": [{"generator_id": "x", "running": 0}]}),
]


@pytest.mark.parametrize(
    ("path", "body"), BAD_BODIES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(BAD_BODIES)]
)
async def test_malformed_body_is_4xx(api: Api, path: str, body: Any) -> None:
    before = (await progress(api))["user"]
    response = await api.post(path, body)
    assert 400 <= response.status_code < 500, response.text
    assert "detail" in response.json()
    assert balances((await progress(api))["user"]) == balances(before)


def balances(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("money_data", "money_high", "supercoin", "tutorial", "rebirth_count")}


@pytest.mark.parametrize(
    "path", ["/upgrade/production", "/progress", "/change/energy2money", "/tutorial/progress"]
)
async def test_non_json_body_is_4xx(api: Api, path: str) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    response = await api.http.post(path, content=b"{not json", headers=headers)
    assert 400 <= response.status_code < 500, response.text


async def test_huge_amount_high_is_422(api: Api) -> None:
    response = await api.post("/change/energy2money", {"amount_data": 1000, "amount_high": HUGE})
    assert response.status_code == 422


async def test_huge_x_position_is_4xx_and_places_nothing(api: Api) -> None:
    body = {"user_id": "", "generator_type_id": await api.type_id(), "x_position": HUGE, "world_position": 0}
    response = await api.post("/progress", body)
    assert 400 <= response.status_code < 500
    assert (await progress(api))["generators"] == []


async def test_huge_world_position_is_4xx(api: Api) -> None:
    body = {"user_id": "", "generator_type_id": await api.type_id(), "x_position": 1, "world_position": -HUGE}
    response = await api.post("/progress", body)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("generator_id", ["x" * 5000, "%00", "../../etc", "🔥"])
async def test_odd_generator_ids_are_4xx(api: Api, generator_id: str) -> None:
    await place(api)
    for response in (
        await api.post(f"/progress/{generator_id}/state", {"running": False}),
        await api.post(f"/progress/{generator_id}/upgrade", {"upgrade": "production", "amount": 1}),
        await api.post(f"/progress/{generator_id}/build/skip"),
        await api.delete(f"/progress/{generator_id}"),
    ):
        assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize("params", [{"limit": HUGE}, {"offset": HUGE}, {"criteria": "x" * 10_000}])
async def test_odd_rank_queries_are_not_500(api: Api, params: dict[str, Any]) -> None:
    response = await api.get("/ranks", params=params)
    assert response.status_code < 500


async def test_state_with_wrong_types_is_422(api: Api) -> None:
    generator = await place(api)
    response = await api.post(
        f"/progress/{generator['generator_id']}/state", {"running": "maybe", "heat": "hot"}
    )
    assert response.status_code == 422


async def test_errors_are_json_with_detail(api: Api) -> None:
    response = await api.get("/no/such/path")
    assert response.status_code == 404
    assert "detail" in response.json()


async def test_very_long_inquiry_is_not_500(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "other", "content": "가" * 200_000})
    assert response.status_code < 500


async def test_a_nul_character_is_bad_input_not_a_database_failure(api: Api) -> None:
    username = "\u0000" + new_username()  # fresh: a failed login backs off its username, whatever its form
    login = await api.http.post("/login", json={"username": username, "password": "password1"})
    assert login.status_code == 401
    inquiry = await api.post("/inquiries", {"type": "bug", "content": "a\u0000b"})
    assert inquiry.status_code == 422


NON_FINITE = [b"1e400", b"-1e400", b"NaN", b"Infinity"]
NUMBER_FIELDS = [
    ("/upgrade/production", "amount"),
    ("/change/energy2money", "amount_data"),
    ("/tutorial/progress", "step"),
    ("/rebirth", "count"),
    ("/login", "username"),
]


@pytest.mark.parametrize("number", NON_FINITE, ids=[n.decode() for n in NON_FINITE])
@pytest.mark.parametrize(("path", "field"), NUMBER_FIELDS, ids=[p for p, _ in NUMBER_FIELDS])
async def test_non_finite_number_is_422_with_the_value_as_text(
    api: Api, path: str, field: str, number: bytes
) -> None:
    # Python's JSON parser reads these as inf/nan; the 422 that echoes them must still be valid JSON
    before = (await progress(api))["user"]
    headers = {**api.headers, "Content-Type": "application/json"}
    response = await api.http.post(path, content=b'{"%s": %s}' % (field.encode(), number), headers=headers)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert any(problem["loc"][-1] == field for problem in problems)
    assert all(not isinstance(problem.get("input"), float) for problem in problems)
    assert balances((await progress(api))["user"]) == balances(before)


SURROGATE_BODIES = [
    ("/signup", b'{"username": "\\ud800x", "password": "password1"}'),
    ("/login", b'{"username": "abc", "password": "\\udfff"}'),
    ("/inquiries", b'{"type": "bug", "title": "\\ud800", "content": "\\ud800"}'),
    ("/upgrade/bulk", b'{"upgrades": [{"endpoint": "\\ud800", "amount": 1}]}'),
    ("/tutorial/progress", b'{"step": "\\ud83d"}'),
    ("/refresh/access", b'{"refresh_token": "\\ud800"}'),
    (
        "/generators/bulk-upgrade",
        b'{"upgrades": [{"generator_id": "\\ud800", "key": "x", "amount": 1}], "\\ud800": 1}',
    ),
]


@pytest.mark.parametrize(("path", "body"), SURROGATE_BODIES, ids=[p for p, _ in SURROGATE_BODIES])
async def test_lone_surrogate_in_a_string_is_4xx_not_500(api: Api, path: str, body: bytes) -> None:
    # JSON may spell a lone surrogate ("\ud800"), which no UTF-8 text can hold: the field is invalid (422), and the
    # 422 that echoes it must still be encodable
    before = (await progress(api))["user"]
    headers = {**api.headers, "Content-Type": "application/json"}
    response = await api.http.post(path, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert "detail" in response.json()
    assert balances((await progress(api))["user"]) == balances(before)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "application/x-www-form-urlencoded"]
)
@pytest.mark.parametrize("path", ["/upgrade/production", "/inquiries", "/tutorial/progress"])
async def test_a_body_that_is_not_json_nor_utf8_is_4xx(api: Api, path: str, content_type: str) -> None:
    # not JSON, so the 422 echoes the raw bytes, which are not UTF-8 either: the echo escapes them
    before = (await progress(api))["user"]
    headers = {**api.headers, "Content-Type": content_type}
    response = await api.http.post(path, content=b"\xff\xfe\xfd{", headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert "detail" in response.json()
    assert balances((await progress(api))["user"]) == balances(before)


DEEP_FIELDS = [
    ("/signup", b"username"),
    ("/upgrade/production", b"amount"),
    ("/progress/autosave", b"generators"),
]


@pytest.mark.parametrize("depth", [252, 300, 900])
@pytest.mark.parametrize(("path", "field"), DEEP_FIELDS, ids=[path for path, _ in DEEP_FIELDS])
async def test_deeply_nested_json_is_4xx(api: Api, path: str, field: bytes, depth: int) -> None:
    # a few hundred bytes nested hundreds deep: the 422 that echoes it must not hit a recursion limit
    before = (await progress(api))["user"]
    headers = {**api.headers, "Content-Type": "application/json"}
    nested = b'{"a": ' * depth + b"1" + b"}" * depth
    for body in (b"[" * depth + b"]" * depth, b'{"%s": %s}' % (field, nested)):
        response = await api.http.post(path, content=body, headers=headers)
        assert 400 <= response.status_code < 500, response.text[:200]
        assert "detail" in response.json()
    assert balances((await progress(api))["user"]) == balances(before)


async def test_the_largest_bodies_the_schemas_accept_fit_under_the_body_limit(api: Api) -> None:
    # 1,000 items (each list's max_length), ids as the server makes them, pretty-printed: read, not 413
    ids = [str(uuid.uuid4()) for _ in range(1000)]
    generators = [{"generator_id": id_, "heat": 1234.5678901234567, "running": False} for id_ in ids]
    upgrades = [{"generator_id": id_, "key": "heat_reduction", "amount": 10_000} for id_ in ids]
    for path, body in (
        ("/progress/autosave", {"generators": generators}),
        ("/generators/bulk-upgrade", {"upgrades": upgrades}),
    ):
        content = json.dumps(body, indent=2).encode()
        response = await api.http.post(
            path, content=content, headers={**api.headers, "Content-Type": "application/json"}
        )
        assert response.status_code != 413, len(content)
        assert response.status_code < 500
