#!/usr/bin/env bash
# `make test`: lint, type check, then the whole suite on PostgreSQL + Redis + a real worker.
# While iterating: XIUHUA_QUICK=1 scripts/test.sh tests/some_dir -x  (skips ruff and mypy; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"
export DJANGO_SETTINGS_MODULE=approvals.settings.test

if [ -z "${XIUHUA_QUICK:-}" ]; then
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy
fi
echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
code=$?
set -e
exit $code
