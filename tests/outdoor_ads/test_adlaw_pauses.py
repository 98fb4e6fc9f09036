"""ALL art. 45: 招标、拍卖、检验、检测、检疫、鉴定、专家评审 time is not counted; the applicant is told in writing.

Each start is refused with the article when one runs, before acceptance or after the decision, or
while the clock is already paused; each stop when none runs. A refusal writes nothing.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from licensing.services import pauses
from outdoor_ads.flows import PermitFlow
from outdoor_ads.lawmodels import ReviewPause
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.authorities import authority_for
from workflows.documents.selectors import documents_for
from workflows.sla.models import Notification, PauseReason

from .lawsupport import text, written, zh
from .support import grant_through_web, latest_application, web_act, web_apply

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = {"kind": "quarantine", "reason": "设施所用进口木材需经植物检疫", "expected_working_days": "10"}


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def accepted(client_as):
    """Apply and accept on Tue 3 Nov 2026: the decision clock runs from then."""
    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"))
    application = latest_application()
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    return application


def url(application, name):
    return f"/ads/applications/{application.pk}/law/{name}/"


def test_every_procedure_the_law_names_can_be_started():
    assert {pauses.PROCEDURE_TEXT[k] for k in ReviewPause.Kind} == {
        "招标",
        "拍卖",
        "检验",
        "检测",
        "检疫",
        "鉴定",
        "专家评审",
    }


def test_start_and_stop_on_the_page_pause_the_clock_with_a_written_notice(
    client_as, django_capture_on_commit_callbacks, celery_eager
):
    application = accepted(client_as)
    due_before = overall_clock(application).due_date
    reviewer = client_as("reviewer")
    page = text(reviewer.get(f"/ads/applications/{application.pk}/"))
    assert 'data-testid="pause-start"' in page and 'data-testid="pause-stop"' not in page
    assert 'data-testid="pause-start"' not in text(client_as("applicant").get(f"/ads/applications/{application.pk}/"))

    # nothing to stop yet: refused with the article, nothing written
    clock.set_now(at(dt.date(2026, 11, 4)))
    before = written(application)
    refused = reviewer.post(url(application, "pause_stop"), {"outcome": "检疫合格"})
    assert refused.status_code == 400
    assert "第四十五条" in zh(pauses.PAUSE_NOT_RUNNING)
    assert zh(pauses.PAUSE_NOT_RUNNING) in text(refused)
    assert written(application) == before
    # the applicant and the clerk may not start one at all
    assert client_as("applicant").post(url(application, "pause_start"), START).status_code == 404
    assert client_as("clerk").post(url(application, "pause_start"), START).status_code == 404
    assert reviewer.post(url(application, "pause_start"), {**START, "reason": " "}).status_code == 400
    assert written(application) == before

    with django_capture_on_commit_callbacks(execute=True):
        assert reviewer.post(url(application, "pause_start"), START).status_code == 302
    pause = ReviewPause.objects.get(application=application)
    assert pause.is_running and pause.kind == "quarantine" and pause.expected_working_days == 10
    item = overall_clock(application)
    assert item.is_paused and item.paused_on == dt.date(2026, 11, 4)
    assert "检疫（行政许可法第四十五条）：设施所用进口木材需经植物检疫；预计10个工作日" in item.explain("zh-hans")
    notice = documents_for(application).get(kind="ad_pause_notice")
    assert notice.holder_name == application.applicant.display_name
    assert notice.data["procedure"] == "检疫"
    assert notice.data["reason"] == START["reason"]
    assert notice.data["expected_working_days"] == 10
    assert notice.data["started_on"] == "2026-11-04"
    assert notice.data["expected_until"] == "2026-11-18"
    assert "广特〔2026〕1号" in notice.number
    assert notice.issuer["name"] == authority_for(county=application.county, kind="ad_pause_notice").name
    notice.refresh_from_db()
    assert notice.is_ready and notice.pdf  # rendered after the commit
    assert Notification.objects.filter(recipient=application.applicant, title__contains=application.number).exists()
    page = text(client_as("applicant").get(f"/ads/applications/{application.pk}/"))
    assert 'data-testid="review-pause"' in page and START["reason"] in page

    # a second while one runs: refused, nothing written
    clock.set_now(at(dt.date(2026, 11, 6)))
    before = written(application)
    again = reviewer.post(url(application, "pause_start"), {**START, "kind": "expert"})
    assert again.status_code == 400
    message = zh(
        pauses.PAUSE_ALREADY_RUNNING,
        procedure=zh(ReviewPause.Kind.QUARANTINE.label),
        date="2026-11-04",
    )
    assert "第四十五条" in message and message in text(again)
    assert written(application) == before

    # ended a week later by the chief: 5 working days (5, 6, 9, 10, 11 Nov) not counted
    clock.set_now(at(dt.date(2026, 11, 11)))
    assert client_as("chief").post(url(application, "pause_stop"), {"outcome": "检疫合格"}).status_code == 302
    pause.refresh_from_db()
    assert not pause.is_running and pause.outcome == "检疫合格"
    item = overall_clock(application)
    assert not item.is_paused
    assert item.working_days_paused == 5
    assert item.due_date == clock_after(due_before, 5)
    assert "检疫（行政许可法第四十五条）" in item.explain("zh-hans")
    assert "2026-11-04" in item.explain("zh-hans") and "2026-11-11" in item.explain("zh-hans")


def clock_after(day, working_days):
    from workflows import calendar

    return calendar.add_working_days(day, working_days)


def test_no_pause_before_acceptance_or_after_the_decision(client_as):
    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"))
    application = latest_application()
    before = written(application)
    refused = client_as("reviewer").post(url(application, "pause_start"), START)
    assert refused.status_code == 400
    assert zh(pauses.PAUSE_NOT_UNDER_REVIEW) in text(refused)
    assert written(application) == before

    grant_through_web(client_as, application)
    before = written(application)
    refused = client_as("chief").post(url(application, "pause_start"), START)
    assert "第四十五条" in zh(pauses.PAUSE_AFTER_DECISION)
    assert zh(pauses.PAUSE_AFTER_DECISION) in text(refused)
    assert written(application) == before


def test_no_second_pause_of_a_clock_paused_for_the_hearing(client_as):
    from .test_hearing import to_hearing

    application = to_hearing(client_as, requested=True)
    before = written(application)
    refused = client_as("chief").post(url(application, "pause_start"), START)
    assert zh(pauses.PAUSE_CLOCK_PAUSED, reason=zh(PauseReason.HEARING.label)) in text(refused)
    assert written(application) == before


def test_start_and_stop_through_the_api(client_as, demo_users):
    application = accepted(client_as)
    api = APIClient()
    api.force_authenticate(demo_users["reviewer"])
    base = f"/api/permits/{application.pk}/actions/"
    names = {a["name"] for a in api.get(base).json()}
    assert {"pause_start", "pause_stop"} <= names
    applicant = APIClient()
    applicant.force_authenticate(demo_users["applicant"])
    assert "pause_start" not in {a["name"] for a in applicant.get(base).json()}
    assert applicant.post(f"{base}pause_start/", START, format="json").status_code == 404

    clock.set_now(at(dt.date(2026, 11, 4)))
    before = written(application)
    refused = api.post(f"{base}pause_stop/", {"outcome": "结束"}, format="json")
    assert refused.status_code == 400
    assert zh(pauses.PAUSE_NOT_RUNNING) in str(refused.json())
    assert written(application) == before
    bad = api.post(f"{base}pause_start/", {**START, "kind": "survey"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()
    assert written(application) == before

    started = api.post(f"{base}pause_start/", {**START, "kind": "expert", "reason": "结构安全专家评审"}, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["id"] == ReviewPause.objects.get(application=application).pk
    assert overall_clock(application).is_paused
    assert documents_for(application).get(kind="ad_pause_notice").data["procedure"] == "专家评审"
    before = written(application)
    again = api.post(f"{base}pause_start/", START, format="json")
    assert again.status_code == 400
    assert written(application) == before

    clock.set_now(at(dt.date(2026, 11, 9)))
    assert api.post(f"{base}pause_stop/", {"outcome": "评审通过"}, format="json").status_code == 200
    assert overall_clock(application).working_days_paused == 3  # 5, 6, 9 Nov
