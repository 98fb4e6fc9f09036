"""Supervision figures (电子监察): a fixed handful of grouped queries, whatever the number of clocks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Q, QuerySet, Sum

from workflows import clock
from workflows.labels import PROCESS, label_for
from workflows.models import County

from . import rollup
from .models import Clock, ClockDayTotal, ClockRule, Light
from .selectors import with_light

LIGHTS = [Light.GREEN.value, Light.YELLOW.value, Light.RED.value]


@dataclass
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def default(cls) -> Period:
        today = clock.today()
        return cls(today - dt.timedelta(days=30), today)


@dataclass
class LightRow:
    county: str
    process: str
    step: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))
    process_label: str = ""
    step_label: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class StepStats:
    process: str
    step: str
    closed: int
    on_time: int
    average_days: float | None
    process_label: str = ""
    step_label: str = ""

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.closed, 1) if self.closed else None


@dataclass
class CountyBar:
    county: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, light: str, scale: int) -> float:
        return round(100 * self.counts[light] / scale, 1) if scale else 0.0


@dataclass
class Dashboard:
    period: Period
    county: County | None
    light_rows: list[LightRow]
    totals: dict[str, int]
    step_stats: list[StepStats]
    closed: int
    on_time: int
    red_items: list[Clock]
    bars: list[CountyBar]

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.closed, 1) if self.closed else None

    @property
    def bar_scale(self) -> int:
        return max((bar.total for bar in self.bars), default=0)


def _label(lines: list[Any]) -> None:
    """Readers see the process and step by name, not by code; one query for all step names."""
    pairs = {(line.process, line.step) for line in lines}
    titles = {
        (rule.process_code, rule.step_code): rule.display_title
        for rule in ClockRule.objects.filter(process_code__in={p for p, _s in pairs}).exclude(step_code="")
    }
    for line in lines:
        named = label_for(PROCESS, line.process)
        if named != line.process:
            line.process_label = named
            continue
        try:
            line.process_label = str(apps.get_app_config(line.process).verbose_name)
        except LookupError:
            line.process_label = line.process
        line.step_label = titles.get((line.process, line.step), line.step) if line.step else ""


def _group_order(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry["county__order"] or 0, entry["county__name"] or "", entry["process_code"], entry["step_code"])


def visible_clocks(user: Any, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """County staff see their county's clocks (and their daily totals, ``qs``); city-wide staff every county's."""
    qs = Clock.objects.all() if qs is None else qs
    if getattr(user, "county_id", None) is not None:
        qs = qs.filter(county_id=user.county_id)
    return qs


def build_dashboard(*, user: Any, period: Period, county: County | None = None) -> Dashboard:
    base = visible_clocks(user)
    totals_base = visible_clocks(user, ClockDayTotal.objects.all())
    if county is not None:
        base = base.filter(county=county)
        totals_base = totals_base.filter(county=county)
    today = clock.today()
    # Clocks that ran at some point in the period; stopped ones keep the light they stopped with.
    # Those stopped in the period come from the daily totals for the days they cover and from
    # the clocks for the days after (rollup.covered_through), so a period with a million
    # clocks closed costs what its days cost. The rest (open, or stopped after the period's
    # end) only count towards the lights.
    covered = rollup.covered_through(end=period.end)
    running = with_light(
        base.filter(start_date__lte=period.end).filter(Q(stopped_at__isnull=True) | Q(stopped_on__gt=period.end)),
        today=today,
    )
    stopped_live = with_light(
        base.filter(stopped_on__gte=period.start, stopped_on__lte=period.end)
        .alias(covered=covered)
        # ``alias`` keeps the mark out of the SELECT: only rows after the covered days.
        .filter(stopped_on__gt=F("covered")),
        today=today,
    )
    stopped_rolled = totals_base.alias(covered=covered).filter(day__gte=period.start, day__lte=F("covered"))
    group = ("county__name", "county__order", "process_code", "step_code")
    running_counts = (
        running.values(*group, "light_db").annotate(n=Count("id")).order_by()  # type: ignore[misc]
    )
    # One query for both halves of the stopped clocks (the column lists line up by position).
    stopped_counts = (
        stopped_live.values(*group, "light_db")  # type: ignore[misc]
        .annotate(**rollup.closed_figures())
        .order_by()
        .union(
            stopped_rolled.values(*group, "light")
            .annotate(
                closed_n=Sum("closed"),
                on_time_n=Sum("on_time"),
                used_sum=Sum("days_used_sum"),
                used_count=Sum("days_used_count"),
            )
            .order_by(),
            all=True,
        )
    )
    rows: dict[tuple[str, str, str], LightRow] = {}
    per_county: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LIGHTS, 0))
    totals = dict.fromkeys(LIGHTS, 0)
    closed_by_step: dict[tuple[str, str], list[int]] = {}
    entries = [(entry, entry["n"]) for entry in running_counts] + [(entry, entry["closed"]) for entry in stopped_counts]
    for entry, n in sorted(entries, key=lambda pair: _group_order(pair[0])):
        county_name = entry["county__name"] or "—"
        key = (county_name, entry["process_code"], entry["step_code"])
        row = rows.setdefault(key, LightRow(*key))
        row.counts[entry["light_db"]] += n
        per_county[county_name][entry["light_db"]] += n
        totals[entry["light_db"]] += n
        if "closed" in entry:
            figures = closed_by_step.setdefault((entry["process_code"], entry["step_code"]), [0, 0, 0, 0])
            for index, name in enumerate(("closed", "on_time", "days_used_sum", "days_used_count")):
                figures[index] += entry[name]
    step_stats = [
        StepStats(
            process,
            step,
            closed,
            on_time,
            # As the database's AVG would give it: exact, then rounded half-even to one place.
            round(Decimal(used_sum) / used_count, 1) if used_count else None,  # type: ignore[arg-type]
        )
        for (process, step), (closed, on_time, used_sum, used_count) in sorted(closed_by_step.items())
    ]
    red_items = list(
        base.filter(stopped_at__isnull=True, paused_on__isnull=True, due_date__lt=today)
        .select_related("rule", "assignee", "county")
        .order_by("due_date", "id")[:200]
    )
    bars = [CountyBar(name, counts) for name, counts in per_county.items()]
    _label(list(rows.values()) + step_stats)
    return Dashboard(
        period=period,
        county=county,
        light_rows=list(rows.values()),
        totals=totals,
        step_stats=step_stats,
        closed=sum(s.closed for s in step_stats),
        on_time=sum(s.on_time for s in step_stats),
        red_items=red_items,
        bars=bars,
    )
