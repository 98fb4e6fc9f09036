from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflows.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"audit chain broken at row {report.broken_at}: {report.problem}")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} rows verified."))
