#!/usr/bin/env bash
# `make bench`: speed targets, measured and reported (table + JSON under var/bench/), never asserted in tests.
# Quick by default (a few minutes on 2 cores). Larger runs, e.g.:
#   BENCH_SIZES=1000,10000,100000 BENCH_CLOSED=1000000 BENCH_SWEEP_OPEN=1000000 make bench
# Other knobs (bench/runner.py Config): BENCH_LIFECYCLES, BENCH_LIST_REPEATS, BENCH_LIST_BUDGET_S,
# BENCH_SWEEP_DUE, BENCH_CONCURRENT_LIFECYCLES, BENCH_PDF_RENDERS, BENCH_PARTS, BENCH_STATEMENT_TIMEOUT_MS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"
# The bench app (peer flow, bench_data, bench_run) is installed by these settings only.
export DJANGO_SETTINGS_MODULE=bench.settings
echo "== migrate"
.venv/bin/python manage.py migrate -v 0
echo "== bench_run"
.venv/bin/python manage.py bench_run
shopt -s nullglob
for bench in bench/bench_*.py; do
  echo "== $bench"
  .venv/bin/python "$bench"
done
