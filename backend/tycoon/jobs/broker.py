"""The job queue: taskiq on a Redis stream (acknowledged, redelivered after a crash). See docs/decisions.md.

Run `tycoon worker` for the worker processes and exactly one `tycoon scheduler`.
"""

from __future__ import annotations

import structlog
from redis.exceptions import RedisError
from taskiq import ScheduledTask, ScheduleSource, TaskiqEvents, TaskiqScheduler, TaskiqState
from taskiq.exceptions import SendTaskError
from taskiq.schedule_sources import LabelScheduleSource
from taskiq_redis import RedisStreamBroker

from tycoon.config import Settings, get_settings
from tycoon.game.factory import build_game
from tycoon.observability.logging import configure_logging
from tycoon.observability.sentry import init_sentry
from tycoon.postgres import create_engine
from tycoon.redis import create_redis
from tycoon.shutdown import close_stores

log = structlog.get_logger()
QUEUE_NAME = "tycoon:jobs"
# A stream keeps its entries after they are acknowledged: without a bound it grew by ~1.3 jobs a second (~27 MB a
# day) until Redis refused writes. About two hours of jobs at that rate; trimmed approximately (cheap in Redis).
QUEUE_MAX_LENGTH = 10_000
broker = RedisStreamBroker(
    url=get_settings().redis_url,
    queue_name=QUEUE_NAME,
    consumer_group_name="tycoon",
    maxlen=QUEUE_MAX_LENGTH,
    approximate=True,
)


def observe(settings: Settings) -> None:
    """JSON log lines and Sentry, as the API has them (taskiq runs with --no-configure-logging: tycoon/cli.py)."""
    configure_logging(settings)
    init_sentry(settings)


class Scheduler(TaskiqScheduler):
    async def startup(self) -> None:
        observe(get_settings())
        await super().startup()

    async def on_ready(self, source: ScheduleSource, task: ScheduledTask) -> None:
        """Send a due job; while Redis is away, one short line per job not sent. taskiq left the error to its
        task, and asyncio logged a ~4 KB traceback each second of an outage. The next tick sends it again."""
        try:
            await super().on_ready(source, task)
        except (SendTaskError, RedisError, OSError) as error:
            cause = error.__cause__ or error  # taskiq wraps the broker's error in SendTaskError
            log.warning("job_not_sent", task=task.task_name, error=type(cause).__name__)


scheduler = Scheduler(broker=broker, sources=[LabelScheduleSource(broker)])


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _startup(state: TaskiqState) -> None:
    settings = get_settings()
    observe(settings)
    state.settings = settings
    state.redis = create_redis(settings, pool_size=16)
    state.engine = create_engine(settings)
    state.game = await build_game(settings, state.redis, state.engine)


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _shutdown(state: TaskiqState) -> None:
    await close_stores(state.redis, state.engine)
