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
# The whole suite runs in parallel test processes (pytest-xdist; each gets its own test database and
# Redis database, see approvals/settings/test.py). A targeted run (arguments given) stays in one process
# unless XIUHUA_TEST_PROCESSES says otherwise; XIUHUA_TEST_PROCESSES=0 turns parallelism off.
if [ $# -eq 0 ]; then
  cores=$(nproc)
  default_processes=$(( cores < 4 ? cores : 4 ))
else
  default_processes=0
fi
processes="${XIUHUA_TEST_PROCESSES:-$default_processes}"
parallel=()
if [ "$processes" -gt 1 ]; then
  parallel=(-n "$processes" --dist worksteal)
fi
echo "== pytest (${processes} processes)"
set +e
.venv/bin/python -m pytest "${parallel[@]}" "$@"
code=$?
set -e
exit $code
