"""Inquiries from players; admins list, accept (+1 supercoin to the author) or reject them (§11)."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from tycoon.auth.deps import CurrentAdmin, CurrentPlayer, GameDep
from tycoon.errors import (
    INQUIRY_TYPES,
    AdminRequired,
    InquiryNotFound,
    InvalidInquiryType,
    InvalidToken,
    TooManyPendingInquiries,
)
from tycoon.inquiries import repository
from tycoon.inquiries.repository import InquiryRecord
from tycoon.kit.text import NO_NUL
from tycoon.openapi import refusals
from tycoon.rules import special

router = APIRouter(tags=["inquiries"])

# Bounds the original did not have, so that no player can grow the table or the admin's list without limit:
MAX_PENDING_PER_PLAYER = 20  # waiting inquiries of one author
# The admin list: its contents' stored bytes (JSON can spell a control character in 6) and its rows; older
# inquiries are listed once newer ones are decided.
LIST_BYTES = 2 * 1024 * 1024
LIST_ROWS = 500


class InquiryIn(BaseModel):
    type: str  # an unknown type of any length is the original's 400
    # Any text, empty too (only the client requires some), as the original; MAX_BODY_BYTES bounds it.
    content: str = Field(pattern=NO_NUL)


class InquiryOut(BaseModel):
    inquiry_id: str
    user_id: str
    username: str
    type: str
    content: str
    created_at: int


class DecisionOut(BaseModel):
    status: str
    user_id: str


def _out(record: InquiryRecord) -> InquiryOut:
    return InquiryOut(
        inquiry_id=record.id,
        user_id=record.user_id,
        username=record.username,
        type=record.type,
        content=record.content,
        created_at=record.created_at_ms,
    )


@router.post(
    "/inquiries",
    response_model=InquiryOut,
    operation_id="create_inquiry",
    responses=refusals(InvalidInquiryType, TooManyPendingInquiries),
)
async def create_inquiry(body: InquiryIn, request: Request, player: CurrentPlayer) -> InquiryOut:
    if body.type not in INQUIRY_TYPES:
        raise InvalidInquiryType()
    record = InquiryRecord(
        id=str(uuid.uuid4()),
        user_id=player.user_id,
        username=player.state.username,
        type=body.type,
        content=body.content,
        created_at_ms=int(time.time() * 1000),
    )
    if not await repository.add(request.app.state.engine, record, MAX_PENDING_PER_PLAYER):
        raise TooManyPendingInquiries()
    return _out(record)


@router.get(
    "/inquiries",
    response_model=list[InquiryOut],
    operation_id="list_inquiries",
    responses=refusals(AdminRequired),
)
async def list_inquiries(request: Request, admin: CurrentAdmin) -> list[InquiryOut]:
    """The pending inquiries, newest first, as the original (the admin page shows them all; handled ones are
    deleted), up to LIST_BYTES of contents and LIST_ROWS inquiries."""
    return [
        _out(record)
        for record in await repository.newest_first(request.app.state.engine, LIST_BYTES, LIST_ROWS)
    ]


INQUIRY_ID_LENGTH = 36  # str(uuid4()), the column's width
InquiryId = Annotated[str, Path()]  # any text: an id of no inquiry is the original's 404


@router.post(
    "/inquiries/{inquiry_id}/accept",
    response_model=DecisionOut,
    operation_id="accept_inquiry",
    responses=refusals(AdminRequired, InquiryNotFound),
)
async def accept_inquiry(
    inquiry_id: InquiryId, request: Request, admin: CurrentAdmin, game: GameDep
) -> DecisionOut:
    author = await _take(request, inquiry_id)
    try:
        await game.act_on_user(author, special.reward_inquiry)
    except InvalidToken as error:  # the author deleted the account meanwhile: the inquiry went with it
        raise InquiryNotFound() from error
    return DecisionOut(status="accepted", user_id=author)


@router.post(
    "/inquiries/{inquiry_id}/reject",
    response_model=DecisionOut,
    operation_id="reject_inquiry",
    responses=refusals(AdminRequired, InquiryNotFound),
)
async def reject_inquiry(inquiry_id: InquiryId, request: Request, admin: CurrentAdmin) -> DecisionOut:
    author = await _take(request, inquiry_id)
    return DecisionOut(status="rejected", user_id=author)


async def _take(request: Request, inquiry_id: str) -> str:
    """Delete the inquiry and give its author; ids no inquiry can have (longer than ours, a NUL PostgreSQL
    refuses) are not looked up."""
    if len(inquiry_id) > INQUIRY_ID_LENGTH or "\x00" in inquiry_id:
        raise InquiryNotFound()
    author = await repository.take(request.app.state.engine, inquiry_id)
    if author is None:
        raise InquiryNotFound()
    return author
