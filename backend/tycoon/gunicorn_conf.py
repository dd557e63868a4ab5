"""gunicorn hooks for `tycoon api` (the command line itself is built in serve.py).

Runs in the gunicorn master: logs in the same JSON lines as the workers, and keeps PROMETHEUS_MULTIPROC_DIR
clean across restarts and worker replacements; in each worker once it has built the app: the collector's
settings.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from tycoon.config import get_settings
from tycoon.kit.gctune import freeze_startup_objects
from tycoon.observability import multiproc
from tycoon.observability.logging import configure_logging


class JsonLinesLogger(Logger):  # type: ignore[misc]  # gunicorn has no type stubs
    """gunicorn's logger, writing through ours (JSON lines) from its first line: gunicorn logs "Starting gunicorn"
    before `on_starting` runs, and sets up its own handlers when it makes its logger, which this replaces."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        configure_logging(get_settings())


logger_class = JsonLinesLogger


def _metrics_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server: Any) -> None:
    directory = _metrics_dir()
    if directory:
        multiproc.wipe(directory)


def child_exit(server: Any, worker: Any) -> None:
    directory = _metrics_dir()
    if directory:
        multiproc.fold_exited_worker(directory, worker.pid)


def post_worker_init(worker: Any) -> None:
    # The worker has built the app (routes, models): keep the collector from re-scanning them.
    freeze_startup_objects()
