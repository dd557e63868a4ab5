"""Password hashing with Argon2 (pwdlib), off the event loop and bounded in concurrency.

Parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes): a hash takes ~20 ms of one core here, so a
burst of sign-ups cannot starve the game requests of memory or CPU.
"""

from __future__ import annotations

import asyncio

import anyio.to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from tycoon.errors import (
    PasswordLettersAndDigits,
    PasswordTooLong,
    PasswordTooShort,
    UsernameCharacters,
    UsernameRequired,
    UsernameTooLong,
    UsernameTooShort,
)

_HASHER = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1),))
_LIMIT = asyncio.Semaphore(2)
MIN_USERNAME, MAX_USERNAME = 3, 20
MIN_PASSWORD, MAX_PASSWORD = 8, 128


async def hash_password(password: str) -> str:
    async with _LIMIT:
        return await anyio.to_thread.run_sync(_HASHER.hash, password)


async def verify_password(password: str, hashed: str) -> bool:
    async with _LIMIT:
        return await anyio.to_thread.run_sync(_HASHER.verify, password, hashed)


def dummy_verify_hash() -> str:
    """A real hash to verify against when the user does not exist, so both failures take the same time."""
    return _DUMMY


_DUMMY = _HASHER.hash("not-a-real-password-1")


def is_valid_username(username: str) -> bool:
    return MIN_USERNAME <= len(username) <= MAX_USERNAME and _username_characters(username)


def _username_characters(username: str) -> bool:
    """Unicode letters and digits and the underscore, as the original's `isalnum() or '_'`."""
    return all(c.isalnum() or c == "_" for c in username)


def check_username(username: str) -> None:
    """The original's checks, in its order and with its messages."""
    if not username:
        raise UsernameRequired()
    if len(username) < MIN_USERNAME:
        raise UsernameTooShort()
    if len(username) > MAX_USERNAME:
        raise UsernameTooLong()
    if not _username_characters(username):
        raise UsernameCharacters()


def check_password(password: str) -> None:
    """The original's checks, in its order and with its messages."""
    if len(password) < MIN_PASSWORD:
        raise PasswordTooShort()
    if len(password) > MAX_PASSWORD:
        raise PasswordTooLong()
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        raise PasswordLettersAndDigits()
