"""Daily totals of stopped clocks: the supervision dashboard sums days, not clocks.

A stopped clock is final: ``_stop`` leaves a stopped clock alone, and recomputation and
extensions touch open clocks only. So once no transaction can still stop a clock on a day, that
day's totals per county, process, step and light never change, and are written once, by the
beat sweep (``clock_days_roll_up``). The dashboard reads the totals for the days they cover and
the clocks themselves only for the days after (``covered_through``), in the same grouped query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Least

from workflows import clock
from workflows.tasks import register_sweeper

from .models import Clock, ClockDayTotal, ClockRollup
from .selectors import with_light

ROLLUP_NAME = "clock_days"
# A day is rolled up once the day after it is over: a step that began before midnight may still
# commit a clock stopped "yesterday" just after it, and a day's totals are written only once.
ROLLUP_LAG_DAYS = 2
# What ``covered_through`` falls back to before the first roll-up: no day is covered.
NOTHING_COVERED = dt.date(1, 1, 1)

_TOTAL_COLUMNS = [
    "day",
    "county_id",
    "process_code",
    "step_code",
    "light",
    "closed",
    "on_time",
    "days_used_sum",
    "days_used_count",
]


def closed_figures() -> dict[str, Any]:
    """What a day's totals hold for a group of stopped clocks (the dashboard's live days too)."""
    return {
        "closed": Count("id"),
        "on_time": Count("id", filter=Q(stopped_on__lte=F("due_date"))),
        "days_used_sum": Coalesce(Sum("days_used"), 0),
        "days_used_count": Count("days_used"),
    }


def closed_day_groups(clocks: QuerySet[Clock]) -> QuerySet[Any]:
    """Stopped clocks grouped by day, county, process, step and light, in ``_TOTAL_COLUMNS`` order."""
    return (
        with_light(clocks)
        .values("stopped_on", "county_id", "process_code", "step_code", "light_db")  # type: ignore[misc]
        .annotate(**closed_figures())
        .order_by()
    )


def covered_through(*, end: dt.date) -> Least:
    """The last day of a period ending ``end`` whose stopped clocks are in the daily totals.

    An expression (the roll-up's mark read inside the caller's query, no query of its own).
    """
    mark = Subquery(ClockRollup.objects.filter(name=ROLLUP_NAME).values("through")[:1])
    return Least(Coalesce(mark, NOTHING_COVERED), end)


@transaction.atomic
def clock_days_roll_up(*, today: dt.date | None = None, from_scratch: bool = False) -> int:
    """Write the totals of every day not yet rolled up that is old enough; returns rows written.

    ``from_scratch``: forget every total first, for clocks loaded with past stop days (an import,
    the bench's data), which the daily step never expects on a covered day.

    One INSERT … SELECT for all those days, whatever their number (the first run after the
    upgrade rolls the whole history up at once). The mark row is locked for the transaction,
    so two sweeps running at once roll each day once: the second waits, then finds it done.
    """
    through = (today or clock.today()) - dt.timedelta(days=ROLLUP_LAG_DAYS)
    ClockRollup.objects.get_or_create(name=ROLLUP_NAME)
    mark = ClockRollup.objects.select_for_update().get(name=ROLLUP_NAME)
    if from_scratch:
        ClockDayTotal.objects.all().delete()
        mark.through = None
    if mark.through is not None and mark.through >= through:
        return 0
    clocks = Clock.objects.filter(stopped_on__isnull=False, stopped_on__lte=through)
    if mark.through is not None:
        clocks = clocks.filter(stopped_on__gt=mark.through)
    select_sql, params = closed_day_groups(clocks).query.sql_with_params()
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in ClockDayTotal._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in _TOTAL_COLUMNS)
    with connection.cursor() as cursor:
        # The ORM's own grouped SELECT; values() fields then annotations, in _TOTAL_COLUMNS order.
        cursor.execute(
            f"INSERT INTO {quote(ClockDayTotal._meta.db_table)} ({columns}) {select_sql}",  # noqa: S608 - constant columns
            params,
        )
        written = cursor.rowcount
    mark.through = through
    mark.rolled_at = clock.now()
    mark.save(update_fields=["through", "rolled_at"])
    return written


@register_sweeper
def roll_up_closed_clock_days() -> int:
    """Once a day's clocks are final its totals are written; every other beat this is one read."""
    mark = ClockRollup.objects.filter(name=ROLLUP_NAME).values_list("through", flat=True).first()
    if mark is not None and mark >= clock.today() - dt.timedelta(days=ROLLUP_LAG_DAYS):
        return 0
    return clock_days_roll_up()
