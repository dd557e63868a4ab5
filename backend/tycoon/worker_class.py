"""The gunicorn worker class of `tycoon api`: uvicorn's, without its own X-Forwarded-For handling.

The app trusts forwarded client addresses only from TRUSTED_PROXIES (ProxyHeadersMiddleware in app.py). Left on,
uvicorn would first trust 127.0.0.1 (its FORWARDED_ALLOW_IPS default) and rewrite the client before the app
could apply that setting, so one local proxy hop would bypass the per-IP limits.
"""

from __future__ import annotations

from typing import Any, ClassVar

from uvicorn_worker import UvicornWorker


class TycoonWorker(UvicornWorker):
    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
