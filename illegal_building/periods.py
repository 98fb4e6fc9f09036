"""Every period of a case is a clock of the time engine, started from the proven service.

The lengths are the admin-editable rules of ``clocks.py``; due dates come from
``workflows.calendar`` (working days, or calendar periods ending on a working day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from workflows.sla import selectors as sla_selectors
from workflows.sla import services as sla_services
from workflows.sla.models import Clock
from workflows.sla.rules import get_rule

from .models import Case


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def limit_of(code: str) -> int:
    return int(get_rule(code).limit or 0)


def start(*, case: Case, code: str, start: dt.datetime | None = None, acting_user: Any = None) -> Clock:
    """Start the case's clock ``code`` unless one is already running."""
    running = sla_selectors.open_clock(case, code)
    if running is not None:
        return running
    return sla_services.clock_start(subject=case, rule=code, county=case.county, start=start, acting_user=acting_user)


def stop(*, case: Case, code: str, acting_user: Any = None) -> None:
    running = sla_selectors.open_clock(case, code)
    if running is not None:
        sla_services.clock_stop(clock=running, acting_user=acting_user)


def restart(*, case: Case, code: str, start: dt.datetime, acting_user: Any = None) -> Clock:
    """A new period of the same kind (e.g. a second review decision): the old clock stops, a new one runs."""
    stop(case=case, code=code, acting_user=acting_user)
    return sla_services.clock_start(subject=case, rule=code, county=case.county, start=start, acting_user=acting_user)


def stop_all(*, case: Case, acting_user: Any = None) -> None:
    for running in sla_selectors.clocks_for(case).filter(stopped_at__isnull=True):
        sla_services.clock_stop(clock=running, acting_user=acting_user)
