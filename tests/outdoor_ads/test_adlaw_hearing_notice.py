"""ALL art. 48: the hearing's time and place go out as an official 听证通知书 to the applicant and every
利害关系人, at least 7 working days ahead, the hearing within 20 working days of the request; a
rescheduled hearing gets a new notice that supersedes the old one."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from outdoor_ads import hearings
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Hearing, Opinion
from workflows import clock
from workflows.documents.authorities import authority_for
from workflows.documents.models import IssuedDocument
from workflows.documents.selectors import documents_for

from .lawsupport import text, to_neighbour_hearing, written, zh
from .support import web_act
from .test_hearing import PLACE

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_PLACE = "昭阳区政务服务中心二楼会议室"
Valid = IssuedDocument.Status.VALID


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def notices(application, status=Valid):
    return list(documents_for(application).filter(kind="ad_hearing_schedule", status=status).order_by("pk"))


def url(application):
    return f"/ads/applications/{application.pk}/law/hearing_reschedule/"


def schedule(client_as, application, day="2026-11-16"):
    data = {"decision": "scheduled", "hearing_date": day, "place": PLACE, "notice_sent_on": "2026-11-05"}
    return web_act(client_as("chief"), application, PermitFlow.schedule_hearing, data)


def test_the_notice_goes_to_the_applicant_and_every_neighbour(
    client_as, django_capture_on_commit_callbacks, celery_eager
):
    application = to_neighbour_hearing(client_as, requested=True)  # requested 5 Nov: held by 3 Dec
    assert not notices(application)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule(client_as, application).status_code == 302
    issued = notices(application)
    assert len(issued) == 3
    assert sorted(n.holder_name for n in issued) == sorted([application.applicant.display_name, "李建国", "王小梅"])
    assert [n.data.get("party") for n in issued] == [None, "neighbour", "neighbour"]
    authority = authority_for(county=application.county, kind="ad_hearing_schedule")
    for notice in issued:
        assert notice.data["hearing_date"] == "2026-11-16" and notice.data["place"] == PLACE
        assert notice.data["requested_on"] == "2026-11-05"
        assert notice.issuer["name"] == authority.name
        assert "广听通〔2026〕" in notice.number
        notice.refresh_from_db()
        assert notice.is_ready and notice.pdf  # rendered after the commit
    assert len({n.number for n in issued}) == 3
    hearing = Hearing.objects.get(application=application)
    assert hearing.notice_sent_on == dt.date(2026, 11, 5)


def test_reschedule_refusals_write_nothing_and_a_new_notice_supersedes(
    client_as, caplog, django_capture_on_commit_callbacks
):
    application = to_neighbour_hearing(client_as, requested=True)
    before = written(application)
    early = client_as("chief").post(url(application), {"hearing_date": "2026-11-20", "place": PLACE, "reason": "x"})
    assert zh(hearings.RESCHEDULE_NOT_SCHEDULED) in text(early)
    assert "第四十八条" in zh(hearings.RESCHEDULE_NOT_SCHEDULED)
    assert written(application) == before
    assert schedule(client_as, application).status_code == 302
    old = notices(application)

    clock.set_now(at(dt.date(2026, 11, 10)))
    assert client_as("reviewer").post(url(application), {"hearing_date": "2026-11-20"}).status_code == 404
    before = written(application)
    move = {"hearing_date": "2026-11-18", "place": NEW_PLACE, "reason": "原听证室维修"}
    too_soon = client_as("chief").post(url(application), move)
    assert too_soon.status_code == 400
    message = zh(hearings.RESCHEDULE_TOO_SHORT, date="2026-11-19")
    assert "第四十八条" in message and message in text(too_soon)
    too_late = client_as("chief").post(url(application), {**move, "hearing_date": "2026-12-04"})
    assert zh(hearings.RESCHEDULE_BEYOND_WINDOW, date="2026-12-03") in text(too_late)
    same = client_as("chief").post(url(application), {**move, "hearing_date": "2026-11-16", "place": PLACE})
    assert zh(hearings.RESCHEDULE_NOTHING) in text(same)
    assert client_as("chief").post(url(application), {**move, "reason": ""}).status_code == 400
    assert written(application) == before

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="xiuhua.sms"), django_capture_on_commit_callbacks(execute=True):
        moved = client_as("chief").post(url(application), {**move, "hearing_date": "2026-11-20"})
    assert moved.status_code == 302
    sms = [r.getMessage() for r in caplog.records if r.name == "xiuhua.sms"]
    assert len([m for m in sms if "2026-11-20" in m and NEW_PLACE in m]) == 2  # each neighbour
    hearing = Hearing.objects.get(application=application)
    assert (hearing.scheduled_for, hearing.place, hearing.notice_sent_on) == (
        dt.date(2026, 11, 20),
        NEW_PLACE,
        dt.date(2026, 11, 10),
    )
    new = notices(application)
    assert len(new) == 3
    assert all(n.data["hearing_date"] == "2026-11-20" and n.data["place"] == NEW_PLACE for n in new)
    assert all(n.data["reschedule_reason"] == "原听证室维修" for n in new)
    assert sorted(n.supersedes_id for n in new) == sorted(n.pk for n in old)
    assert sorted(n.holder_name for n in new) == sorted(n.holder_name for n in old)
    assert len(notices(application, IssuedDocument.Status.SUPERSEDED)) == 3
    assert Opinion.objects.filter(application=application, decision="rescheduled").count() == 1
    page = text(client_as("applicant").get(f"/ads/applications/{application.pk}/"))
    assert 'data-testid="hearing-date">2026-11-20<' in page and NEW_PLACE in page

    # held on the new date: no more rescheduling
    clock.set_now(at(dt.date(2026, 11, 20), 16))
    record = {"decision": "held", "held_on": "2026-11-20", "comment": "各方到场"}
    assert web_act(client_as("chief"), application, PermitFlow.hearing, record).status_code == 302
    before = written(application)
    after = client_as("chief").post(url(application), {**move, "hearing_date": "2026-12-01"})
    assert after.status_code == 400
    assert written(application) == before


def test_reschedule_through_the_api(client_as, demo_users):
    application = to_neighbour_hearing(client_as, requested=True)
    assert schedule(client_as, application).status_code == 302
    api = APIClient()
    api.force_authenticate(demo_users["chief"])
    action = f"/api/permits/{application.pk}/actions/hearing_reschedule/"
    clock.set_now(at(dt.date(2026, 11, 10)))
    before = written(application)
    refused = api.post(action, {"hearing_date": "2026-11-18", "place": NEW_PLACE, "reason": "改期"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["hearing_date"] == [zh(hearings.RESCHEDULE_TOO_SHORT, date="2026-11-19")]
    assert written(application) == before
    ok = api.post(action, {"hearing_date": "2026-11-23", "place": NEW_PLACE, "reason": "改期"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["id"] == Hearing.objects.get(application=application).pk
    assert {n.data["hearing_date"] for n in notices(application)} == {"2026-11-23"}
    reviewer = APIClient()
    reviewer.force_authenticate(demo_users["reviewer"])
    assert reviewer.post(action, {}, format="json").status_code == 404
