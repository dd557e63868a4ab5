"""SQL for inquiries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, String, Text, delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.errors import InvalidToken
from tycoon.models import Account, Inquiry


@dataclass(frozen=True, slots=True)
class InquiryRecord:
    id: str
    user_id: str
    username: str
    type: str
    content: str
    created_at_ms: int


FOREIGN_KEY_VIOLATION = "23503"
_SELECT = select(
    Inquiry.id, Inquiry.user_id, Account.username, Inquiry.type, Inquiry.content, Inquiry.created_at_ms
).join(Account, Account.id == Inquiry.user_id)
NEWEST = (Inquiry.created_at_ms.desc(), Inquiry.id)


async def add(engine: AsyncEngine, record: InquiryRecord, max_pending: int) -> bool:
    """Store an inquiry unless its author already has `max_pending` waiting (one statement); whether it was."""
    pending = select(func.count()).where(Inquiry.user_id == record.user_id).scalar_subquery()
    row = select(
        literal(record.id, String),
        literal(record.user_id, String),
        literal(record.type, String),
        literal(record.content, Text),
        literal(record.created_at_ms, BigInteger),
    ).where(pending < max_pending)
    columns = ["id", "user_id", "type", "content", "created_at_ms"]
    try:
        async with engine.begin() as conn:
            # the author's inquiries one at a time, so that posts sent at once cannot all count the same waiting
            await conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(record.user_id))))
            result = await conn.execute(insert(Inquiry).from_select(columns, row))
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != FOREIGN_KEY_VIOLATION:
            raise
        raise InvalidToken() from error  # the author's account was deleted meanwhile: its session is over
    return bool(result.rowcount)


async def newest_first(engine: AsyncEngine, max_bytes: int, max_rows: int) -> list[InquiryRecord]:
    """One query with the authors' names (the original made one per inquiry): the newest inquiries, at most
    `max_rows`, whose contents, newer ones included, start within the first `max_bytes` bytes — a bounded answer
    however many inquiries wait (older ones are listed once newer ones are decided)."""
    size = func.octet_length(Inquiry.content)
    before = func.coalesce(func.sum(size).over(order_by=NEWEST, rows=(None, -1)), 0)
    ranked = _SELECT.add_columns(before.label("before")).subquery()
    fields = [column for column in ranked.c if column.key != "before"]  # _SELECT's
    listed = select(*fields).where(ranked.c.before < max_bytes)
    async with engine.connect() as conn:
        rows = await conn.execute(listed.order_by(ranked.c.created_at_ms.desc(), ranked.c.id).limit(max_rows))
    return [InquiryRecord(*row) for row in rows]


async def take(engine: AsyncEngine, inquiry_id: str) -> str | None:
    """Delete an inquiry; its author's id, or None if there was none."""
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(Inquiry).where(Inquiry.id == inquiry_id).returning(Inquiry.user_id)
        )
        return result.scalar()
