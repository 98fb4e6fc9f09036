"""Import 12345 hotline tickets from a CSV file (ticket,county,address,description[,reporter_name,reporter_phone])."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from illegal_building.gates import GateRefused
from illegal_building.services import case_import_hotline

COLUMNS = {"ticket", "county", "address", "description"}


class Command(BaseCommand):
    help = "Import 12345 hotline tickets as illegal-construction reports (idempotent per ticket number)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path")

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["csv_path"], newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = COLUMNS - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"missing columns: {', '.join(sorted(missing))}")
            rows = list(reader)
        try:
            created = case_import_hotline(acting_user=None, rows=rows)
        except GateRefused as refused:
            raise CommandError(str(refused.message)) from refused
        self.stdout.write(self.style.SUCCESS(f"{len(created)} reports imported, {len(rows) - len(created)} skipped."))
