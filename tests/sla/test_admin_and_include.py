"""An administrator enters next year's schedule in the admin; the clock include shows a clock anywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from workflows import calendar, clock
from workflows.models import County
from workflows.sla import services
from workflows.sla.models import HolidaySchedule, PauseReason

from .helpers import at

pytestmark = pytest.mark.django_db


def test_admin_enters_2027_and_open_clocks_lose_their_provisional_mark(
    demo_users: dict, client_as: Callable[[str], Client], eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    county = County.objects.get(name="昭阳区")
    with clock.travel(at(2026, 12, 21)):
        item = services.clock_start(subject=county, rule="drill.overall", county=county)
    assert item.provisional and item.due_date == dt.date(2027, 1, 8)  # 元旦 skipped from the law

    admin = client_as("admin")
    bad = admin.post(
        "/admin/sla/holidayschedule/add/", {"year": "2027", "notice": "", "holidays": "2027-13-01", "workdays": ""}
    )
    assert bad.status_code == 200
    assert "“2027-13-01”不是日期（YYYY-MM-DD）。" in bad.content.decode()
    assert not HolidaySchedule.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/sla/holidayschedule/add/",
            {
                "year": "2027",
                "notice": "国办发明电〔2026〕测试号",
                "holidays": "2027-01-01\n2027-01-02\n2027-01-03",
                "workdays": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert not item.provisional and item.due_date == dt.date(2027, 1, 8)
    assert not calendar.is_working_day(dt.date(2027, 1, 1))


def test_clock_include_shows_due_dates_pauses_and_explanation(demo_users: dict) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer = demo_users["reviewer"]
    with clock.travel(at(2026, 9, 28)):
        item = services.clock_start(subject=county, rule="drill.overall", county=county, assignee=reviewer)
    with clock.travel(at(2026, 9, 30)):
        services.clock_pause(clock=item, reason=PauseReason.SUPPLEMENT, note="补正", acting_user=reviewer)
    with clock.travel(at(2026, 10, 12)):
        services.clock_resume(clock=item, acting_user=reviewer)
    item.refresh_from_db()
    with clock.travel(at(2026, 10, 26)), translation.override("zh-hans"):
        html = render_to_string("sla/clock.html", {"clock": item})
    assert 'data-light="yellow"' in html
    assert 'data-testid="sla-due">2026-10-27<' in html
    assert "法定到期日" in html and "2026-11-05" in html
    assert "补正材料: 2026-09-30 – 2026-10-12 (不计入 4 个工作日)" in html
    assert "计入的调休上班日：2026-10-10。" in html
