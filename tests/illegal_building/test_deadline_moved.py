"""Issue 10's done-when: one deadline, entered before its year's holiday schedule exists, then the
schedule entered in the admin over HTTP, and everything that states or enforces the deadline
moves together — the clock, the rule that guards the next act, the case page, the API and the
served prior notice (a correction notice to the party, 期限更正通知书).

The prior notice is served on Monday 28 December 2026: the party's 5 working days to state a
defence are counted provisionally (元旦 known from the holiday law) to Tuesday 5 January 2027.
The administrator then enters 2027 with a bridging Monday (4 January) the law could not know: the
period ends on Wednesday 6 January. On 6 January the decision path is refused (it would have been
allowed on the old date), on 7 January it is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from illegal_building import clocks, gates
from illegal_building.models import Act, Case
from workflows import clock
from workflows.documents.corrections import correct_quoted_deadlines, corrections_for
from workflows.documents.models import IssuedDocument, IssuingAuthority
from workflows.models import AuditEntry
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import Clock, Notification
from workflows.sla.signals import deadline_moved
from workflows.sla.tasks import recompute_clocks

from ..documents.conftest import pdf_bytes, pdf_text, squash
from .helpers import Driver, at, png_bytes
from .rulebook_support import passed_via, refused_via

pytestmark = pytest.mark.django_db
D = dt.date

SCHEDULE_2027 = {
    "year": "2027",
    "notice": "国办发明电〔2026〕测试号",
    "holidays": "2027-01-01\n2027-01-02\n2027-01-03\n2027-01-04",
    "workdays": "",
}
DEFENCE_RULE = "penalty.defence_closed"
STATEMENT = {"statement": "当事人称系自用"}


@pytest.fixture
def december_case(client_as: Callable[[str], Client], demo_users: dict[str, Any]) -> Driver:
    clock.set_now(at(2026, 12, 21, 10))
    photo = SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")
    response = client_as("patrol").post(
        "/cases/cases/report/",
        {
            "county": demo_users["patrol"].county_id,
            "address": "昭阳区凤霞路19号楼顶",
            "latitude": "27.338123",
            "longitude": "103.717456",
            "description": "楼顶正在搭建彩钢板房",
            "photo": photo,
            "captured_at": "2026-12-21T09:40",
            "device": "巡查终端 HW-07",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    d = Driver(client_as, demo_users, Case.objects.get())
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    return d


def _defence_clock(d: Driver) -> Clock:
    running = sla_selectors.open_clock(d.case, clocks.DEFENCE)
    assert running is not None
    return running


def _page(d: Driver) -> str:
    response = d.client("officer").get(f"/cases/cases/{d.case.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def _api(d: Driver) -> dict[str, Any]:
    response = d.client("officer").get(f"/api/cases/{d.case.pk}/")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _api_defence(d: Driver) -> tuple[str, str]:
    body = _api(d)
    due = next(c["due_date"] for c in body["clocks"] if c["rule"] == clocks.DEFENCE and not c["stopped"])
    allowed_from = next(r["from_date"] for r in body["rules"] if r["code"] == DEFENCE_RULE)
    return due, allowed_from


def test_a_schedule_entered_in_the_admin_moves_clock_gate_page_api_and_the_served_notice_together(
    december_case: Driver,
    client_as: Callable[[str], Client],
    demo_users: dict[str, Any],
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    d = december_case
    clock.set_now(at(2026, 12, 28, 10))
    with django_capture_on_commit_callbacks(execute=True):
        d.prior_notice(hearing_right=False)
    notice_act = Act.objects.get(case=d.case, kind=Act.Kind.PRIOR_NOTICE)
    notice = IssuedDocument.objects.get(number=notice_act.document_number)
    defence = _defence_clock(d)

    # Before 2027 is entered: provisional, counted from the holiday law (元旦 skipped).
    assert defence.provisional and defence.due_date == D(2027, 1, 5)
    assert notice.data["defence_deadline"] == "2027-01-05"
    assert {"field": "defence_deadline", "clock": defence.pk, "which": "due"} in notice.data["quoted_clocks"]
    page = _page(d)
    assert "2027-01-05" in page and 'data-testid="sla-provisional"' in page
    assert _api_defence(d) == ("2027-01-05", "2027-01-06")

    # The authority's data changes in the meantime: the correction carries it as it is now.
    IssuingAuthority.objects.filter(pk=notice.authority_id).update(phone="0870-2150000")
    assert notice.issuer["phone"] != "0870-2150000"

    # The administrator enters 2027 over HTTP; the job runs after commit (eager "worker").
    clock.set_now(at(2026, 12, 30, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]

    # The clock moved by the bridging Monday, and everything reading it moved with it.
    defence.refresh_from_db()
    assert not defence.provisional and defence.due_date == D(2027, 1, 6)
    assert _api_defence(d) == ("2027-01-06", "2027-01-07")
    page = _page(d)
    assert 'data-testid="sla-provisional"' not in page
    assert f'data-rule="{DEFENCE_RULE}"' in page and "2027-01-07" in page

    # The served prior notice is corrected: one 期限更正通知书 by the same authority, to the party.
    corrections = list(corrections_for(notice))
    assert len(corrections) == 1
    correction = corrections[0]
    assert correction.kind == "deadline_correction" and correction.subject == d.case
    assert correction.holder_name == notice.holder_name
    assert correction.data["original_number"] == notice.number
    assert (correction.data["old_deadline"], correction.data["new_deadline"]) == ("2027-01-05", "2027-01-06")
    assert correction.authority_id == notice.authority_id
    assert notice.authority is not None
    assert correction.issuer["name"] == notice.authority.name
    assert correction.issuer["phone"] == "0870-2150000"
    assert correction.number.startswith(f"{notice.authority.number_prefix}期更〔2026〕")
    assert correction.number in page  # the case page lists it with the case's documents
    text = squash(pdf_text(pdf_bytes(correction)))  # rendered by the (eager) Celery task
    assert squash(f"《行政处罚事先告知书》（{notice.number}）") in text
    assert squash("陈述、申辩的期限至2027年1月5日止") in text
    assert squash("至2027年1月6日止") in text
    assert squash("国办发明电〔2026〕测试号") in text
    assert notice.number in squash(pdf_text(pdf_bytes(notice)))  # the original stays as it was
    notice.refresh_from_db()
    assert notice.status == IssuedDocument.Status.VALID and notice.data["defence_deadline"] == "2027-01-05"
    assert notice.issuer["phone"] != "0870-2150000"
    # The officer who issued the notice is told to serve the correction (the party has no account).
    told = Notification.objects.filter(recipient=demo_users["officer"], title__startswith="期限更正")
    assert told.count() == 1
    assert correction.number in told.get().body and "2027-01-06" in told.get().body
    assert AuditEntry.objects.filter(action="document.deadline_correction").count() == 1

    # Re-running the job, or the listener seeing the same move again (a retried batch), issues nothing.
    assert recompute_clocks.delay(year=2027).get() == 0
    with django_capture_on_commit_callbacks(execute=True):
        deadline_moved.send(
            sender=Clock, clock=defence, old_due=D(2027, 1, 5), new_due=D(2027, 1, 6),
            old_statutory_due=None, new_statutory_due=None, acting_user=None, year=2027,
        )
    assert corrections_for(notice).count() == 1 and told.count() == 1
    assert correct_quoted_deadlines(
        Clock, clock=defence, old_due=D(2027, 1, 5), new_due=D(2027, 1, 6),
        old_statutory_due=None, new_statutory_due=None, year=2027,
    ) == []

    # The gate: on the old date's next day the defence period is still open, so the decision path
    # is refused; once the new date has passed it is allowed.
    clock.set_now(at(2027, 1, 6, 10))
    refused_via("web", d, "officer", "defence", STATEMENT, gates.DEFENCE_WINDOW_OPEN)
    clock.set_now(at(2027, 1, 7, 10))
    passed_via("web", d, "officer", "defence", STATEMENT)
    assert sla_selectors.open_clock(d.case, clocks.DEFENCE) is None


def test_an_unserved_or_differently_dated_document_is_not_corrected(
    december_case: Driver,
    client_as: Callable[[str], Client],
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    d = december_case
    clock.set_now(at(2026, 12, 28, 10))
    d.prior_notice(hearing_right=False)
    notice = IssuedDocument.objects.get(kind="case_prior_notice")
    defence = _defence_clock(d)
    # A move that does not start from the date the notice stated corrects nothing.
    assert correct_quoted_deadlines(
        Clock, clock=defence, old_due=D(2027, 1, 4), new_due=D(2027, 1, 6),
        old_statutory_due=None, new_statutory_due=None, year=2027,
    ) == []
    # An act not (or no longer) served on the party: nobody was told the date.
    Act.objects.filter(document_number=notice.number).update(served_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302
    defence.refresh_from_db()
    assert defence.due_date == D(2027, 1, 6)
    assert not corrections_for(notice).exists()
