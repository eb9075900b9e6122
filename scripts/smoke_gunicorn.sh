#!/usr/bin/env bash
# Smoke test of the production layout: gunicorn with production settings on PostgreSQL
# and Redis, static files through WhiteNoise after collectstatic; fetches the sign-in
# page, a static file and the health checks. Run by .ci/run after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PG="${PGURL:-postgres://postgres@127.0.0.1:5432}"
PORT="${SMOKE_PORT:-8765}"
WORK="$(mktemp -d)"
trap 'kill "${GUNICORN_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

PGOPTIONS="--client-min-messages=warning" psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS slaportal_smoke" -c "CREATE DATABASE slaportal_smoke" >/dev/null

export DJANGO_DEBUG=false
export SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export ALLOWED_HOSTS=localhost
export ACCESS_DETAILS_KEYS="$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export DATABASE_URL="$PG/slaportal_smoke"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export STATIC_ROOT="$WORK/static"
export VAR_DIR="$WORK/var"  # production creates nothing here; checked below

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 GUNICORN_ACCESS_LOG="$WORK/access.log" \
  .venv/bin/gunicorn -c gunicorn.conf.py slaportal.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!

get() {  # as the proxy forwards it: HTTPS terminated in front, Host as configured
  curl -fsS --max-time 10 -H "Host: localhost" -H "X-Forwarded-Proto: https" "$@"
}
for _ in $(seq 1 60); do
  get -o /dev/null "http://127.0.0.1:$PORT/health/live/" 2>/dev/null && break
  sleep 0.5
done
get "http://127.0.0.1:$PORT/health/live/" | grep -qx ok
get "http://127.0.0.1:$PORT/accounts/login/" | grep -q "<h1>Sign in</h1>"
get -D - -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" | grep -qi "^content-security-policy:"
css="$(get "http://127.0.0.1:$PORT/accounts/login/" | grep -o '/static/css/portal[^"]*\.css' | head -1)"
[ -n "$css" ] && get -o /dev/null "http://127.0.0.1:$PORT$css"
get "http://127.0.0.1:$PORT/health/ready/?format=json" | grep -q '"OK"'
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost" -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/no/such/page/")"
[ "$status" = 404 ]
[ ! -e "$VAR_DIR" ]
grep -q '"GET /accounts/login/' "$WORK/access.log"
# JSON log lines with the request ID the response returned.
rid="$(get -D - -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-request-id"{print $2}')"
[ -n "$rid" ]
sleep 0.5
grep -F "\"request_id\": \"$rid\"" "$WORK/gunicorn.log" | grep -q '"event": "request_finished"'
echo "gunicorn smoke test: sign-in page, hashed static file ($css), health checks, 404, JSON logs with request ID $rid — all answered"
