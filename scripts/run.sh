#!/usr/bin/env bash
# `make run`: migrate, load demo data, then serve with a Celery worker and beat beside it.
# Embedded default: SQLite + Celery over a SQLite-backed broker. Give DATABASE_URL and
# CELERY_BROKER_URL to run on PostgreSQL and Redis instead. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-approvals.settings.local}"
PORT="${PORT:-8000}"
# The QR code and verify link on every PDF point here: follow the port being served.
export PORT
export XIUHUA_PUBLIC_BASE_URL="${XIUHUA_PUBLIC_BASE_URL:-http://127.0.0.1:${PORT}}"
VAR="${XIUHUA_VAR_DIR:-var}"
mkdir -p "$VAR"

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "== stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A approvals worker --loglevel=INFO --concurrency=2 >"$VAR/celery-worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A approvals beat --loglevel=INFO --pidfile= >"$VAR/celery-beat.log" 2>&1 &
pids+=($!)

cat <<MSG

  Xiuhua (绣花) is running:  http://127.0.0.1:${PORT}/
  API docs:                  http://127.0.0.1:${PORT}/api/docs/
  Celery worker and beat logs: $VAR/celery-worker.log, $VAR/celery-beat.log

  Demo accounts (password: ${DEMO_PASSWORD:-zhaotong-demo}):
    applicant, applicant2           applicants (two invented companies)
    clerk, reviewer, reviewer2, surveyor, chief      permits, 昭阳区
    patrol, officer, officer2, squadlead, legal, leader   enforcement, 昭阳区
    reviewer_ludian                 reviewer in 鲁甸县
    supervisor, admin               city-wide

  Ctrl-C stops the server, the worker and beat.
MSG

.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
wait -n "${pids[@]}"
