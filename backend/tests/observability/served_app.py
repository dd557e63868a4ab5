"""The app that test_gunicorn_metrics.py serves with gunicorn (not a test module)."""

from __future__ import annotations

from fastapi import FastAPI

from tycoon.config import Settings
from tycoon.health.endpoints import router as health_router
from tycoon.observability.metrics import setup_metrics
from tycoon.observability.middleware import RequestContextMiddleware


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(health_router)

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        return {"item_id": item_id}

    setup_metrics(app, Settings())
    app.add_middleware(RequestContextMiddleware)
    return app
