#!/usr/bin/env bash
# `make run`: create and migrate the database, seed the catalogue, then run the API (127.0.0.1:8000,
# WEB_CONCURRENCY workers), the worker, the scheduler and the web client (127.0.0.1:5173). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(bash scripts/uv.sh)
export DATABASE_URL=${DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/tycoon}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export PORT=${PORT:-8000}
export HOST=${HOST:-127.0.0.1}  # this machine only: a development server with the default SECRET_KEY
export API_URL=http://127.0.0.1:$PORT  # where the client's /api proxy goes (frontend/vite.config.ts)

database=$(basename "${DATABASE_URL%%\?*}")
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$database'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$database\""
fi
cd backend
"$UV" sync --frozen --quiet
.venv/bin/tycoon migrate
.venv/bin/tycoon seed

# The venv's own entry point (not `uv run`), so that each process gets our signals directly.
tycoon=.venv/bin/tycoon
pids=()
cleanup() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.2; done
  kill -9 "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
"$tycoon" api & pids+=($!)
"$tycoon" worker & pids+=($!)
"$tycoon" scheduler & pids+=($!)
if [ -d ../frontend ]; then
  (cd ../frontend && npm run dev -- --host 127.0.0.1 --port 5173 --strictPort) & pids+=($!)
fi
echo "API http://$HOST:$PORT (docs at /docs), client http://127.0.0.1:5173 — Ctrl-C stops all"
wait -n "${pids[@]}"
