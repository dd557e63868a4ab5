"""Inquiries and the admin role (ORIGINAL-RULES §11; issue 2 decision 7)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import app_of, user_of
from tests.conftest import Api
from tycoon.inquiries import endpoints, repository
from tycoon.inquiries.repository import InquiryRecord


async def create(api: Api, kind: str = "bug", content: str = "my turbine vanished") -> dict[str, object]:
    response = await api.post("/inquiries", {"type": kind, "content": content})
    assert response.status_code == 200, response.text
    inquiry: dict[str, object] = response.json()
    return inquiry


@pytest.mark.parametrize("kind", ["bug", "vulnerability", "proposal", "other"])
async def test_create_inquiry(api: Api, kind: str) -> None:
    inquiry = await create(api, kind, "내용")
    assert inquiry["type"] == kind
    assert inquiry["content"] == "내용"
    assert inquiry["user_id"] == api.user["user_id"]
    assert inquiry["username"] == api.user["username"]
    assert isinstance(inquiry["inquiry_id"], str)
    assert isinstance(inquiry["created_at"], int)


async def test_create_inquiry_with_a_bad_type_is_400(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "complaint", "content": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content", ["", " ", "y" * 6000, "y" * 200_000], ids=["empty", "blank", "6000", "200000"]
)
async def test_content_of_any_length_is_kept_whole(api: Api, content: str) -> None:
    inquiry = await create(api, "other", content)
    assert inquiry["content"] == content


async def test_a_bad_type_with_empty_content_is_400(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "bad", "content": ""})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Invalid inquiry type. Must be one of: ['bug', 'vulnerability', 'proposal', 'other']"},
    )


async def test_content_with_a_nul_character_is_422(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "bug", "content": "a\u0000b"})
    assert response.status_code == 422


async def test_create_inquiry_without_content_is_4xx(api: Api) -> None:
    response = await api.post("/inquiries", {"type": "bug"})
    assert 400 <= response.status_code < 500


async def test_list_as_a_player_is_403(api: Api) -> None:
    response = await api.get("/inquiries")
    assert response.status_code == 403
    assert response.json() == {"detail": "Admin access required"}


@pytest.mark.parametrize("action", ["accept", "reject"])
async def test_decide_as_a_player_is_403(api: Api, action: str) -> None:
    inquiry = await create(api)
    response = await api.post(f"/inquiries/{inquiry['inquiry_id']}/{action}")
    assert response.status_code == 403
    assert response.json() == {"detail": "Admin access required"}


async def test_admin_flag_is_on_the_admins_user(admin: Api) -> None:
    assert (await user_of(admin))["is_admin"] is True


async def test_player_is_not_admin(api: Api) -> None:
    assert (await user_of(api))["is_admin"] is False


async def test_admin_lists_inquiries_newest_first(api: Api, admin: Api) -> None:
    first, second = await create(api, content="first"), await create(api, content="second")
    response = await admin.get("/inquiries")
    assert response.status_code == 200, response.text
    mine = [row["inquiry_id"] for row in response.json() if row["user_id"] == api.user["user_id"]]
    assert mine == [second["inquiry_id"], first["inquiry_id"]]


async def test_admin_lists_every_pending_inquiry(api: Api, admin: Api) -> None:
    """No page size, as the original (the admin page shows all; a former default gave 200); `limit` is ignored."""
    app = app_of(api)
    for _ in range(250):
        await repository.add(app.state.engine, record_of(api, content="many"), max_pending=10**6)
    for query in ("", "?limit=1", "?limit=0", "?limit=abc"):
        response = await admin.get(f"/inquiries{query}")
        assert response.status_code == 200, response.text
        assert sum(row["user_id"] == api.user["user_id"] for row in response.json()) == 250


async def test_a_player_may_have_twenty_inquiries_waiting(api: Api, admin: Api) -> None:
    """A bound the original did not have: no player can grow the table without limit."""
    first = await create(api)
    for _ in range(19):
        await create(api)
    refused = await api.post("/inquiries", {"type": "bug", "content": "one more"})
    assert (refused.status_code, refused.json()) == (400, {"detail": "Too many pending inquiries"})
    await admin.post(f"/inquiries/{first['inquiry_id']}/reject")
    assert (await api.post("/inquiries", {"type": "bug", "content": "now"})).status_code == 200


async def test_posts_sent_at_once_keep_to_twenty_waiting(api: Api) -> None:
    answers = await asyncio.gather(
        *(api.post("/inquiries", {"type": "bug", "content": f"at once {n}"}) for n in range(30))
    )
    assert sorted(response.status_code for response in answers) == [200] * 20 + [400] * 10


async def test_the_admin_list_is_bounded_in_rows(
    api: Api, admin: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoints, "LIST_ROWS", 2)
    for _ in range(3):
        await create(api)
    assert len((await admin.get("/inquiries")).json()) == 2


async def test_the_admin_list_is_bounded_by_the_size_of_its_contents(
    api: Api, admin: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest inquiries whose contents start within LIST_BYTES; older ones once newer are decided."""
    monkeypatch.setattr(endpoints, "LIST_BYTES", 1000)
    made = []
    for _ in range(5):
        made.append(await create(api, "other", "z" * 400))
        await asyncio.sleep(0.002)  # one millisecond each at least: the list orders by creation time
    listed = [row["inquiry_id"] for row in (await admin.get("/inquiries")).json()]
    assert listed == [
        made[4]["inquiry_id"],
        made[3]["inquiry_id"],
        made[2]["inquiry_id"],
    ]  # start at 0, 400, 800


def record_of(api: Api, content: str) -> InquiryRecord:
    return InquiryRecord(
        str(uuid.uuid4()), api.user["user_id"], api.user["username"], "bug", content, int(time.time() * 1000)
    )


@pytest.mark.parametrize(
    ("decision", "status", "supercoins"), [("accept", "accepted", 1), ("reject", "rejected", 0)]
)
async def test_a_decision_rewards_the_author_as_said_and_removes_it(
    api: Api, admin: Api, decision: str, status: str, supercoins: int
) -> None:
    inquiry = await create(api)
    response = await admin.post(f"/inquiries/{inquiry['inquiry_id']}/{decision}")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": status, "user_id": api.user["user_id"]}
    assert (await user_of(api))["supercoin"] == supercoins
    listed = [row["inquiry_id"] for row in (await admin.get("/inquiries")).json()]
    assert inquiry["inquiry_id"] not in listed


async def test_an_inquiry_is_decided_once(api: Api, admin: Api) -> None:
    inquiry = await create(api)
    await admin.post(f"/inquiries/{inquiry['inquiry_id']}/accept")
    again = await admin.post(f"/inquiries/{inquiry['inquiry_id']}/accept")
    assert again.status_code == 404
    assert (await user_of(api))["supercoin"] == 1


@pytest.mark.parametrize("action", ["accept", "reject"])
async def test_decide_unknown_inquiry_is_404(admin: Api, action: str) -> None:
    response = await admin.post(f"/inquiries/{uuid.uuid4()}/{action}")
    assert response.status_code == 404


async def test_accept_for_a_deleted_author_still_removes_it(api: Api, admin: Api) -> None:
    inquiry = await create(api)
    await api.post("/delete_account", {"password": "password1"})
    response = await admin.post(f"/inquiries/{inquiry['inquiry_id']}/accept")
    assert response.status_code in (200, 404)
    listed = [row["inquiry_id"] for row in (await admin.get("/inquiries")).json()]
    assert inquiry["inquiry_id"] not in listed


async def test_an_author_deleted_while_the_admin_accepts_is_a_404_for_the_admin(
    api: Api, admin: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inquiry is taken, then its author's account goes before the reward: the admin's session is fine, so
    # not the 401 "User not found for token" a review saw (which makes the original client log the admin out).
    inquiry = await create(api)
    take = repository.take

    async def take_then_author_leaves(engine: AsyncEngine, inquiry_id: str) -> str | None:
        author = await take(engine, inquiry_id)
        assert (await api.post("/delete_account", {"password": "password1"})).status_code == 200
        return author

    monkeypatch.setattr(repository, "take", take_then_author_leaves)
    response = await admin.post(f"/inquiries/{inquiry['inquiry_id']}/accept")
    assert (response.status_code, response.json()) == (404, {"detail": "Inquiry not found"})
    assert (await admin.get("/inquiries")).status_code == 200


async def test_an_inquiry_sent_while_its_author_is_deleted_is_a_401(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session was checked, then the account went before the insert: no storage outage (503), the 401 that
    # every other request of the deleted account gets.
    add = repository.add

    async def author_leaves_then_add(engine: AsyncEngine, record: InquiryRecord, max_pending: int) -> bool:
        assert (await api.post("/delete_account", {"password": "password1"})).status_code == 200
        return await add(engine, record, max_pending)

    monkeypatch.setattr(repository, "add", author_leaves_then_add)
    response = await api.post("/inquiries", {"type": "bug", "content": "gone"})
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token"})
