"""Neighbours (domain §2.3, ALL art. 36): the reviewer flags a facility that directly affects
neighbours' major interests; the applicant and the neighbours are told and their statements
recorded; the chief cannot decide while the statement period is open."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import AffectedParty, PermitApplication
from workflows import clock
from workflows.sla.models import Notification

from .support import latest_application, open_task, web_act, web_apply

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEIGHBOURS = "王小梅，珠泉路86号2单元301室，13987654321\n李建国, 珠泉路90号一层商铺, 0870-2123456"
DECIDE = {"decision": "grant", "comment": "符合设置规划"}


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def review_with_neighbours(client_as, on_commit):
    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    review = {"decision": "recommend_grant", "comment": "同意", "neighbours_affected": "on"}
    missing = web_act(client_as("reviewer"), application, PermitFlow.review, review)
    assert "请填写每一位受影响相邻人的姓名、地址和电话。" in missing.content.decode()
    bad = web_act(client_as("reviewer"), application, PermitFlow.review, {**review, "neighbours": "王小梅，12345"})
    assert "第1行：请填写姓名、地址、电话，用逗号分隔。" in bad.content.decode()
    bad_phone = web_act(
        client_as("reviewer"), application, PermitFlow.review, {**review, "neighbours": "王小梅，珠泉路86号，12345"}
    )
    assert "第1行：请填写11位手机号码或固定电话号码。" in bad_phone.content.decode()
    assert not AffectedParty.objects.filter(application=application).exists()
    with on_commit(execute=True):
        ok = web_act(client_as("reviewer"), application, PermitFlow.review, {**review, "neighbours": NEIGHBOURS})
    assert ok.status_code == 302
    web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    application.refresh_from_db()
    return application


def test_neighbours_told_statements_recorded_then_decision(
    client_as, caplog, demo_users, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="xiuhua.sms"):
        application = review_with_neighbours(client_as, django_capture_on_commit_callbacks)
    assert application.neighbours_affected
    assert application.statement_period_until == dt.date(2026, 11, 10)  # 5 working days after 3 Nov
    parties = list(application.affected_parties.order_by("kind", "id"))
    assert [(p.kind, p.name) for p in parties] == [
        ("applicant", demo_users["applicant"].display_name),
        ("neighbour", "王小梅"),
        ("neighbour", "李建国"),
    ]
    wang = application.affected_parties.get(name="王小梅")
    assert (wang.address, wang.phone) == ("珠泉路86号2单元301室", "13987654321")
    sms = [r.getMessage() for r in caplog.records if r.name == "xiuhua.sms"]
    neighbour_sms = [m for m in sms if "可于2026-11-10前向我局陈述意见" in m]
    assert len(neighbour_sms) == 2 and all(application.number in m for m in neighbour_sms)
    # signed with the SMS sign of the authority deciding the county's permits (admin data)
    assert all("【昭通市住建局】" in m for m in neighbour_sms)
    assert not any("13987654321" in m for m in sms)  # the log masks the number
    assert Notification.objects.filter(recipient__username="applicant", title__contains="相邻人").exists()

    # phones: whole only for the reviewer who entered them, masked for everyone else
    url = f"/ads/applications/{application.pk}/"
    assert "13987654321" in client_as("reviewer").get(url).content.decode()
    for user in ("reviewer2", "chief", "clerk", "applicant"):
        page = client_as(user).get(url).content.decode()
        assert "13987654321" not in page and "0870-2123456" not in page, user
        assert "王小梅" in page
    decide_task = open_task(application, PermitFlow.decide)
    assert client_as("chief").post(decide_task.reverse("assign")).status_code == 302
    step_page = client_as("chief").get(decide_task.reverse("execute")).content.decode()
    assert "13987654321" not in step_page

    # the chief may not decide while the period is open
    refused = web_act(client_as("chief"), application, PermitFlow.decide, DECIDE)
    assert refused.status_code == 200
    assert (
        "申请人和相邻人可在2026-11-10前陈述意见；请在全部意见记录完毕或期限届满后再作决定。" in refused.content.decode()
    )
    application.refresh_from_db()
    assert application.decided_at is None

    applicant_party = application.affected_parties.get(kind="applicant")
    li = application.affected_parties.get(name="李建国")
    # another applicant cannot see it; a clerk may not record a neighbour's statement; the applicant only their own
    assert client_as("applicant2").post(f"/ads/parties/{wang.pk}/statement/", {"statement": "x"}).status_code == 404
    assert client_as("clerk").post(f"/ads/parties/{wang.pk}/statement/", {"statement": "x"}).status_code == 403
    assert client_as("applicant").post(f"/ads/parties/{wang.pk}/statement/", {"statement": "x"}).status_code == 403
    empty = client_as("applicant").post(
        f"/ads/parties/{applicant_party.pk}/statement/", {"statement": " "}, follow=True
    )
    assert "请填写陈述意见。" in empty.content.decode()
    own = client_as("applicant").post(
        f"/ads/parties/{applicant_party.pk}/statement/", {"statement": "灯光夜间22点关闭"}
    )
    assert own.status_code == 302
    for party, text in ((wang, "担心夜间灯光影响休息"), (li, "无异议")):
        assert (
            client_as("reviewer2").post(f"/ads/parties/{party.pk}/statement/", {"statement": text}).status_code == 302
        )
    again = client_as("reviewer").post(f"/ads/parties/{li.pk}/statement/", {"statement": "改口"}, follow=True)
    assert "该陈述意见已经记录。" in again.content.decode()
    assert application.affected_parties.get(pk=li.pk).statement == "无异议"

    assert web_act(client_as("chief"), application, PermitFlow.decide, DECIDE).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.GRANTED


def test_decision_allowed_once_the_period_has_ended_and_late_statements_refused(
    client_as, demo_users, django_capture_on_commit_callbacks
):
    application = review_with_neighbours(client_as, django_capture_on_commit_callbacks)
    wang = application.affected_parties.get(name="王小梅")
    api = APIClient()
    api.force_authenticate(demo_users["chief"])
    task = next(t for t in api.get("/api/tasks/").json() if t["step"] == "decide")
    url = f"/api/tasks/{task['id']}/complete/"
    refused = api.post(url, DECIDE, format="json")
    assert refused.status_code == 400
    assert "申请人和相邻人可在2026-11-10前陈述意见；请在全部意见记录完毕或期限届满后再作决定。" in str(refused.json())
    clock.set_now(at(dt.date(2026, 11, 11)))
    late = client_as("reviewer").post(f"/ads/parties/{wang.pk}/statement/", {"statement": "迟到的意见"}, follow=True)
    assert "陈述意见期限已届满。" in late.content.decode()
    assert api.post(url, DECIDE, format="json").status_code == 200
    application.refresh_from_db()
    assert application.status == Status.GRANTED
