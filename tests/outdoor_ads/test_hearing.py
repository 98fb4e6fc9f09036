"""Hearing timing (domain §2.4, ALL art. 47-48): request within 5 working days of the notice,
time and place notified at least 7 working days ahead, held within 20 working days of the
request, chaired by a non-reviewer; the overall clock is paused until the record is completed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Hearing, PermitApplication
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.selectors import documents_for

from .support import latest_application, open_task, web_act, web_apply

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACE = "昭阳区城市管理局三楼听证室"


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def to_hearing(client_as, *, requested: bool, flag: bool = False):
    """Apply on Tue 3 Nov 2026, accept and review; countersign on Thu 5 Nov opens the hearing."""
    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"), **({"hearing_requested": "on"} if requested else {}))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    review = {"decision": "recommend_grant", "comment": "同意", **({"hearing_flag": "on"} if flag else {})}
    web_act(client_as("reviewer"), application, PermitFlow.review, review)
    clock.set_now(at(dt.date(2026, 11, 5)))
    web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    application.refresh_from_db()
    return application


def schedule(client_as, application, user="chief", **data):
    return web_act(client_as(user), application, PermitFlow.schedule_hearing, {"decision": "scheduled", **data})


def test_schedule_gates_then_hold_resumes_the_clock(client_as):
    application = to_hearing(client_as, requested=True)
    assert application.status == Status.HEARING
    item = overall_clock(application)
    assert item.is_paused
    due_before = item.due_date
    hearing = Hearing.objects.get(application=application)
    assert hearing.informed_on == dt.date(2026, 11, 5)
    assert hearing.request_deadline == dt.date(2026, 11, 12)
    assert hearing.requested_on == dt.date(2026, 11, 5)  # asked before the notice: counts from it
    assert documents_for(application).get(kind="ad_hearing_notice").data["request_deadline"] == "2026-11-12"
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="hearing-latest">2026-12-03<' in page  # 20 working days after 5 Nov

    # a reviewer may not schedule or chair the hearing
    task = open_task(application, PermitFlow.schedule_hearing)
    assert client_as("reviewer").post(task.reverse("assign")).status_code == 403

    too_soon = schedule(client_as, application, hearing_date="2026-11-13", place=PLACE, notice_sent_on="2026-11-05")
    assert too_soon.status_code == 200
    assert "听证应当在通知听证时间、地点之日起至少7个工作日后举行（不早于2026-11-16）。" in too_soon.content.decode()
    too_late = schedule(client_as, application, hearing_date="2026-12-04", place=PLACE, notice_sent_on="2026-11-05")
    assert "听证应当在申请之日起20个工作日内举行（不晚于2026-12-03）。" in too_late.content.decode()
    future_notice = schedule(
        client_as, application, hearing_date="2026-11-20", place=PLACE, notice_sent_on="2026-11-06"
    )
    assert "听证通知的发出日期不能晚于今天。" in future_notice.content.decode()
    no_place = schedule(client_as, application, hearing_date="2026-11-16", place="", notice_sent_on="2026-11-05")
    assert "请填写听证地点。" in no_place.content.decode()
    hearing.refresh_from_db()
    assert hearing.scheduled_for is None  # nothing half-saved
    assert open_task(application).flow_task is PermitFlow.schedule_hearing

    ok = schedule(client_as, application, hearing_date="2026-11-16", place=PLACE, notice_sent_on="2026-11-05")
    assert ok.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.scheduled_for, hearing.place, hearing.notice_sent_on) == (
        dt.date(2026, 11, 16),
        PLACE,
        dt.date(2026, 11, 5),
    )
    assert overall_clock(application).is_paused  # still paused until the record is completed
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="hearing-date">2026-11-16<' in page and PLACE in page

    record = {"decision": "held", "held_on": "2026-11-16", "comment": "相邻住户无异议"}
    clock.set_now(at(dt.date(2026, 11, 13)))
    early = web_act(client_as("chief"), application, PermitFlow.hearing, record)
    assert "听证举行之前不能录入听证笔录。" in early.content.decode()
    clock.set_now(at(dt.date(2026, 11, 16), 16))
    wrong_day = web_act(client_as("chief"), application, PermitFlow.hearing, {**record, "held_on": "2026-11-13"})
    assert "请填写已确定的听证日期（2026-11-16）。" in wrong_day.content.decode()
    assert overall_clock(application).is_paused
    assert web_act(client_as("chief"), application, PermitFlow.hearing, record).status_code == 302
    item = overall_clock(application)
    assert not item.is_paused
    assert item.working_days_paused == 7  # 6–16 Nov
    assert due_before == dt.date(2026, 11, 20)
    assert item.due_date == dt.date(2026, 12, 1)
    application.refresh_from_db()
    assert application.status == Status.DECIDING
    assert open_task(application).flow_task is PermitFlow.decide


def test_request_within_five_working_days_of_the_notice(client_as):
    application = to_hearing(client_as, requested=False, flag=True)
    hearing = Hearing.objects.get(application=application)
    assert hearing.requested_on is None
    url = f"/ads/applications/{application.pk}/hearing/"
    clock.set_now(at(dt.date(2026, 11, 13)))
    late = client_as("applicant").post(url, follow=True)
    assert "听证申请应当在收到听证告知书之日起5个工作日内提出。" in late.content.decode()
    hearing.refresh_from_db()
    assert hearing.requested_on is None
    clock.set_now(at(dt.date(2026, 11, 12)))
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert url in page
    assert client_as("applicant").post(url).status_code == 302
    hearing.refresh_from_db()
    assert hearing.requested_on == dt.date(2026, 11, 12)
    # the 20-day window now runs from the request: 12 Nov + 20 working days
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="hearing-latest">2026-12-10<' in page
    again = client_as("applicant").post(url, follow=True)
    assert "已经申请听证。" in again.content.decode()


def test_waived_hearing_resumes_the_clock_and_goes_to_the_decision(client_as):
    application = to_hearing(client_as, requested=False, flag=True)
    clock.set_now(at(dt.date(2026, 11, 13)))
    no_reason = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, {"decision": "waived"})
    assert no_reason.status_code == 200
    assert overall_clock(application).is_paused
    response = web_act(
        client_as("chief"),
        application,
        PermitFlow.schedule_hearing,
        {"decision": "waived", "comment": "告知期满，申请人及利害关系人未申请听证"},
    )
    assert response.status_code == 302
    assert not overall_clock(application).is_paused
    assert open_task(application).flow_task is PermitFlow.decide


def test_schedule_gate_through_the_task_api(client_as, demo_users):
    application = to_hearing(client_as, requested=True)
    api = APIClient()
    api.force_authenticate(demo_users["chief"])
    task = next(t for t in api.get("/api/tasks/").json()["results"] if t["step"] == "schedule_hearing")
    assert {d["code"] for d in task["decisions"]} == {"scheduled", "waived"}
    url = f"/api/tasks/{task['id']}/complete/"
    bad = api.post(
        url,
        {"decision": "scheduled", "hearing_date": "2026-11-12", "place": PLACE, "notice_sent_on": "2026-11-05"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["hearing_date"] == ["听证应当在通知听证时间、地点之日起至少7个工作日后举行（不早于2026-11-16）。"]
    assert Hearing.objects.get(application=application).scheduled_for is None
    good = api.post(
        url,
        {"decision": "scheduled", "hearing_date": "2026-11-20", "place": PLACE, "notice_sent_on": "2026-11-05"},
        format="json",
    )
    assert good.status_code == 200, good.content
    assert Hearing.objects.get(application=application).scheduled_for == dt.date(2026, 11, 20)
    assert open_task(application).flow_task is PermitFlow.hearing
