"""`manage.py bench_data --open N --closed M`: grow the database to N open and M closed permits."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.data import build


class Command(BaseCommand):
    help = "Bulk-build realistic permit data (bench settings only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--open", type=int, default=1000, dest="open_count")
        parser.add_argument("--closed", type=int, default=0, dest="closed_count")

    def handle(self, *args: Any, **options: Any) -> None:
        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()  # progress shows while a long build runs, even into a file

        result = build(open_count=options["open_count"], closed_count=options["closed_count"], log=log)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
