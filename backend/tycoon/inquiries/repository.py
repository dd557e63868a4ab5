"""SQL for inquiries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.models import Account, Inquiry


@dataclass(frozen=True, slots=True)
class InquiryRecord:
    id: str
    user_id: str
    username: str
    type: str
    content: str
    created_at_ms: int


_SELECT = select(
    Inquiry.id, Inquiry.user_id, Account.username, Inquiry.type, Inquiry.content, Inquiry.created_at_ms
).join(Account, Account.id == Inquiry.user_id)


async def add(engine: AsyncEngine, record: InquiryRecord) -> None:
    values = {
        "id": record.id,
        "user_id": record.user_id,
        "type": record.type,
        "content": record.content,
        "created_at_ms": record.created_at_ms,
    }
    async with engine.begin() as conn:
        await conn.execute(insert(Inquiry).values(values))


async def newest_first(engine: AsyncEngine) -> list[InquiryRecord]:
    """One query with the authors' names (the original made one per inquiry)."""
    async with engine.connect() as conn:
        rows = await conn.execute(_SELECT.order_by(Inquiry.created_at_ms.desc()))
    return [InquiryRecord(*row) for row in rows]


async def take(engine: AsyncEngine, inquiry_id: str) -> str | None:
    """Delete an inquiry; its author's id, or None if there was none."""
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(Inquiry).where(Inquiry.id == inquiry_id).returning(Inquiry.user_id)
        )
        return result.scalar()
