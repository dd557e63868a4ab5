"""The job queue's stream is bounded: acknowledged entries stay in a Redis stream until it is trimmed."""

from __future__ import annotations

from tycoon.jobs.broker import QUEUE_MAX_LENGTH, broker


def test_the_job_stream_is_trimmed() -> None:
    # ~1.3 jobs a second: unbounded, the stream grew ~27 MB a day until Redis refused writes
    assert (broker.maxlen, broker.approximate) == (QUEUE_MAX_LENGTH, True)
    assert 3_600 < QUEUE_MAX_LENGTH < 100_000
