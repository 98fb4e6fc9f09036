"""A holiday schedule entered in the admin moves every open deadline in one background job.

The deadline is started before anyone has entered 2027 (provisional: counted from the holiday
law), then the administrator enters 2027 over HTTP with a bridging day the law could not know.
The admin request only saves the schedule and queues the job after commit; the job moves the
clock, writes one audit row per moved clock, tells the holder and calls the process apps' hooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from workflows import clock
from workflows.models import AuditEntry, County
from workflows.sla import services
from workflows.sla.models import Clock, HolidaySchedule, Notification
from workflows.sla.signals import deadline_moved
from workflows.sla.tasks import recompute_clocks

from ..documents.conftest import pdf_bytes, pdf_text, squash
from .helpers import at

pytestmark = pytest.mark.django_db
D = dt.date

# 元旦 2027 as the law knows it (1 January) plus an invented bridging Monday, 4 January.
SCHEDULE_2027 = {
    "year": "2027",
    "notice": "国办发明电〔2026〕测试号",
    "holidays": "2027-01-01\n2027-01-02\n2027-01-03\n2027-01-04",
    "workdays": "",
}


@pytest.fixture
def moved_calls() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def listener(sender: type, **kwargs: Any) -> None:
        calls.append(kwargs)

    deadline_moved.connect(listener, dispatch_uid="test-recompute-listener")
    yield calls
    deadline_moved.disconnect(dispatch_uid="test-recompute-listener")


def _start(county: County, holder: Any, when: dt.datetime, rule: str = "drill.overall") -> Clock:
    with clock.travel(when):
        return services.clock_start(subject=county, rule=rule, county=county, assignee=holder)


def test_schedule_entered_in_the_admin_moves_open_clocks_in_one_background_job(
    demo_users: dict,
    client_as: Callable[[str], Client],
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
    moved_calls: list[dict[str, Any]],
) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer, clerk = demo_users["reviewer"], demo_users["clerk"]
    # Monday 21 Dec 2026 + 13 working days: 22-31 Dec (8), 元旦 skipped, 4-8 Jan 2027 (13).
    crossing = _start(county, reviewer, at(2026, 12, 21))
    assert crossing.provisional and crossing.due_date == D(2027, 1, 8)
    assert crossing.statutory_due_date == D(2027, 1, 19)  # 20 working days
    within_2026 = _start(county, clerk, at(2026, 11, 2))  # ends in November: nothing to move
    stopped = _start(county, clerk, at(2026, 12, 22))
    services.clock_stop(clock=stopped)
    stopped.refresh_from_db()
    assert stopped.due_date == D(2027, 1, 11)
    with translation.override("zh-hans"):
        assert "仅调休上班日和连休调整日尚未确定" in crossing.explain()
        html = render_to_string("sla/clock.html", {"clock": crossing})
    assert 'data-testid="sla-provisional"' in html
    assert "暂定：国务院尚未公布2027年的节假日安排" in html

    admin = client_as("admin")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin.post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]
    # The admin request only saved the schedule: no clock moved inside it.
    crossing.refresh_from_db()
    assert crossing.due_date == D(2027, 1, 8) and crossing.provisional
    assert not AuditEntry.objects.filter(action="sla.clock_recompute").exists()
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.recomputed_at is None

    for callback in queued:  # commit: the job is queued and (eagerly) run by "the worker"
        callback()

    crossing.refresh_from_db()
    assert not crossing.provisional
    # The bridging Monday moves both dates by one working day.
    assert crossing.due_date == D(2027, 1, 11)
    assert crossing.statutory_due_date == D(2027, 1, 20)
    within_2026.refresh_from_db()
    assert within_2026.due_date == D(2026, 11, 19) and not within_2026.provisional
    stopped.refresh_from_db()
    assert stopped.due_date == D(2027, 1, 11)  # a stopped clock's history is not rewritten

    rows = AuditEntry.objects.filter(action="sla.clock_recompute")
    assert rows.count() == 1
    data = rows.get().data
    assert data["clock"] == crossing.pk and data["year"] == 2027
    assert (data["old_due"], data["new_due"]) == ("2027-01-08", "2027-01-11")
    assert (data["old_statutory_due"], data["new_statutory_due"]) == ("2027-01-19", "2027-01-20")

    told = Notification.objects.filter(recipient=reviewer, title__startswith="到期日变更")
    assert told.count() == 1
    assert "2027-01-08" in told.get().body and "2027-01-11" in told.get().body
    assert not Notification.objects.filter(recipient=clerk, title__startswith="到期日变更").exists()

    assert [(c["clock"].pk, c["old_due"], c["new_due"]) for c in moved_calls] == [
        (crossing.pk, D(2027, 1, 8), D(2027, 1, 11))
    ]
    assert moved_calls[0]["acting_user"] == demo_users["admin"]
    schedule.refresh_from_db()
    assert schedule.recomputed_at is not None

    # Redelivered or queued twice: nothing moves again, nobody is told twice.
    assert recompute_clocks.delay(year=2027).get() == 0
    assert rows.count() == 1 and told.count() == 1 and len(moved_calls) == 1


def test_correcting_a_schedule_moves_the_dates_back_and_warns_the_holder(
    demo_users: dict, eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer, admin = demo_users["reviewer"], demo_users["admin"]
    item = _start(county, reviewer, at(2026, 12, 21))
    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_schedule_save(year=2027, holidays=SCHEDULE_2027["holidays"], workdays="", acting_user=admin)
    item.refresh_from_db()
    assert item.due_date == D(2027, 1, 11)
    # The bridging day was a mistake; a make-up Saturday (9 Jan) is added instead.
    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_schedule_save(
            year=2027, holidays="2027-01-01\n2027-01-02\n2027-01-03", workdays="2027-01-09", acting_user=admin
        )
    item.refresh_from_db()
    assert item.due_date == D(2027, 1, 8)
    assert AuditEntry.objects.filter(action="sla.clock_recompute").count() == 2
    earlier = Notification.objects.filter(recipient=reviewer, title__startswith="到期日变更").order_by("id").last()
    assert earlier is not None and earlier.level == "warning"  # an earlier date is a warning


def test_a_schedule_whose_job_was_lost_is_recomputed_by_the_sweep(
    demo_users: dict, eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    county = County.objects.get(name="昭阳区")
    item = _start(county, demo_users["reviewer"], at(2026, 12, 21))
    with clock.travel(at(2026, 12, 22)):
        # The broker was down at commit: the queued job never existed.
        with django_capture_on_commit_callbacks(execute=False):
            services.holiday_schedule_save(
                year=2027, holidays=SCHEDULE_2027["holidays"], workdays="", acting_user=demo_users["admin"]
            )
    with clock.travel(at(2026, 12, 22, 10) + dt.timedelta(seconds=services.RECOMPUTE_GRACE_SECONDS - 60)):
        assert services.recompute_if_pending() == 0  # the regular job may still be on its way
    with clock.travel(at(2026, 12, 22, 11)):
        assert services.recompute_if_pending() == 1
        assert services.recompute_if_pending() == 0  # done: the schedule is marked recomputed
    item.refresh_from_db()
    assert item.due_date == D(2027, 1, 11)


def test_an_overdue_warning_the_new_date_no_longer_reaches_is_withdrawn(
    demo_users: dict, eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    from workflows.sla.firing import sweep_clocks
    from workflows.sla.models import Escalation, Firing

    county = County.objects.get(name="昭阳区")
    item = _start(county, demo_users["reviewer"], at(2026, 12, 21))
    assert item.due_date == D(2027, 1, 8)
    with clock.travel(at(2027, 1, 11, 9)):  # provisional date passed: red, escalated to the chief
        sweep_clocks()
        assert set(Firing.objects.filter(clock=item).values_list("level", flat=True)) == {"yellow", "red"}
        assert Escalation.objects.filter(clock=item).exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.holiday_schedule_save(
                year=2027, holidays=SCHEDULE_2027["holidays"], workdays="", acting_user=demo_users["admin"]
            )
    item.refresh_from_db()
    assert item.due_date == D(2027, 1, 11)  # the bridging day: today is the last day, not overdue
    # Red went, and the yellow warning it had made moot (skipped) may be given now.
    assert not Firing.objects.filter(clock=item).exists()
    assert not Escalation.objects.filter(clock=item).exists()
    entry = AuditEntry.objects.get(action="sla.clock_recompute")
    assert entry.data["withdrawn"] == ["red", "yellow"]
    with clock.travel(at(2027, 1, 11, 10)):  # the last day: the holder is warned, nothing is overdue
        sweep_clocks()
    assert list(Firing.objects.filter(clock=item).values_list("level", "skipped")) == [("yellow", False)]
    with clock.travel(at(2027, 1, 12, 9)):  # really overdue now: red fires again, once
        sweep_clocks()
        sweep_clocks()
    assert Firing.objects.filter(clock=item, level="red").count() == 1
    assert Escalation.objects.filter(clock=item).count() == 1


def test_a_process_app_listener_issues_the_correction_notice_for_a_served_date(
    demo_users: dict, eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    """What a process app does in its AppConfig.ready: a served notice stated the old date."""
    from workflows.documents.selectors import documents_for
    from workflows.documents.services import document_issue

    county = County.objects.get(name="昭阳区")
    item = _start(county, demo_users["reviewer"], at(2026, 12, 21))
    with clock.travel(at(2026, 12, 21)):
        served = document_issue(
            kind="ad_acceptance",
            county=county,
            subject=county,
            holder_name="昭通星辰广告传媒有限公司",
            data={
                "application_number": "GG2026000118",
                "facility_type": "墙面招牌",
                "address": "昭阳区珠泉路88号",
                "submitted_on": "2026-12-18",
                "accepted_on": "2026-12-21",
                "due_on": item.due_date.isoformat(),
            },
            acting_user=demo_users["clerk"],
        )

    def correct(sender: type, *, clock: Clock, old_due: dt.date, new_due: dt.date, **kwargs: Any) -> None:
        document_issue(
            kind="deadline_correction",
            county=clock.county,
            subject=clock.subject,
            holder_name=served.holder_name,
            data={
                "original_number": served.number,
                "original_title": served.title,
                "period": "作出行政许可决定的期限",
                "old_deadline": old_due.isoformat(),
                "new_deadline": new_due.isoformat(),
                "reason": "国务院办公厅公布的2027年部分节假日安排",
            },
            acting_user=None,
        )

    deadline_moved.connect(correct, dispatch_uid="test-correction-listener")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.holiday_schedule_save(
                year=2027, holidays=SCHEDULE_2027["holidays"], workdays="", acting_user=demo_users["admin"]
            )
    finally:
        deadline_moved.disconnect(dispatch_uid="test-correction-listener")
    correction = [d for d in documents_for(county) if d.kind == "deadline_correction"]
    assert len(correction) == 1
    assert correction[0].data["old_deadline"] == "2027-01-08" and correction[0].data["new_deadline"] == "2027-01-11"
    assert correction[0].number.startswith("昭住建期更〔2026〕")
    text = squash(pdf_text(pdf_bytes(correction[0])))
    assert squash(f"《受理通知书》（{served.number}）") in text
    assert squash("至2027年1月8日止") in text and squash("至2027年1月11日止") in text
