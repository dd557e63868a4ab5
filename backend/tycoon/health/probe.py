"""The container's health check: `python -m tycoon.health.probe [auto|api|worker|scheduler]`.

auto (the image's HEALTHCHECK): by the container's main process (PID 1: `tycoon api` has become gunicorn,
`tycoon worker` and `tycoon scheduler` taskiq), so one image checks whichever role it runs.
api (default): GET /healthz on $PORT. worker, scheduler: their heartbeat in Redis is recent (they send one
every ~15 s with `report_heartbeat`). Exit status 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request

HTTP_TIMEOUT_SECONDS = 2.0
HEARTBEAT_MAX_AGE_SECONDS = 90.0


def api_alive(port: int) -> bool:
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def heartbeat_recent(role: str) -> bool:
    import redis

    from tycoon.config import get_settings
    from tycoon.observability.background import KEY_PREFIX

    client = redis.Redis.from_url(get_settings().redis_url, socket_timeout=HTTP_TIMEOUT_SECONDS)
    try:
        stamp = client.hget(f"{KEY_PREFIX}:heartbeats", role)
    except redis.RedisError:
        return False
    finally:
        client.close()
    return stamp is not None and time.time() - float(stamp) < HEARTBEAT_MAX_AGE_SECONDS


def role_of(command_line: list[str]) -> str:
    """The heartbeat to check: a scheduler's jobs run on the worker, whose heartbeat (a scheduled job) shows
    both alive (compose.yaml checks the scheduler the same way)."""
    return "worker" if "taskiq" in " ".join(command_line) else "api"


def main_process_command_line() -> list[str]:
    try:
        with open("/proc/1/cmdline", "rb") as cmdline:
            return [part.decode(errors="replace") for part in cmdline.read().split(b"\0") if part]
    except OSError:
        return []


def main(argv: list[str]) -> int:
    role = argv[0] if argv else "api"
    if role == "auto":
        role = role_of(main_process_command_line())
    healthy = api_alive(int(os.environ.get("PORT", "8000"))) if role == "api" else heartbeat_recent(role)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
