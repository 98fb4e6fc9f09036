from typing import Any

from django.core.management.base import BaseCommand

from workflows.sla.models import ClockRollup
from workflows.sla.rollup import ROLLUP_NAME, clock_days_roll_up


class Command(BaseCommand):
    help = (
        "Write the dashboard's daily totals of stopped clocks for the days not yet rolled up (the beat "
        "does this every day). --from-scratch forgets every total first: after clocks were loaded with "
        "past stop days (an import)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from-scratch", action="store_true", help="Rebuild every day's totals.")

    def handle(self, *args: Any, **options: Any) -> None:
        written = clock_days_roll_up(from_scratch=options["from_scratch"])
        through = ClockRollup.objects.get(name=ROLLUP_NAME).through
        self.stdout.write(self.style.SUCCESS(f"{written} daily total rows written; days up to {through} covered."))
