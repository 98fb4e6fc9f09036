"""The case's clocks: stop order within 1 working day, 90 days to decide with the hearing paused,
every party period as a clock whose due date is the act's deadline, red escalating to the squad leader."""

from __future__ import annotations

import datetime as dt

import pytest

from illegal_building import clocks
from illegal_building.models import Act
from workflows import clock
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import Escalation
from workflows.tasks import sweep

from .helpers import Driver, at, now_local

pytestmark = pytest.mark.django_db


def test_stop_order_clock_runs_from_verification_and_goes_red_to_the_squad_leader(reported: Driver) -> None:
    d = reported
    d.verify()
    running = sla_selectors.open_clock(d.case, clocks.STOP_ORDER)
    assert running is not None
    assert running.due_date == dt.date(2026, 3, 3)
    clock.set_now(at(2026, 3, 5, 10))
    sweep()
    running.refresh_from_db()
    assert running.light == "red"
    escalation = Escalation.objects.get(clock=running)
    assert escalation.role == "squadlead"
    assert escalation.county == d.case.county
    page = d.client("officer").get(f"/cases/cases/{d.case.pk}/").content.decode()
    assert 'data-light="red"' in page


def test_periods_are_clocks_and_the_90_days_pause_for_the_hearing(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    assert sla_selectors.open_clock(d.case, clocks.STOP_ORDER) is None
    deciding = sla_selectors.open_clock(d.case, clocks.DECISION)
    assert deciding is not None and deciding.due_date == dt.date(2026, 6, 1)  # 31 May is a Sunday
    stop_order = Act.objects.get(case=d.case, kind=Act.Kind.STOP_ORDER)
    assert stop_order.deadline is None  # deadlines live in their clocks only
    assert sla_selectors.open_clock(d.case, clocks.PERMITS).due_date == dt.date(2026, 3, 5)  # type: ignore[union-attr]
    d.investigate(correctable=False)
    d.prior_notice()
    notice = Act.objects.get(case=d.case, kind=Act.Kind.PRIOR_NOTICE)
    assert notice.deadline is None
    assert sla_selectors.open_clock(d.case, clocks.DEFENCE).due_date == dt.date(2026, 3, 9)  # type: ignore[union-attr]
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    deciding.refresh_from_db()
    assert deciding.is_paused
    clock.set_now(at(2026, 3, 26, 10))
    d.step("officer", "hearing", {"chair": d.users["squadlead"].pk, "notified_on": "2026-03-16",
                                  "held_at": now_local(), "minutes": "听证笔录"})
    deciding.refresh_from_db()
    assert not deciding.is_paused
    assert deciding.due_date == dt.date(2026, 6, 10)  # 31 May + ten calendar days of hearing not counted
    detail = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()
    by_rule = {c["rule"]: c for c in detail["clocks"]}
    assert by_rule[clocks.DECISION]["due_date"] == "2026-06-10"
    assert by_rule[clocks.DEFENCE]["stopped"] is True
