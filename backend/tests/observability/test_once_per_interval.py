"""OncePerInterval: one event per key and interval, and the count of those held back."""

from __future__ import annotations

from tycoon.observability.logging import OncePerInterval


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_event_per_key_and_interval_and_the_count_held_back() -> None:
    clock = Clock()
    throttle = OncePerInterval(1.0, clock)
    assert throttle.admit("redis") == 0
    assert [throttle.admit("redis") for _ in range(3)] == [None] * 3
    assert throttle.admit("postgres") == 0  # keys are apart
    clock.now += 0.99
    assert throttle.admit("redis") is None
    clock.now += 0.01
    assert throttle.admit("redis") == 4
    assert throttle.admit("redis") is None
    clock.now += 5
    assert throttle.admit("redis") == 1
    assert throttle.admit("postgres") == 0
