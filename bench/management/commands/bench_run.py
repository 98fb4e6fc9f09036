"""`manage.py bench_run`: one bench run (sizes etc. from BENCH_* variables); prints a table, writes JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench import runner


class Command(BaseCommand):
    help = "Run the benchmarks (bench settings only); see bench/runner.py for BENCH_* variables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker", nargs=2, metavar=("LIFECYCLES", "TAG"), help="internal: one engine process")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["worker"]:
            lifecycles, tag = options["worker"]
            self.stdout.write(json.dumps(runner.worker(int(lifecycles), tag)))
            return
        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()  # progress shows while a long run goes on, even into a file

        report = runner.run(runner.Config.from_env(), log=log)
        path = runner.write(report)
        self.stdout.write(runner.table(report))
        self.stdout.write(f"JSON: {path}")
