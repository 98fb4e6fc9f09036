"""Remove stored document PDFs that no document row names (safe to run any time, e.g. daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...services import ORPHAN_GRACE, documents_sweep_orphan_files


class Command(BaseCommand):
    help = "Delete document files with no document row (older than --min-age-minutes, default 60)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-age-minutes", type=int, default=int(ORPHAN_GRACE.total_seconds() // 60))
        parser.add_argument("--dry-run", action="store_true", help="only list what would be removed")

    def handle(self, *args: Any, **options: Any) -> None:
        names = documents_sweep_orphan_files(
            older_than=dt.timedelta(minutes=options["min_age_minutes"]), dry_run=options["dry_run"]
        )
        verb = "would remove" if options["dry_run"] else "removed"
        for name in names:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(names)} orphaned document file(s)")
