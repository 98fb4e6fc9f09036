"""ALL art. 32/42 at acceptance: the window restarts when complete materials arrive; late notices are refused."""

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from outdoor_ads import services
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.models import AuditEntry

from .support import latest_application, pdf_upload, png_upload, web_act, web_apply

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def api_as(demo_users):
    from rest_framework.test import APIClient

    def make(username):
        client = APIClient()
        client.force_authenticate(demo_users[username])
        return client

    return make


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def supplemented(client_as, *, answered_on):
    """Applied Tue 1 Dec, supplement notice Wed 2 Dec, complete materials arrive on `answered_on`."""
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    clock.set_now(at(dt.date(2026, 12, 2)))
    notice = {"decision": "supplement", "missing_items": ["site_right", "design"], "supplement_note": "租赁合同未盖章"}
    assert web_act(client_as("clerk"), application, PermitFlow.accept, notice).status_code == 302
    clock.set_now(at(answered_on))
    answer = client_as("applicant").post(
        f"/ads/applications/{application.pk}/supplement/",
        {"material_site_right": [pdf_upload("lease.pdf")], "material_design": [png_upload("render.png")]},
    )
    assert answer.status_code == 302
    application.refresh_from_db()
    return application


def test_acceptance_within_the_restarted_window_runs_from_the_acceptance_date(client_as, api_as):
    application = supplemented(client_as, answered_on=dt.date(2026, 12, 15))
    # Wed 16 Dec: one working day after the complete materials arrived, 11 after the first submission.
    clock.set_now(at(dt.date(2026, 12, 16)))
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    item = overall_clock(application)
    assert item.start_date == dt.date(2026, 12, 16)
    notice = documents_for(application).get(kind="ad_acceptance")
    assert notice.data["accepted_on"] == "2026-12-16"
    assert notice.data["materials_complete_on"] == "2026-12-15"
    assert notice.data["due_on"] == item.due_date.isoformat()
    detail = api_as("applicant").get(f"/api/permits/{application.pk}/").json()
    assert detail["clock"]["started_on"] == "2026-12-16"


def test_late_acceptance_after_a_supplement_runs_from_the_day_the_materials_arrived(client_as, api_as):
    application = supplemented(client_as, answered_on=dt.date(2026, 12, 15))
    # Wed 23 Dec: six working days after the materials arrived — the window has passed.
    clock.set_now(at(dt.date(2026, 12, 23)))
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    assert overall_clock(application).start_date == dt.date(2026, 12, 15)
    notice = documents_for(application).get(kind="ad_acceptance")
    assert notice.data["accepted_on"] == "2026-12-15"
    detail = api_as("applicant").get(f"/api/permits/{application.pk}/").json()
    assert detail["clock"]["started_on"] == "2026-12-15"


def test_supplement_notice_after_five_working_days_is_refused_and_accept_still_works(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    audit_rows = AuditEntry.objects.count()
    # Wed 9 Dec: six working days after arrival.
    clock.set_now(at(dt.date(2026, 12, 9)))
    notice = {"decision": "supplement", "missing_items": ["design"], "supplement_note": "效果图不清晰"}
    response = web_act(client_as("clerk"), application, PermitFlow.accept, notice)
    assert response.status_code in (200, 400)
    with translation.override("zh-hans"):
        message = str(services.SUPPLEMENT_WINDOW_PASSED) % {"date": "2026-12-01"}
    assert "第三十二条" in message
    assert message in html.unescape(response.content.decode())
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.supplement_requested_at is None
    assert not documents_for(application).filter(kind="ad_supplement").exists()
    assert AuditEntry.objects.count() == audit_rows
    # The lawful act: the clerk accepts; the application counts as accepted on the day it arrived.
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    assert overall_clock(application).start_date == dt.date(2026, 12, 1)


def test_supplement_notice_on_the_fifth_working_day_passes(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    clock.set_now(at(dt.date(2026, 12, 8)))
    notice = {"decision": "supplement", "missing_items": ["design"], "supplement_note": "效果图不清晰"}
    assert web_act(client_as("clerk"), application, PermitFlow.accept, notice).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT
