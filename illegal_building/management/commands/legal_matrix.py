"""Write docs/legal-matrix.md (article → rule → acts → tests); ``--check`` only compares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from illegal_building.matrix import OUTPUT, render, unproven


class Command(BaseCommand):
    help = "Generate the legal matrix of the case rulebook (docs/legal-matrix.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the committed file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / OUTPUT
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{OUTPUT} is stale: run `python manage.py legal_matrix`.")
        else:
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {OUTPUT}")
        for problem in unproven():
            self.stderr.write(problem)
