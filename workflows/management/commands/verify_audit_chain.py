from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflows.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = (
        "Seal the committed audit rows, then recompute every MAC and seal of the audit chain and compare it "
        "with the signed checkpoints outside the database; report the first broken or missing row."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-seal", action="store_true", help="Verify only; do not chain pending rows or write a checkpoint."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            seal_pending()
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"audit chain broken at row {report.broken_at}: {report.problem}")
        anchored = f", checkpoint at position {report.anchored}" if report.anchored else ", no checkpoint yet"
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} rows verified{anchored}."))
