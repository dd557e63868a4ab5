"""SQL for accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.errors import UsernameTaken
from tycoon.models import Account
from tycoon.players.repository import insert_player


async def create_account(
    engine: AsyncEngine, user_id: str, username: str, password_hash: str, player_doc: str, now_ms: int
) -> None:
    """The account and its player row in one transaction."""
    try:
        async with engine.begin() as conn:
            values = {"id": user_id, "username": username, "password_hash": password_hash}
            await conn.execute(insert(Account).values(values))
            await insert_player(conn, user_id, player_doc, now_ms)
    except IntegrityError as error:
        raise UsernameTaken() from error


@dataclass(frozen=True, slots=True)
class AccountRecord:
    id: str
    username: str
    password_hash: str
    is_admin: bool


_ACCOUNT = select(Account.id, Account.username, Account.password_hash, Account.is_admin)


async def find_by_username(engine: AsyncEngine, username: str) -> AccountRecord | None:
    async with engine.connect() as conn:
        row = (await conn.execute(_ACCOUNT.where(Account.username == username))).first()
    return None if row is None else AccountRecord(*row)


async def find_by_id(engine: AsyncEngine, user_id: str) -> AccountRecord | None:
    async with engine.connect() as conn:
        row = (await conn.execute(_ACCOUNT.where(Account.id == user_id))).first()
    return None if row is None else AccountRecord(*row)


async def delete_account(engine: AsyncEngine, user_id: str) -> bool:
    """Players and inquiries go with it (ON DELETE CASCADE). False when there was no such account."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(Account).where(Account.id == user_id).returning(Account.id))
        return result.first() is not None


async def set_admin(engine: AsyncEngine, username: str, is_admin: bool) -> str | None:
    async with engine.begin() as conn:
        result = await conn.execute(
            update(Account)
            .where(Account.username == username)
            .values(is_admin=is_admin)
            .returning(Account.id)
        )
        return result.scalar()
