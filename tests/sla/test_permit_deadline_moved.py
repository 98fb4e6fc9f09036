"""A permit's decision deadline, promised before 2027 was entered, moves with the 2027 schedule:
the clock, the extension gate (ALL art. 42: only before the 20 working days expire), the
application page, ``GET /api/permits/{id}/`` and the acceptance notice's correction notices.

Accepted Monday 21 December 2026: promised 13 working days to 8 January 2027 and statutory 20 to
19 January, provisional (元旦 from the holiday law). The schedule adds a bridging Monday, 4 January:
11 and 20 January. On 20 January the extension is allowed (it would have been refused on the old
date), on 21 January refused.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from outdoor_ads import services as ad_services
from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.corrections import corrections_for
from workflows.documents.selectors import documents_for
from workflows.sla.models import Notification
from workflows.sla.tasks import recompute_clocks

from ..documents.conftest import pdf_bytes, pdf_text, squash
from ..outdoor_ads.support import latest_application, web_act, web_apply
from .helpers import at

pytestmark = pytest.mark.django_db
D = dt.date

SCHEDULE_2027 = {
    "year": "2027",
    "notice": "国办发明电〔2026〕测试号",
    "holidays": "2027-01-01\n2027-01-02\n2027-01-03\n2027-01-04",
    "workdays": "",
}


def _api_clock(client: Client, pk: int) -> tuple[str, str, bool]:
    body = client.get(f"/api/permits/{pk}/").json()["clock"]
    return body["due_date"], body["statutory_due_date"], body["provisional"]


def test_the_permit_decision_deadline_moves_with_the_schedule_and_the_acceptance_notice_is_corrected(
    client_as: Callable[[str], Client],
    demo_users: dict[str, Any],
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    clock.set_now(at(2026, 12, 21, 10))
    applicant = client_as("applicant")
    assert web_apply(applicant).status_code == 302
    application = latest_application()
    with django_capture_on_commit_callbacks(execute=True):
        response = web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    assert response.status_code == 302
    item = overall_clock(application)
    assert item.provisional and (item.due_date, item.statutory_due_date) == (D(2027, 1, 8), D(2027, 1, 19))
    acceptance = documents_for(application).get(kind="ad_acceptance")
    assert (acceptance.data["due_on"], acceptance.data["statutory_due_on"]) == ("2027-01-08", "2027-01-19")
    assert _api_clock(applicant, application.pk) == ("2027-01-08", "2027-01-19", True)

    clock.set_now(at(2026, 12, 30, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]

    item.refresh_from_db()
    assert not item.provisional and (item.due_date, item.statutory_due_date) == (D(2027, 1, 11), D(2027, 1, 20))
    assert _api_clock(applicant, application.pk) == ("2027-01-11", "2027-01-20", False)
    page = applicant.get(f"/ads/applications/{application.pk}/").content.decode()
    assert "2027-01-11" in page and "2027-01-08" not in page

    # Both dates the acceptance notice stated are corrected, to the applicant, by the same authority.
    corrections = {c.data["field"]: c for c in corrections_for(acceptance)}
    assert set(corrections) == {"due_on", "statutory_due_on"}
    promised, statutory = corrections["due_on"], corrections["statutory_due_on"]
    assert (promised.data["old_deadline"], promised.data["new_deadline"]) == ("2027-01-08", "2027-01-11")
    assert (statutory.data["old_deadline"], statutory.data["new_deadline"]) == ("2027-01-19", "2027-01-20")
    assert promised.authority_id == acceptance.authority_id and promised.subject == application
    text = squash(pdf_text(pdf_bytes(statutory)))
    assert squash(f"《受理通知书》（{acceptance.number}）") in text
    assert squash("法定作出行政许可决定的期限至2027年1月19日止") in text and squash("至2027年1月20日止") in text
    told = Notification.objects.filter(recipient=demo_users["applicant"], title__startswith="期限更正")
    assert told.count() == 2
    assert promised.number in page  # the applicant's page lists the correction notices
    assert recompute_clocks.delay(year=2027).get() == 0
    assert corrections_for(acceptance).count() == 2 and told.count() == 2

    # The gate moved too: after the new statutory date the extension is refused, on it allowed.
    url = f"/ads/applications/{application.pk}/extend/"
    clock.set_now(at(2027, 1, 21, 10))
    response = client_as("leader").post(url, {"reason": "需专家论证"}, follow=True)
    with translation.override("zh-hans"):
        message = str(ad_services.EXTENSION_AFTER_LIMIT) % {"date": "2027-01-20"}
    assert message in html.unescape(response.content.decode())
    assert overall_clock(application).extension_days == 0
    clock.set_now(at(2027, 1, 20, 16))
    assert client_as("leader").post(url, {"reason": "需专家论证"}).status_code == 302
    assert overall_clock(application).extension_days == 10
