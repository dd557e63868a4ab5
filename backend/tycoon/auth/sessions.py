"""Sessions: opaque random tokens, stored hashed in Redis with expiry.

Access key → "user_id|admin|refresh hash"; refresh key → "user_id|admin|access hash", so either token of a
pair can revoke both (logout, rotation). Every token of a user is listed in a set, so deleting the account or a
role change reaches every device. Shared by all server processes and independent of their restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from tycoon.players import keys
from tycoon.redis import Redis


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str


@dataclass(frozen=True, slots=True)
class SessionConfig:
    access_seconds: int
    refresh_seconds: int
    secret: bytes  # SECRET_KEY: tokens are stored as HMACs, so a copy of Redis alone cannot forge a lookup


@dataclass(frozen=True, slots=True)
class Session:
    """One device's pair of tokens, found by either of them."""

    user_id: str
    is_admin: bool
    access_hash: str
    refresh_hash: str


def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


async def open_session(redis: Redis, ttl: SessionConfig, user_id: str, is_admin: bool) -> TokenPair:
    pair = TokenPair(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    access, refresh = token_hash(ttl.secret, pair.access_token), token_hash(ttl.secret, pair.refresh_token)
    principal = f"{user_id}|{int(is_admin)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(keys.session(access), f"{principal}|{refresh}", ex=ttl.access_seconds)
        pipe.set(keys.refresh(refresh), f"{principal}|{access}", ex=ttl.refresh_seconds)
        pipe.sadd(keys.user_sessions(user_id), f"a:{access}", f"r:{refresh}")
        pipe.expire(keys.user_sessions(user_id), ttl.refresh_seconds)
        await pipe.execute()
    return pair


async def find_by_refresh(redis: Redis, config: SessionConfig, refresh_token: str) -> Session | None:
    refresh = token_hash(config.secret, refresh_token)
    found = await _stored(redis, keys.refresh(refresh))
    return None if found is None else Session(found[0], found[1], access_hash=found[2], refresh_hash=refresh)


async def is_refresh_token(redis: Redis, digest: str) -> bool:
    """Whether a token's hash is that of a live refresh token."""
    return bool(await redis.exists(keys.refresh(digest)))


async def is_access_token(redis: Redis, digest: str) -> bool:
    """Whether a token's hash is that of a live access token."""
    return bool(await redis.exists(keys.session(digest)))


async def find_by_access(redis: Redis, config: SessionConfig, access_token: str) -> Session | None:
    access = token_hash(config.secret, access_token)
    found = await _stored(redis, keys.session(access))
    return None if found is None else Session(found[0], found[1], access_hash=access, refresh_hash=found[2])


async def _stored(redis: Redis, key: str) -> tuple[str, bool, str] | None:
    """(user id, admin, hash of the other token of the pair) stored under a token's key."""
    value = await redis.get(key)
    if value is None:
        return None
    user_id, admin, paired = str(value).split("|")
    return user_id, admin == "1", paired


async def close_session(redis: Redis, session: Session) -> bool:
    """Revoke both tokens of the pair; False if the refresh token was already gone (e.g. used twice)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(keys.refresh(session.refresh_hash))
        pipe.delete(keys.session(session.access_hash))
        pipe.srem(
            keys.user_sessions(session.user_id), f"a:{session.access_hash}", f"r:{session.refresh_hash}"
        )
        deleted, *_ = await pipe.execute()
    return bool(deleted)


async def close_all(redis: Redis, user_id: str) -> None:
    members = await redis.smembers(keys.user_sessions(user_id))
    async with redis.pipeline(transaction=True) as pipe:
        for member in members:
            pipe.delete(_key_of(str(member)))
        pipe.delete(keys.user_sessions(user_id))
        await pipe.execute()


async def set_role(redis: Redis, user_id: str, is_admin: bool) -> None:
    """Rewrite the role in every live session of the user, keeping their expiry."""
    for member in await redis.smembers(keys.user_sessions(user_id)):
        key = _key_of(str(member))
        value = await redis.get(key)
        if value is not None:
            user, _, paired = str(value).split("|")
            await redis.set(key, f"{user}|{int(is_admin)}|{paired}", keepttl=True)


def _key_of(member: str) -> str:
    kind, _, digest = member.partition(":")
    return keys.session(digest) if kind == "a" else keys.refresh(digest)
