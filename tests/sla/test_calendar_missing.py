"""A strict date in a year without schedule is refused with its reason, never a 500.

The reviewer who finds that a permit affects neighbours gives them five working days for their
statements (ALL art. 36); on 28 December 2026 that date lies in 2027, for which nobody has
entered the State Council's schedule, and it is counted strictly (it is sent to the neighbours).
Web and API users get 409 with the reason, nothing is saved, and the administrators are told
once. (The supplement period, a clock since the truth branch, counts provisionally instead:
tests/sla/test_supplement_deadline_moved.py.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from outdoor_ads.flows import PermitFlow
from workflows import clock
from workflows.calendar import CalendarDataMissing
from workflows.sla.middleware import CALENDAR_MISSING_CODE
from workflows.sla.models import MissingYearAlert, Notification

from ..outdoor_ads.support import latest_application, open_task, web_act, web_apply
from .helpers import at

pytestmark = pytest.mark.django_db

REVIEW = {
    "decision": "recommend_grant",
    "comment": "同意",
    "neighbours_affected": "on",
    "neighbours": "王小梅，珠泉路86号2单元301室，13987654321",
}
REVIEW_API = {**REVIEW, "neighbours_affected": True}


def test_web_and_api_refuse_with_the_reason_and_nothing_is_saved(
    demo_users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    clock.set_now(at(2026, 12, 28))
    web_apply(client_as("applicant"))
    application = latest_application()
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    task = open_task(application, PermitFlow.review)
    clerk = client_as("reviewer")
    assert clerk.post(task.reverse("assign")).status_code == 302

    response = clerk.post(task.reverse("execute"), REVIEW)
    assert response.status_code == 409
    html = response.content.decode()
    assert str(CalendarDataMissing(2027)) in html
    assert "缺少 2027 年节假日安排" in html and "本次操作未保存任何内容" in html
    application.refresh_from_db()
    assert application.statement_period_until is None and not application.neighbours_affected
    assert not application.affected_parties.exists()
    assert Task.objects.get(pk=task.pk).status == STATUS.ASSIGNED
    assert MissingYearAlert.objects.filter(year=2027).exists()
    admin_alerts = Notification.objects.filter(recipient=demo_users["admin"], title__contains="2027")
    assert admin_alerts.count() == 1

    api = APIClient()
    api.force_authenticate(demo_users["reviewer"])
    response = api.post(f"/api/tasks/{task.pk}/complete/", REVIEW_API, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(CalendarDataMissing(2027)), "code": CALENDAR_MISSING_CODE, "year": 2027}
    application.refresh_from_db()
    assert application.statement_period_until is None
    assert admin_alerts.count() == 1  # told once per year

    # Once 2027 is entered the same step goes through.
    clock.set_now(at(2026, 12, 28, 11))
    from workflows.sla.services import holiday_schedule_save

    holiday_schedule_save(
        year=2027, holidays="2027-01-01\n2027-01-02\n2027-01-03", workdays="", acting_user=demo_users["admin"]
    )
    assert clerk.post(task.reverse("execute"), REVIEW).status_code == 302
    application.refresh_from_db()
    # 28 Dec + 5 working days: 29-31 Dec (3), 元旦 off, 4-5 Jan (5).
    assert application.statement_period_until == dt.date(2027, 1, 5)
