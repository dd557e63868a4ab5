#!/usr/bin/env bash
# The web client's checks: lint, unit tests, build, then the end-to-end test in Debian's chromium against a
# real API process (own database and Redis database, so it never touches a dev server's data).
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(bash scripts/uv.sh)

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null
fi

(cd frontend && npm run lint && npm run test:unit && npm run build)

export DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/tycoon_e2e
export REDIS_URL=redis://127.0.0.1:6379/4
export ENVIRONMENT=test LOG_LEVEL=WARNING WEB_CONCURRENCY=1
export LOGIN_IP_LIMIT_PER_MINUTE=10000 RATE_LIMIT_IP_PER_SECOND=10000
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS tycoon_e2e WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE tycoon_e2e"
redis-cli -n 4 flushdb >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cd backend
"$UV" run tycoon migrate
"$UV" run tycoon seed
"$UV" run uvicorn --factory tycoon.app:create_app --no-proxy-headers --host 127.0.0.1 --port "$port" > /tmp/tycoon-e2e-api.log 2>&1 &
api=$!
"$UV" run tycoon worker > /tmp/tycoon-e2e-worker.log 2>&1 &
worker=$!
trap 'kill $api $worker 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done
cd ../frontend
API_URL="http://127.0.0.1:$port" E2E_SKIP_BUILD=1 npm run test:e2e
