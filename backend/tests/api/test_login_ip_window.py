"""The per-IP limit on login and sign-up is a sliding 60-s window shared in Redis (ORIGINAL-RULES §13)."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi import FastAPI

from tycoon.auth import throttle
from tycoon.errors import QuotaPolicy, TooManyRequests


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


async def test_at_most_the_limit_in_any_60_seconds(
    redis_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = redis_app.state.redis
    clock = Clock()
    monkeypatch.setattr(time, "time", clock.time)
    ip = f"192.0.2.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    for at in (0.0, 30.0, 59.0):
        clock.now = 1_000_000.0 + at
        await throttle.check_ip(redis, ip, 3)
    clock.now = 1_000_059.5
    with pytest.raises(TooManyRequests) as refused:
        await throttle.check_ip(redis, ip, 3)
    assert refused.value.message == "Too many attempts. Please wait."
    assert refused.value.retry_after == pytest.approx(0.5)
    assert refused.value.policy == QuotaPolicy("login-ip", 3, 60)  # for the RateLimit headers
    clock.now = (
        1_000_060.5  # the first attempt left the window; a calendar minute would still refuse or reset all
    )
    await throttle.check_ip(redis, ip, 3)
    with pytest.raises(TooManyRequests) as again:
        await throttle.check_ip(redis, ip, 3)
    assert again.value.retry_after == pytest.approx(29.5)  # until the attempt at +30 s leaves


async def test_refused_attempts_do_not_extend_the_wait(
    redis_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = redis_app.state.redis
    clock = Clock()
    monkeypatch.setattr(time, "time", clock.time)
    ip = f"198.51.100.1-{uuid.uuid4().hex}"
    await throttle.check_ip(redis, ip, 1)
    for second in range(1, 60, 5):
        clock.now = 1_000_000.0 + second
        with pytest.raises(TooManyRequests):
            await throttle.check_ip(redis, ip, 1)
    clock.now = 1_000_060.0
    await throttle.check_ip(redis, ip, 1)
    assert await redis.zcard(f"throttle:ip:{ip}") == 1
