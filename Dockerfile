# Energy Tycoon game server: one image for the API, the worker and the scheduler (chosen by the command).
#   docker build -t energy-tycoon:<git sha> .
#   docker run -e DATABASE_URL=… -e REDIS_URL=… -e SECRET_KEY=… -p 8000:8000 energy-tycoon:<git sha>          (api)
#   docker run … energy-tycoon:<git sha> worker | scheduler | migrate | seed | grant-admin NAME | rebuild-rankings
# Only backend/ goes in (see .dockerignore); the web client is built and served by Netlify.
# Plain Dockerfile syntax (no BuildKit-only mounts), so any builder the platform uses can build it.

ARG PYTHON_VERSION=3.11.14
ARG DEBIAN_RELEASE=bookworm
ARG UV_VERSION=0.13.9

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

# --- build: compiler, uv and the lock file make /app/.venv ----------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY backend/pyproject.toml backend/uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backend/ ./
# The runtime cannot write bytecode (read-only code): compile ours here, as uv did for the dependencies.
RUN uv sync --frozen --no-dev \
    && python -m compileall -q tycoon migrations

# --- runtime: the venv and the code, no compiler, no uv, not root -----------------------------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS runtime
RUN groupadd --system --gid 10001 tycoon \
    && useradd --system --uid 10001 --gid tycoon --home-dir /app --no-create-home --shell /usr/sbin/nologin tycoon
WORKDIR /app
# Owned by root: the server can read its code but not change it.
COPY --from=build /app /app
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production \
    PORT=8000
USER 10001:10001
EXPOSE 8000
# api: GET /healthz on $PORT. The worker and scheduler containers override it (compose.yaml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "tycoon.health.probe", "auto"]
ENTRYPOINT ["tycoon"]
CMD ["api"]
