"""The job queue: its stream is bounded (acknowledged entries stay until trimmed); its scheduler rides out Redis."""

from __future__ import annotations

from structlog.testing import capture_logs
from taskiq import ScheduledTask
from taskiq.schedule_sources import LabelScheduleSource
from taskiq_redis import RedisStreamBroker

from tycoon.jobs.broker import QUEUE_MAX_LENGTH, Scheduler, broker


def test_the_job_stream_is_trimmed() -> None:
    # ~1.3 jobs a second: unbounded, the stream grew ~27 MB a day until Redis refused writes
    assert (broker.maxlen, broker.approximate) == (QUEUE_MAX_LENGTH, True)
    assert 3_600 < QUEUE_MAX_LENGTH < 100_000


async def test_the_scheduler_logs_one_short_line_for_a_job_it_cannot_send() -> None:
    # Redis away: nothing listens on port 1
    unreachable = RedisStreamBroker(url="redis://127.0.0.1:1/0", queue_name="tycoon:test-jobs")
    source = LabelScheduleSource(unreachable)
    due = ScheduledTask(task_name="flush_dirty_players", labels={}, args=[], kwargs={}, interval=1)
    with capture_logs() as logs:
        await Scheduler(broker=unreachable, sources=[source]).on_ready(source, due)
    assert logs == [
        {
            "event": "job_not_sent",
            "task": "flush_dirty_players",
            "error": "ConnectionError",
            "log_level": "warning",
        }
    ]
