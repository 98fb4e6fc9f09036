"""The applicant's supplement period (ALL art. 32), notified before 2027 was entered, moves with the
2027 schedule: the clock, the application page, ``GET /api/permits/{id}/``, the supplement notice's
correction notice and the expiry sweep (treated as withdrawn only after the new date).

Supplement notice on Monday 21 December 2026: 10 working days to 5 January 2027, provisional
(元旦 known from the holiday law). The schedule adds a bridging Monday, 4 January: 6 January. On
6 January the sweep leaves the application alone (it would have withdrawn it on the old date),
on 7 January it treats it as withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from licensing.services.common import supplement_clock
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from workflows import clock
from workflows.documents.corrections import corrections_for
from workflows.documents.selectors import documents_for
from workflows.sla.models import Clock, Notification
from workflows.sla.tasks import recompute_clocks
from workflows.tasks import sweep

from ..documents.conftest import pdf_bytes, pdf_text, squash
from ..outdoor_ads.support import latest_application, web_act, web_apply
from .helpers import at

pytestmark = pytest.mark.django_db
D = dt.date
Status = PermitApplication.Status

SCHEDULE_2027 = {
    "year": "2027",
    "notice": "国办发明电〔2026〕测试号",
    "holidays": "2027-01-01\n2027-01-02\n2027-01-03\n2027-01-04",
    "workdays": "",
}
SUPPLEMENT = {"decision": "supplement", "missing_items": ["site_right"], "supplement_note": "租赁合同未盖章"}


def _api_due(client: Client, pk: int) -> str:
    return str(client.get(f"/api/permits/{pk}/").json()["supplement"]["due"])


def test_the_supplement_period_moves_with_the_schedule_and_the_sweep_follows_it(
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
        response = web_act(client_as("clerk"), application, PermitFlow.accept, SUPPLEMENT)
    assert response.status_code == 302
    item = supplement_clock(application)
    assert item.provisional and item.due_date == D(2027, 1, 5)
    notice = documents_for(application).get(kind="ad_supplement")
    assert notice.data["supplement_deadline"] == "2027-01-05"
    assert _api_due(applicant, application.pk) == "2027-01-05"
    page = applicant.get(f"/ads/applications/{application.pk}/").content.decode()
    assert "2027-01-05" in page

    clock.set_now(at(2026, 12, 30, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]

    item.refresh_from_db()
    assert not item.provisional and item.due_date == D(2027, 1, 6)
    assert _api_due(applicant, application.pk) == "2027-01-06"
    page = applicant.get(f"/ads/applications/{application.pk}/").content.decode()
    assert "2027-01-06" in page and "2027-01-05" not in page

    # The notice's date is corrected, to the applicant, by the authority that issued the notice.
    (correction,) = corrections_for(notice)
    assert correction.data["field"] == "supplement_deadline"
    assert (correction.data["old_deadline"], correction.data["new_deadline"]) == ("2027-01-05", "2027-01-06")
    assert correction.authority_id == notice.authority_id and correction.subject == application
    text = squash(pdf_text(pdf_bytes(correction)))
    assert squash(f"（{notice.number}）") in text
    assert squash("补正申请材料的期限至2027年1月5日止") in text and squash("至2027年1月6日止") in text
    told = Notification.objects.filter(recipient=demo_users["applicant"], title__startswith="期限更正")
    assert told.count() == 1
    assert correction.number in page
    assert recompute_clocks.delay(year=2027).get() == 0
    assert corrections_for(notice).count() == 1 and told.count() == 1

    # The expiry sweep reads the clock: not withdrawn the day after the old date, withdrawn after the new one.
    clock.set_now(at(2027, 1, 6, 23))
    assert sweep()["supplements_expire_due"] == 0
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT
    clock.set_now(at(2027, 1, 7, 9))
    assert sweep()["supplements_expire_due"] == 1
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert supplement_clock(application) is None
    assert Clock.objects.get(pk=item.pk).stopped_on == D(2027, 1, 7)
    assert sweep()["supplements_expire_due"] == 0
