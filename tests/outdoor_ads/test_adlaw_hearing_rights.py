"""ALL art. 47: staff cannot waive the applicant's hearing right; only the applicant's written waiver or the lapse."""

import datetime as dt
import html

import pytest
from django.utils import translation

from outdoor_ads import services
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Hearing, Opinion
from outdoor_ads.services import overall_clock
from workflows import clock

from .support import open_task, web_act
from .test_hearing import at, to_hearing

pytestmark = pytest.mark.django_db
WAIVE = {"decision": "waived", "comment": "申请人不申请听证"}


def zh(message, **params):
    with translation.override("zh-hans"):
        return str(message) % params if params else str(message)


def assert_still_pending(application):
    assert overall_clock(application).is_paused
    assert open_task(application).flow_task is PermitFlow.schedule_hearing
    assert not Opinion.objects.filter(application=application, step=Opinion.Step.HEARING).exists()


def test_staff_cannot_waive_before_the_request_period_ends_but_the_applicant_can(client_as):
    application = to_hearing(client_as, requested=False, flag=True)  # told on Thu 5 Nov, may ask until Thu 12 Nov
    clock.set_now(at(dt.date(2026, 11, 10)))
    refused = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, WAIVE)
    assert refused.status_code in (200, 400)
    message = zh(services.HEARING_RIGHT_OPEN, date="2026-11-12")
    assert "第四十七条" in message
    assert message in html.unescape(refused.content.decode())
    assert_still_pending(application)

    url = f"/ads/applications/{application.pk}/hearing/waive/"
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="hearing-waive"' in page
    assert client_as("applicant2").post(url, {"reason": "放弃"}).status_code == 404
    assert client_as("applicant").post(url, {"reason": ""}).status_code == 400
    assert Hearing.objects.get(application=application).waived_on is None
    assert client_as("applicant").post(url, {"reason": "本人自愿放弃听证权利"}).status_code == 302
    hearing = Hearing.objects.get(application=application)
    assert hearing.waived_on == dt.date(2026, 11, 10)
    assert hearing.waiver_statement == "本人自愿放弃听证权利"

    recorded = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, WAIVE)
    assert recorded.status_code == 302
    assert not overall_clock(application).is_paused
    assert open_task(application).flow_task is PermitFlow.decide


def test_a_requested_hearing_cannot_be_waived_by_staff_even_after_the_period(client_as):
    application = to_hearing(client_as, requested=True)
    clock.set_now(at(dt.date(2026, 11, 16)))
    refused = web_act(client_as("chief"), application, PermitFlow.schedule_hearing, WAIVE)
    assert zh(services.HEARING_REQUESTED_NOT_WAIVABLE) in html.unescape(refused.content.decode())
    assert_still_pending(application)


def test_staff_record_the_lapse_after_the_request_period(client_as):
    application = to_hearing(client_as, requested=False, flag=True)
    clock.set_now(at(dt.date(2026, 11, 13)))
    assert web_act(client_as("chief"), application, PermitFlow.schedule_hearing, WAIVE).status_code == 302
    assert open_task(application).flow_task is PermitFlow.decide


def test_staff_cannot_cancel_a_scheduled_hearing_before_its_date(client_as):
    from .test_hearing import PLACE

    application = to_hearing(client_as, requested=True)
    clock.set_now(at(dt.date(2026, 11, 6)))
    data = {"decision": "scheduled", "hearing_date": "2026-11-20", "place": PLACE, "notice_sent_on": "2026-11-06"}
    assert web_act(client_as("chief"), application, PermitFlow.schedule_hearing, data).status_code == 302
    clock.set_now(at(dt.date(2026, 11, 12)))
    refused = web_act(client_as("chief"), application, PermitFlow.hearing, WAIVE)
    assert zh(services.HEARING_SCHEDULED_NOT_WAIVABLE, date="2026-11-20") in html.unescape(refused.content.decode())
    assert overall_clock(application).is_paused
    assert open_task(application).flow_task is PermitFlow.hearing
    url = f"/ads/applications/{application.pk}/hearing/waive/"
    assert client_as("applicant").post(url, {"reason": "本人书面放弃听证"}).status_code == 302
    assert web_act(client_as("chief"), application, PermitFlow.hearing, WAIVE).status_code == 302
    assert not overall_clock(application).is_paused
