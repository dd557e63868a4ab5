"""Accounts: sign-up, login and deletion, independent of HTTP (the endpoints add cookies and tokens)."""

from __future__ import annotations

import time
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.auth import passwords, sessions, throttle
from tycoon.auth import repository as accounts
from tycoon.auth.repository import AccountRecord
from tycoon.errors import InvalidCredentials, InvalidToken, WrongPassword
from tycoon.game.service import Game, Player
from tycoon.players.codec import dumps
from tycoon.players.store import LoadedPlayer, SessionPrincipal
from tycoon.rankings import service as rankings
from tycoon.redis import Redis
from tycoon.rules.state import PlayerState


async def register(engine: AsyncEngine, redis: Redis, username: str, password: str) -> Player:
    """A new account with its first game state, in PostgreSQL, listed in the rankings."""
    passwords.check_username(username)
    passwords.check_password(password)
    now = time.time()
    state = PlayerState(user_id=str(uuid.uuid4()), username=username, settled_at=now)
    doc = dumps(state)
    password_hash = await passwords.hash_password(password)
    await accounts.create_account(engine, state.user_id, username, password_hash, doc, int(now * 1000))
    await rankings.register_username(redis, state.user_id, username)
    await rankings.store_entries(redis, state, 0)
    return Player(
        SessionPrincipal(state.user_id, False), LoadedPlayer(state.user_id, 1, doc, 0, None), state, now
    )


async def authenticate(engine: AsyncEngine, redis: Redis, game: Game, username: str, password: str) -> Player:
    """Every failure counts against the username sent, whatever its form (as the original), and answers alike;
    one attempt per username at a time, so that attempts made at once cannot all pass the backoff."""
    account = await throttle.password_attempt(
        redis, username, lambda: _account_opened(engine, username, password)
    )
    if account is None:
        raise InvalidCredentials()
    loaded = await game.store.load(account.id)
    if loaded is None:
        raise InvalidCredentials()
    now = time.time()  # the answer shows what the player's next request will: a login counts no presence
    return Player(
        SessionPrincipal(account.id, account.is_admin), loaded, game.settle_unattended(loaded, now), now
    )


async def _confirm_password(redis: Redis, account: AccountRecord, password: str) -> None:
    """The password that confirms a deletion faces the login's backoff, counted under the account's username
    with its logins: a stolen access token must not be a faster way to guess the password than logging in. A
    success clears the name's failures (it may be signed up again)."""
    matches = await throttle.password_attempt(
        redis, account.username, lambda: passwords.verify_password(password, account.password_hash)
    )
    if not matches:
        raise WrongPassword()


async def _account_opened(engine: AsyncEngine, username: str, password: str) -> AccountRecord | None:
    """Unknown user and wrong password take the same hashing work; a username sign-up refuses belongs to no account
    and is not looked up (a NUL cannot reach SQL)."""
    if not passwords.is_valid_username(username):
        return None
    account = await accounts.find_by_username(engine, username)
    hashed = account.password_hash if account else passwords.dummy_verify_hash()
    return account if await passwords.verify_password(password, hashed) else None


async def delete_account(engine: AsyncEngine, redis: Redis, game: Game, user_id: str, password: str) -> None:
    """Everything of the account goes: every session, cached state, rankings, then its rows (cascading).

    The rows go last: should a step fail (503), the account is still there, no session can use it, and the
    player can log in again and retry; nothing is left behind that no request could reach. An account already gone
    (deleted by a concurrent request) is answered 401, as its session has ended.

    A request of the player's still in flight may save once more: the cached copy is barred from being reloaded
    from PostgreSQL until the rows are gone (`forget`), and the rankings are cleared again after them."""
    account = await accounts.find_by_id(engine, user_id)
    if account is not None:
        await _confirm_password(redis, account, password)
    await sessions.close_all(redis, user_id)
    await game.store.forget(user_id)
    await rankings.remove_player(redis, user_id)
    try:
        deleted = account is not None and await accounts.delete_account(engine, user_id)
    except Exception:
        await game.store.remember(user_id)
        raise
    if not deleted:
        raise InvalidToken()
    await rankings.remove_player(redis, user_id)
