"""The token bucket's Lua (`BUCKET_LUA`) in the real Redis, at times the tests choose, against a token bucket counted
exactly in Python: the same requests pass, the refused ones get the same wait. The scripts run it at Redis's time."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from fractions import Fraction

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REDIS_URL
from tycoon.ratelimit.limits import BUCKET_LUA, CHECK_LUA

NOW = 1_800_000_000_000  # ms


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(REDIS_URL)
    yield connection
    connection.close()


AT_TIME = BUCKET_LUA + "return bucket(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))"


def take(client: redis.Redis, key: str, rate: float, burst: int, now: int) -> int:
    """One request against the bucket `key` alone at `now` (ms): 0 when it passes, else the wait in ms."""
    return int(client.eval(AT_TIME, 0, key, rate, burst, now))


class ExactBucket:
    """The rule: `burst` tokens at most, `rate` more per second, a request takes one or waits for it."""

    def __init__(self, rate: int, burst: int, now: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.last = Fraction(burst), now

    def take(self, now: int) -> int:
        self.tokens = min(
            Fraction(self.burst), self.tokens + Fraction(max(0, now - self.last) * self.rate, 1000)
        )
        self.last = max(self.last, now)
        if self.tokens < 1:
            return math.ceil((1 - self.tokens) * 1000 / self.rate)
        self.tokens -= 1
        return 0


def new_key() -> str:
    return f"test:bucket:{uuid.uuid4().hex}"


def test_a_full_bucket_passes_its_burst_then_waits_one_interval(client: redis.Redis) -> None:
    key = new_key()
    assert [take(client, key, 10, 3, NOW) for _ in range(3)] == [0, 0, 0]
    assert take(client, key, 10, 3, NOW) == 100
    assert take(client, key, 10, 3, NOW + 99) == 1
    assert take(client, key, 10, 3, NOW + 100) == 0
    assert take(client, key, 10, 3, NOW + 100) == 100


def test_the_key_lives_only_until_the_bucket_is_full_again(client: redis.Redis) -> None:
    key = new_key()
    for _ in range(3):
        take(client, key, 10, 3, NOW)
    assert 0 < client.pttl(key) <= 300 + 1000


def test_the_scripts_time_the_buckets_by_redis_s_clock(client: redis.Redis) -> None:
    """Not by the server process's: processes stamping their requests before the round trip reach Redis out of the
    order of their stamps, and each machine's clock is its own."""
    key = new_key()
    seconds, micros = client.time()
    assert client.eval(CHECK_LUA, 0, key, 10, 3, "", 0, 0) == [0, b""]
    tat = float(client.get(key) or 0)
    assert 0 <= tat - (seconds * 1000 + micros / 1000) - 100 < 1000  # one interval on from Redis's now


def test_a_request_timed_before_the_last_one_finds_the_bucket_as_empty_as_it_is(client: redis.Redis) -> None:
    """Redis's clock stepped back, or a time taken before the last request's: one a millisecond behind the request
    that emptied the bucket must not find it full again."""
    key = new_key()
    assert [take(client, key, 10, 30, NOW) for _ in range(30)] == [0] * 30
    assert take(client, key, 10, 30, NOW - 1) == 100
    assert [take(client, key, 10, 30, NOW) for _ in range(5)] == [100] * 5
    assert take(client, key, 10, 30, NOW + 100) == 0


def test_a_bucket_written_an_hour_ahead_waits_one_interval_until_its_key_expires(client: redis.Redis) -> None:
    """Redis's clock stepped back an hour: no lock-out for that hour, and no Retry-After of an hour. The key's expiry
    is relative, so it ends within `burst` intervals and a second."""
    key = new_key()
    for _ in range(3):
        take(client, key, 10, 3, NOW + 3_600_000)
    assert take(client, key, 10, 3, NOW) == 100
    assert 0 < client.pttl(key) <= 300 + 1000
    client.delete(key)  # what the expiry does
    assert take(client, key, 10, 3, NOW) == 0


def test_a_rate_of_zero_is_unlimited(client: redis.Redis) -> None:
    key = new_key()
    assert all(take(client, key, 0, 1, NOW) == 0 for _ in range(5))
    assert client.exists(key) == 0


@settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from([1, 2, 4, 5, 10, 20, 25, 100]),  # whole intervals in ms: exact in both
    burst=st.integers(1, 30),
    gaps=st.lists(st.integers(0, 400), min_size=1, max_size=60),
)
def test_the_lua_bucket_answers_as_the_exact_bucket(
    client: redis.Redis, rate: int, burst: int, gaps: list[int]
) -> None:
    key, now = new_key(), NOW
    exact = ExactBucket(rate, burst, now)
    for gap in gaps:
        now += gap
        assert take(client, key, rate, burst, now) == exact.take(now)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from([2, 5, 10, 20]),
    burst=st.integers(1, 30),
    arrivals=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 200)), min_size=10, max_size=120),
)
def test_times_out_of_order_never_let_more_through_than_the_limit(
    client: redis.Redis, rate: int, burst: int, arrivals: list[tuple[int, int]]
) -> None:
    """Requests timed up to 200 ms before they reach the bucket, in any order: over any run no more pass than the
    bucket allows between the earliest time and the latest."""
    key, now, passed = new_key(), NOW, 0
    stamps = []
    for gap, lag in arrivals:
        now += gap
        stamps.append(now - lag)
        passed += take(client, key, rate, burst, now - lag) == 0
    assert passed <= burst + (max(stamps) - min(stamps)) * rate / 1000
