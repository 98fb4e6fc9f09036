"""ALL art. 45 special procedures on the waste disposal approval: declared by its spec, run by the kernel.

Over HTTP with moved time, on the page and through the API: the written notice is issued, the
decision clock pauses and resumes, and ending a procedure that does not run is refused with the
article and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils import translation
from rest_framework.test import APIClient

from construction_waste.flows import WasteDisposalFlow
from construction_waste.models import PermitApplication, ReviewPause
from licensing.services import pauses
from licensing.services.common import overall_clock
from workflows import calendar, clock
from workflows.documents.models import DocumentCounter, IssuedDocument
from workflows.documents.selectors import documents_for
from workflows.models import AuditEntry
from workflows.sla.models import ClockPause, Notification

from .support import waste_data, with_materials
from .test_paths import web_act

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = {"kind": "testing", "reason": "需检测拟处置工程渣土是否含有有害物质", "expected_working_days": "5"}


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def zh(message: object) -> str:
    with translation.override("zh-hans"):
        return str(message)


def written(application: PermitApplication) -> dict[str, object]:
    item = overall_clock(application)
    return {
        "audit": AuditEntry.objects.count(),
        "documents": IssuedDocument.objects.count(),
        "numbers": DocumentCounter.objects.aggregate(n=Sum("last_sequence"))["n"],
        "notifications": Notification.objects.count(),
        "pauses": list(ReviewPause.objects.values_list("pk", "ended_at", "outcome")),
        "clock_pauses": list(ClockPause.objects.values_list("pk", "ended_at")),
        "clock": item and (item.due_date, item.paused_on, item.paused_working_days),
    }


def accepted(client_as) -> PermitApplication:
    """Apply on Mon 23 Nov 2026 and accept the same day: the decision clock runs from then."""
    clock.set_now(at(dt.date(2026, 11, 23)))
    assert client_as("applicant").post("/waste/apply/", with_materials(waste_data())).status_code == 302
    application = PermitApplication.objects.get()
    assert web_act(client_as("clerk"), application, WasteDisposalFlow.accept, {"decision": "accept"}).status_code == 302
    return application


def law_url(application: PermitApplication, name: str) -> str:
    return f"/waste/applications/{application.pk}/law/{name}/"


def test_start_and_stop_on_the_page(client_as, django_capture_on_commit_callbacks, celery_eager):
    application = accepted(client_as)
    due_before = overall_clock(application).due_date
    reviewer = client_as("waste_reviewer")
    page = html.unescape(reviewer.get(f"/waste/applications/{application.pk}/").content.decode())
    assert 'data-testid="pause-start"' in page and 'data-testid="pause-stop"' not in page
    # the applicant and the clerk may not start one; the ad reviewer has no waste permission
    for username in ("applicant", "clerk", "reviewer"):
        assert client_as(username).post(law_url(application, "pause_start"), START).status_code == 404

    # nothing to end yet: refused with the article, nothing written
    clock.set_now(at(dt.date(2026, 11, 24)))
    before = written(application)
    refused = reviewer.post(law_url(application, "pause_stop"), {"outcome": "检测合格"})
    assert refused.status_code == 400
    assert "第四十五条" in zh(pauses.PAUSE_NOT_RUNNING)
    assert zh(pauses.PAUSE_NOT_RUNNING) in html.unescape(refused.content.decode())
    assert written(application) == before

    with django_capture_on_commit_callbacks(execute=True):
        assert reviewer.post(law_url(application, "pause_start"), START).status_code == 302
    pause = ReviewPause.objects.get(application=application)
    assert pause.is_running and pause.kind == "testing"
    item = overall_clock(application)
    assert item.is_paused and item.paused_on == dt.date(2026, 11, 24)
    assert "检测（行政许可法第四十五条）：需检测拟处置工程渣土是否含有有害物质；预计5个工作日" in item.explain(
        "zh-hans"
    )
    notice = documents_for(application).get(kind="waste_pause_notice")
    assert notice.data["procedure"] == "检测"
    assert notice.data["project_name"] == application.project_name
    assert notice.data["started_on"] == "2026-11-24"
    assert notice.data["expected_until"] == "2026-12-01"
    assert "建垃特〔2026〕1号" in notice.number
    notice.refresh_from_db()
    assert notice.is_ready and notice.pdf
    assert not documents_for(application).filter(kind="ad_pause_notice").exists()

    # ended by the chief the next Monday: 25, 26, 27 and 30 Nov not counted
    clock.set_now(at(dt.date(2026, 11, 30)))
    assert client_as("chief").post(law_url(application, "pause_stop"), {"outcome": "检测合格"}).status_code == 302
    pause.refresh_from_db()
    assert not pause.is_running and pause.outcome == "检测合格"
    item = overall_clock(application)
    assert not item.is_paused and item.working_days_paused == 4
    assert item.due_date == calendar.add_working_days(due_before, 4)


def test_start_and_stop_through_the_api(client_as, demo_users):
    application = accepted(client_as)
    api = APIClient()
    api.force_authenticate(demo_users["waste_reviewer"])
    base = f"/api/waste-permits/{application.pk}/actions/"
    assert {"pause_start", "pause_stop"} <= {a["name"] for a in api.get(base).json()}

    clock.set_now(at(dt.date(2026, 11, 24)))
    before = written(application)
    refused = api.post(f"{base}pause_stop/", {"outcome": "结束"}, format="json")
    assert refused.status_code == 400
    assert zh(pauses.PAUSE_NOT_RUNNING) in str(refused.json())
    assert written(application) == before

    started = api.post(
        f"{base}pause_start/", {**START, "kind": "expert", "reason": "消纳场所容量专家评审"}, format="json"
    )
    assert started.status_code == 200, started.content
    assert started.json()["id"] == ReviewPause.objects.get(application=application).pk
    assert overall_clock(application).is_paused
    assert documents_for(application).get(kind="waste_pause_notice").data["procedure"] == "专家评审"

    clock.set_now(at(dt.date(2026, 11, 26)))
    assert api.post(f"{base}pause_stop/", {"outcome": "评审通过"}, format="json").status_code == 200
    item = overall_clock(application)
    assert not item.is_paused and item.working_days_paused == 2  # 25, 26 Nov
