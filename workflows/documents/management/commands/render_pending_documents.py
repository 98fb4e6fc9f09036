"""Render now every issued document still waiting for its PDF (e.g. after a worker outage)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...services import documents_render_pending


class Command(BaseCommand):
    help = "Render, in this process, every document whose PDF has not been rendered yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = documents_render_pending(limit=options["limit"])
        self.stdout.write(f"rendered {count} document(s)")
