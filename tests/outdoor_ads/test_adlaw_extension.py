"""ALL art. 42: the time limit is extended once, by 10 working days, before it expires, by the bureau head."""

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from outdoor_ads import services
from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.sla.models import Notification

from .support import latest_application, web_act, web_apply

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def accepted(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    return application


def nothing_extended(application, statutory):
    application.refresh_from_db()
    assert application.extended_at is None
    assert overall_clock(application).extension_days == 0
    assert overall_clock(application).statutory_due_date == statutory
    assert not documents_for(application).filter(kind="ad_extension").exists()


def test_the_section_chief_cannot_extend(client_as):
    application = accepted(client_as)
    statutory = overall_clock(application).statutory_due_date
    url = f"/ads/applications/{application.pk}/extend/"
    page = client_as("chief").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="extend-form"' not in page
    assert client_as("chief").post(url, {"reason": "需专家论证"}).status_code == 403
    nothing_extended(application, statutory)
    page = client_as("leader").get(f"/ads/applications/{application.pk}/").content.decode()
    assert 'data-testid="extend-form"' in page


def test_no_extension_after_the_twenty_working_days_expired(client_as):
    application = accepted(client_as)
    statutory = overall_clock(application).statutory_due_date
    url = f"/ads/applications/{application.pk}/extend/"
    clock.set_now(at(statutory + dt.timedelta(days=1)))
    response = client_as("leader").post(url, {"reason": "需专家论证"}, follow=True)
    with translation.override("zh-hans"):
        message = str(services.EXTENSION_AFTER_LIMIT) % {"date": statutory.isoformat()}
    assert "第四十二条" in message
    assert message in html.unescape(response.content.decode())
    nothing_extended(application, statutory)


def test_the_bureau_head_extends_on_the_last_day_and_the_applicant_gets_the_notice(client_as):
    application = accepted(client_as)
    statutory = overall_clock(application).statutory_due_date
    clock.set_now(at(statutory, 16))
    url = f"/ads/applications/{application.pk}/extend/"
    assert client_as("leader").post(url, {"reason": "涉及多部门意见征询"}).status_code == 302
    item = overall_clock(application)
    assert item.extension_days == 10
    assert item.statutory_due_date > statutory
    notice = documents_for(application).get(kind="ad_extension")
    assert notice.data["reason"] == "涉及多部门意见征询"
    assert notice.data["extension_days"] == 10
    assert notice.data["accepted_on"] == "2026-12-01"
    assert notice.data["new_due_on"] == item.statutory_due_date.isoformat()
    assert Notification.objects.filter(recipient__username="applicant", body="涉及多部门意见征询").exists()


def test_a_paused_clock_has_not_expired_and_can_be_extended(client_as):
    from .test_hearing import to_hearing

    application = to_hearing(client_as, requested=True)  # paused for the hearing since Thu 5 Nov
    item = overall_clock(application)
    assert item.is_paused
    clock.set_now(at(dt.date(2026, 12, 10)))  # past the dates printed before the pause
    url = f"/ads/applications/{application.pk}/extend/"
    assert client_as("leader").post(url, {"reason": "听证后需补充论证"}).status_code == 302
    assert overall_clock(application).extension_days == 10
