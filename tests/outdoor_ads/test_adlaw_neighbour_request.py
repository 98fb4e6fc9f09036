"""ALL art. 47: each 利害关系人's own hearing right — 5 working days from being told; only their own
recorded written waiver or the lapsed window ends it; staff cannot waive it for them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from outdoor_ads import hearings
from outdoor_ads.flows import PermitFlow
from outdoor_ads.lawmodels import NeighbourHearingRight
from outdoor_ads.models import AffectedParty
from outdoor_ads.services import overall_clock
from workflows import calendar, clock

from .lawsupport import text, to_neighbour_hearing, written, zh
from .support import open_task, web_act

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSE = {"decision": "waived", "comment": "告知期满，无人申请听证"}


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def url(application):
    return f"/ads/applications/{application.pk}/law/neighbour_hearing/"


def party(application, name):
    return AffectedParty.objects.get(application=application, name=name)


def test_a_neighbours_own_request_binds_until_their_own_waiver(client_as):
    application = to_neighbour_hearing(client_as)
    wang, li = party(application, "王小梅"), party(application, "李建国")
    rights = {r.party.name: r for r in NeighbourHearingRight.objects.select_related("party")}
    assert {(r.informed_on, r.request_deadline) for r in rights.values()} == {
        (dt.date(2026, 11, 5), dt.date(2026, 11, 12))
    }
    page = text(client_as("reviewer").get(f"/ads/applications/{application.pk}/"))
    assert 'data-testid="neighbour-hearing"' in page and page.count('data-testid="neighbour-right"') == 2
    assert 'data-testid="neighbour-hearing-rights"' not in text(
        client_as("applicant").get(f"/ads/applications/{application.pk}/")
    )

    # The applicant waives in writing; staff still cannot close the stage while a neighbour may ask.
    clock.set_now(at(dt.date(2026, 11, 10)))
    waive = f"/ads/applications/{application.pk}/hearing/waive/"
    assert client_as("applicant").post(waive, {"reason": "本人自愿放弃听证"}).status_code == 302
    before = written(application)
    refused = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, CLOSE)
    message = zh(hearings.NEIGHBOUR_RIGHT_OPEN, name="王小梅", date="2026-11-12")
    assert "第四十七条" in message and message in text(refused)
    assert written(application) == before
    assert open_task(application).flow_task is PermitFlow.schedule_hearing

    # Only staff record what a neighbour wrote; the applicant (or anyone else) may not.
    request = {"party": wang.pk, "decision": "request", "statement": "本人要求举行听证", "received_on": "2026-11-10"}
    assert client_as("applicant").post(url(application), request).status_code == 404
    assert client_as("clerk").post(url(application), request).status_code == 404
    assert client_as("reviewer").post(url(application), {**request, "statement": ""}).status_code == 400
    future = client_as("reviewer").post(url(application), {**request, "received_on": "2026-11-11"})
    assert zh(hearings.NEIGHBOUR_RECEIVED_INVALID, date="2026-11-05") in text(future)
    assert written(application) == before

    assert client_as("reviewer").post(url(application), request).status_code == 302
    right = NeighbourHearingRight.objects.get(party=wang)
    assert right.requested_on == dt.date(2026, 11, 10) and right.request_statement == "本人要求举行听证"
    # the 20 working days now run from the neighbour's request
    latest = calendar.add_working_days(dt.date(2026, 11, 10), 20)
    page = text(client_as("chief").get(f"/ads/applications/{application.pk}/"))
    assert f'data-testid="hearing-latest">{latest.isoformat()}<' in page

    before = written(application)
    again = client_as("reviewer").post(url(application), request)
    assert again.status_code == 400
    assert zh(hearings.NEIGHBOUR_ALREADY_REQUESTED, name="王小梅") in text(again)
    assert written(application) == before

    # Li lets his window lapse: a request received after 12 Nov is refused.
    clock.set_now(at(dt.date(2026, 11, 13)))
    late = {"party": li.pk, "decision": "request", "statement": "要求听证", "received_on": "2026-11-13"}
    refused = client_as("reviewer").post(url(application), late)
    message = zh(hearings.NEIGHBOUR_REQUEST_LATE, name="李建国", date="2026-11-12")
    assert "第四十七条" in message and message in text(refused)
    assert written(application) == before

    # Wang asked: staff cannot close the stage without a hearing, even after every window.
    refused = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, CLOSE)
    assert zh(hearings.NEIGHBOUR_REQUESTED_NOT_WAIVABLE, name="王小梅") in text(refused)
    assert written(application) == before
    assert overall_clock(application).is_paused

    # Her own written waiver, recorded as received, ends it; then the stage closes lawfully.
    waiver = {"party": wang.pk, "decision": "waive", "statement": "本人放弃听证", "received_on": "2026-11-13"}
    assert client_as("reviewer").post(url(application), waiver).status_code == 302
    right.refresh_from_db()
    assert right.waived_on == dt.date(2026, 11, 13) and right.waiver_statement == "本人放弃听证"
    assert web_act(client_as("chief"), application, PermitFlow.schedule_hearing, CLOSE).status_code == 302
    assert not overall_clock(application).is_paused
    assert open_task(application).flow_task is PermitFlow.decide


def test_a_scheduled_hearing_a_neighbour_asked_for_is_not_cancelled_by_the_applicants_waiver(client_as):
    from .test_hearing import PLACE

    application = to_neighbour_hearing(client_as, requested=True)
    wang = party(application, "王小梅")
    request = {"party": wang.pk, "decision": "request", "statement": "要求听证", "received_on": "2026-11-05"}
    assert client_as("reviewer").post(url(application), request).status_code == 302
    data = {"decision": "scheduled", "hearing_date": "2026-11-16", "place": PLACE, "notice_sent_on": "2026-11-05"}
    assert web_act(client_as("chief"), application, PermitFlow.schedule_hearing, data).status_code == 302
    clock.set_now(at(dt.date(2026, 11, 13)))
    waive = f"/ads/applications/{application.pk}/hearing/waive/"
    assert client_as("applicant").post(waive, {"reason": "本人放弃听证"}).status_code == 302
    before = written(application)
    refused = web_act(client_as("chief"), application, PermitFlow.hearing, {"decision": "waived", "comment": "取消"})
    assert zh(hearings.NEIGHBOUR_REQUESTED_NOT_WAIVABLE, name="王小梅") in text(refused)
    assert written(application) == before
    assert open_task(application).flow_task is PermitFlow.hearing


def test_recorded_through_the_api(client_as, demo_users):
    application = to_neighbour_hearing(client_as)
    wang, li = party(application, "王小梅"), party(application, "李建国")
    api = APIClient()
    api.force_authenticate(demo_users["reviewer"])
    action = f"/api/permits/{application.pk}/actions/neighbour_hearing/"
    described = api.get(action).json()
    assert {"party", "decision", "statement", "received_on"} <= set(described["form"]["properties"])
    applicant = APIClient()
    applicant.force_authenticate(demo_users["applicant"])
    assert applicant.post(action, {}, format="json").status_code == 404

    clock.set_now(at(dt.date(2026, 11, 13)))
    before = written(application)
    late = api.post(
        action,
        {"party": li.pk, "decision": "request", "statement": "要求听证", "received_on": "2026-11-13"},
        format="json",
    )
    assert late.status_code == 400
    assert zh(hearings.NEIGHBOUR_REQUEST_LATE, name="李建国", date="2026-11-12") in str(late.json())
    assert written(application) == before
    # received within the window, recorded a day later: the letter's date counts
    ok = api.post(
        action,
        {"party": wang.pk, "decision": "request", "statement": "要求听证", "received_on": "2026-11-12"},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    assert NeighbourHearingRight.objects.get(party=wang).requested_on == dt.date(2026, 11, 12)
    applicant_party = AffectedParty.objects.get(application=application, kind=AffectedParty.Kind.APPLICANT)
    not_neighbour = api.post(
        action,
        {"party": applicant_party.pk, "decision": "waive", "statement": "放弃", "received_on": "2026-11-12"},
        format="json",
    )
    assert not_neighbour.status_code == 400 and "party" in not_neighbour.json()
