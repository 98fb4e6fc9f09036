#!/usr/bin/env bash
# `make bench`: speed and memory targets, measured and reported, never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
export DJANGO_SETTINGS_MODULE=approvals.settings.test
shopt -s nullglob
benches=(bench/bench_*.py)
if [ "${#benches[@]}" -eq 0 ]; then echo "no benchmarks yet"; exit 0; fi
for bench in "${benches[@]}"; do
  echo "== $bench"
  .venv/bin/python "$bench"
done
