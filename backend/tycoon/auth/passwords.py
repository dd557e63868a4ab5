"""Password hashing with Argon2 (pwdlib), off the event loop and bounded in concurrency.

Parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes): a hash takes ~20 ms of one core here, so a
burst of sign-ups cannot starve the game requests of memory or CPU.
"""

from __future__ import annotations

import asyncio
import re

import anyio.to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from tycoon.errors import InvalidPassword, InvalidUsername

_HASHER = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1),))
_LIMIT = asyncio.Semaphore(2)
_USERNAME = re.compile(r"^[\w]{3,20}$")  # Unicode letters, digits and underscore


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
    return _USERNAME.fullmatch(username) is not None


def check_username(username: str) -> None:
    if not is_valid_username(username):
        raise InvalidUsername()


def check_password(password: str) -> None:
    long_enough = 8 <= len(password) <= 128
    if not (long_enough and any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        raise InvalidPassword()
