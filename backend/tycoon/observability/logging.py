"""JSON lines on stdout, one per event, for structlog and for the standard library's loggers alike.

Each line is written with one `os.write` on file descriptor 1: lines from several gunicorn workers sharing a
pipe never interleave (a write up to PIPE_BUF bytes is atomic), and a line is never held back in a buffer.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

import orjson
import structlog
from structlog.typing import EventDict, Processor

from tycoon.config import Settings

STDOUT_FD = 1
# The per-request line of RequestContextMiddleware replaces these access logs.
QUIET_LOGGERS = ("uvicorn.access", "gunicorn.access")
# Chatty at INFO about their own set-up (alembic lists its plugins when /readyz first reads the migrations).
WARNING_ONLY_LOGGERS = ("alembic",)


def configure_logging(settings: Settings) -> None:
    level = _level_number(settings.log_level)
    shared = _shared_processors()
    final = _renderer(settings.log_json, as_bytes=True)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, final],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=StdoutLineLoggerFactory(),
        cache_logger_on_first_use=True,
    )
    _route_standard_logging(level, shared, _renderer(settings.log_json, as_bytes=False))


def _level_number(name: str) -> int:
    level = logging.getLevelNamesMapping().get(name.upper())
    if level is None:
        raise ValueError(f"LOG_LEVEL {name!r} is not a logging level")
    return level


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(as_json: bool, *, as_bytes: bool) -> Processor:
    if not as_json:
        return structlog.dev.ConsoleRenderer(colors=False)
    if as_bytes:
        return structlog.processors.JSONRenderer(serializer=_dumps_bytes)
    return structlog.processors.JSONRenderer(serializer=_dumps_text)


def _dumps_bytes(event: Any, **_: Any) -> bytes:
    return orjson.dumps(event, default=repr)


def _dumps_text(event: Any, **_: Any) -> str:
    return orjson.dumps(event, default=repr).decode()


def _route_standard_logging(level: int, shared: list[Processor], renderer: Processor) -> None:
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *shared,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.format_exc_info,  # the traceback as text, not a repr of the tuple
            _drop_terminal_colours,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = StdoutLineHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "gunicorn", "gunicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    for name in QUIET_LOGGERS:
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = False
    for name in WARNING_ONLY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def _drop_terminal_colours(logger: Any, method: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message with ANSI colours
    return event


def write_line(line: bytes) -> None:
    view = memoryview(line + b"\n")
    while view:
        view = view[os.write(STDOUT_FD, view) :]


class StdoutLineLogger:
    """structlog's final logger: the renderer hands it bytes (JSON) or text (console), written as one line."""

    def msg(self, message: bytes | str) -> None:
        write_line(message if isinstance(message, bytes) else message.encode())

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


class StdoutLineLoggerFactory:
    def __call__(self, *args: Any) -> StdoutLineLogger:
        return StdoutLineLogger()


class StdoutLineHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            write_line(self.format(record).encode())
        except Exception:
            self.handleError(record)


class OncePerInterval:
    """One event per key and interval: for an error that every request meets while a dependency is down, so that
    an outage does not add a line to each request's own line (thousands a second). The event let through
    reports how many were held back since the one before it."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def admit(self, key: str) -> int | None:
        """None: hold this one back; else how many were held back before it."""
        now = self.clock()
        if now - self._last.get(key, -float("inf")) < self.seconds:
            self._held[key] = self._held.get(key, 0) + 1
            return None
        self._last[key] = now
        return self._held.pop(key, 0)
