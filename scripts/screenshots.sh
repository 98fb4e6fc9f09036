#!/usr/bin/env bash
# `make screenshots`: PNGs of the main pages (desktop and a 360 px phone) in var/screenshots/,
# taken in Debian's chromium from a throwaway copy of the demo (SQLite, Celery tasks run inline).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${XIUHUA_SCREENSHOTS_DIR:-var/screenshots}"
WORK="$(mktemp -d)"
export DJANGO_SETTINGS_MODULE=approvals.settings.local XIUHUA_VAR_DIR="$WORK" CELERY_TASK_ALWAYS_EAGER=1
PORT="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo >/dev/null
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload >"$WORK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:${PORT}/accounts/login/" >/dev/null 2>&1 && break
  sleep 0.5
done
.venv/bin/python scripts/screenshots.py "http://127.0.0.1:${PORT}" "$OUT"
