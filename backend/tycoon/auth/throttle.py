"""Login and sign-up throttling shared by every server process through Redis (ORIGINAL-RULES §13).

Per client IP: at most LOGIN_IP_LIMIT_PER_MINUTE attempts in any 60 seconds. Per username (whatever text the login
sent, as the original): after n failures, wait min(2^n, 300) seconds after the last failure; a success clears it.
The password that confirms an account's deletion counts as a login attempt of its username (auth/service.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from redis.exceptions import LockNotOwnedError

from tycoon.errors import LoginCooldown, QuotaPolicy, TooManyAttempts
from tycoon.ratelimit.limits import address_key
from tycoon.redis import Redis

T = TypeVar("T")

MAX_COOLDOWN_SECONDS = 300
# A username's failure count lasts this long after its last failure (the original kept it in memory until a
# success): a guesser who pauses for an hour starts again at 2 s, 9 guesses in the first 8.5 min, fewer an hour
# than the 12 the 300-s cooldown allows. It bounds what failed names (any text, unknown names too) keep in Redis:
# at the per-address limit of 100 a minute, 6,000 keys of ~100 bytes per address.
FAILURES_KEPT_SECONDS = 3600
WINDOW_SECONDS = 60
ATTEMPT_MARK_SECONDS = 10.0  # far longer than an attempt takes (an Argon2 check), short if its process dies
ATTEMPT_WAIT_SECONDS = 2.0
ATTEMPT_POLL_SECONDS = 0.05

# KEYS[1]: the IP's attempt times; ARGV: now, window, limit, a unique member. Refused attempts are not kept, so the
# set holds at most `limit` times. Returns the seconds until an attempt is allowed again, or nil once recorded.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return nil
"""


async def check_ip(redis: Redis, ip: str, limit_per_minute: int) -> None:
    """At most `limit_per_minute` attempts in any 60 s (a sliding window, as the original's list of times)."""
    now = time.time()
    wait = await redis.register_script(_SLIDING_WINDOW)(
        keys=[f"throttle:ip:{address_key(ip)}"],
        args=[now, WINDOW_SECONDS, limit_per_minute, f"{now}:{uuid.uuid4().hex}"],
    )
    if wait is not None:
        policy = QuotaPolicy("login-ip", limit_per_minute, WINDOW_SECONDS)
        raise TooManyAttempts(retry_after=float(wait), policy=policy)


async def check_username(redis: Redis, username: str) -> None:
    failures, last = await redis.hmget(_user_key(username), ["n", "at"])
    if failures is None or last is None:
        return
    cooldown = min(2 ** int(failures), MAX_COOLDOWN_SECONDS)
    wait = cooldown - (time.time() - float(last))
    if wait > 0:  # Retry-After rounds the wait up
        raise LoginCooldown(wait, QuotaPolicy("login-username", 1, cooldown))  # one attempt per cooldown


@asynccontextmanager
async def one_attempt(redis: Redis, username: str) -> AsyncIterator[None]:
    """One login attempt per username at a time, in every process: attempts made at once would all pass the
    backoff before any of their failures is recorded (the original, one blocking process, took them in turn).
    Another attempt waits its turn for up to ATTEMPT_WAIT_SECONDS (a double-clicked login button gets two
    answers), then is refused as a throttled one; the mark is this attempt's own and expires should its process
    die."""
    turn = redis.lock(
        f"{_user_key(username)}:busy",
        timeout=ATTEMPT_MARK_SECONDS,
        sleep=ATTEMPT_POLL_SECONDS,
        blocking_timeout=ATTEMPT_WAIT_SECONDS,
        thread_local=False,
    )
    if not await turn.acquire():
        raise TooManyAttempts(policy=QuotaPolicy("login-username", 1, 1))
    try:
        yield
    finally:
        with contextlib.suppress(
            LockNotOwnedError
        ):  # expired, and perhaps another attempt's by now: not ours
            await turn.release()


async def password_attempt(redis: Redis, username: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run one password check for `username` under its backoff, one at a time in every process: a falsy result
    counts as a failure, a truthy one clears the failures. Returns the check's result."""
    async with one_attempt(redis, username):
        await check_username(redis, username)
        result = await attempt()
        if result:
            await clear_failures(redis, username)
        else:
            await record_failure(redis, username)
        return result


async def record_failure(redis: Redis, username: str) -> None:
    key = _user_key(username)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(key, "n", 1)
        pipe.hset(key, "at", time.time())
        pipe.expire(key, FAILURES_KEPT_SECONDS)
        await pipe.execute()


async def clear_failures(redis: Redis, username: str) -> None:
    await redis.delete(_user_key(username))


def _user_key(username: str) -> str:
    """Of fixed length: a failed login's username may be any text the body limit lets through."""
    digest = hashlib.sha256(username.encode()).hexdigest()
    return f"throttle:user:{digest}"
