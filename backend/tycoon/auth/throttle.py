"""Login and sign-up throttling shared by every server process through Redis (ORIGINAL-RULES §13).

Per client IP: at most LOGIN_IP_LIMIT_PER_MINUTE attempts a minute. Per username: after n failures, wait
min(2^n, 300) seconds after the last failure; a success clears it.
"""

from __future__ import annotations

import math
import time

from tycoon.errors import TooManyRequests
from tycoon.redis import Redis

MAX_COOLDOWN_SECONDS = 300


async def check_ip(redis: Redis, ip: str, limit_per_minute: int) -> None:
    key = f"throttle:ip:{ip}:{int(time.time() // 60)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, 60)
        attempts, _ = await pipe.execute()
    if int(attempts) > limit_per_minute:
        raise TooManyRequests("Too many attempts. Please wait.", retry_after=60 - time.time() % 60)


async def check_username(redis: Redis, username: str) -> None:
    failures, last = await redis.hmget(f"throttle:user:{username}", ["n", "at"])
    if failures is None or last is None:
        return
    wait = min(2 ** int(failures), MAX_COOLDOWN_SECONDS) - (time.time() - float(last))
    if wait > 0:
        seconds = math.ceil(wait)
        raise TooManyRequests(
            f"Too many failed attempts. Please wait {seconds} seconds.", retry_after=seconds
        )


async def record_failure(redis: Redis, username: str) -> None:
    key = f"throttle:user:{username}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(key, "n", 1)
        pipe.hset(key, "at", time.time())
        pipe.expire(key, MAX_COOLDOWN_SECONDS * 2)
        await pipe.execute()


async def clear_failures(redis: Redis, username: str) -> None:
    await redis.delete(f"throttle:user:{username}")
