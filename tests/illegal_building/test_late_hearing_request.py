"""A hearing may be requested within 5 working days of the prior notice, even after the defence step."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import escape

from illegal_building import clocks, gates
from illegal_building.models import Act, Case, Defence, Hearing
from workflows import clock
from workflows.models import AuditEntry
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import ClockRule
from workflows.sla.rules import get_rule

from .helpers import Driver, at, now_local

pytestmark = pytest.mark.django_db


def _to_legal_review_with_a_short_defence_period(d: Driver) -> None:
    """The defence period is configured to 3 working days: it ends before the hearing window (5)."""
    get_rule(clocks.DEFENCE)
    ClockRule.objects.filter(code=clocks.DEFENCE).update(limit=3)
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    d.prior_notice()  # served Monday 2 March: defence until 5 March, hearing requests until 9 March
    clock.set_now(at(2026, 3, 6, 10))
    d.close_defence(hearing=False)
    d.legal_review()
    assert d.active_nodes() == ["decision"]


def _decide(d: Driver) -> Any:
    return d.attempt("chief", "decision", {"content": "责令限期拆除", "legal_basis": "《城乡规划法》第六十四条"})


def test_hearing_requested_after_the_defence_step_blocks_the_decision_until_held(reported: Driver) -> None:
    d = reported
    _to_legal_review_with_a_short_defence_period(d)
    clock.set_now(at(2026, 3, 9, 16))  # the 5th working day after service: still in the window
    page = d.record("officer", "hearing_request", {"statement": "当事人书面要求举行听证"})
    assert page.status_code == 302
    request = Defence.objects.filter(hearing_requested=True).get()
    assert request.statement == "当事人书面要求举行听证"
    assert AuditEntry.objects.filter(action="case.hearing_request").count() == 1
    assert sla_selectors.open_clock(d.case, clocks.DECISION).is_paused  # type: ignore[union-attr]
    detail = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()
    (decision_gate,) = [g for g in detail["gates"] if g["code"] == "decision"]
    assert decision_gate["open"] is False
    assert decision_gate["detail"] == str(gates.HEARING_NOT_HELD)

    refused = _decide(d)
    assert refused.status_code == 200
    assert escape(str(gates.HEARING_NOT_HELD)) in refused.content.decode()
    assert not Act.objects.filter(kind=Act.Kind.DEMOLITION_DECISION).exists()

    # Asking twice is refused, nothing written.
    again = d.client("officer").post(f"/api/cases/{d.case.pk}/actions/hearing_request/", {"statement": "再次要求"})
    assert again.status_code == 400  # a refused rule: the common error format
    assert again.json() == {"detail": str(gates.HEARING_ALREADY_REQUESTED)}

    clock.set_now(at(2026, 3, 20, 10))  # notified on 10 March: 7 working days ahead
    held = d.record("officer", "hearing_held", {"chair": d.users["leader"].pk, "held_at": now_local(),
                                                "notified_on": "2026-03-10",
                                                "minutes": "听证会笔录"})
    assert held.status_code == 302
    assert Hearing.objects.count() == 1
    assert not sla_selectors.open_clock(d.case, clocks.DECISION).is_paused  # type: ignore[union-attr]
    d.step("chief", "decision", {"content": "责令限期拆除", "legal_basis": "《城乡规划法》第六十四条"})
    assert d.refresh().stage == Case.Stage.DECIDED
    # No second hearing to hold.
    page = d.record("officer", "hearing_held", {"chair": d.users["leader"].pk, "held_at": now_local(),
                                                "notified_on": "2026-03-10",
                                                "minutes": "x"})
    assert Hearing.objects.count() == 1
    assert escape(str(gates.NO_HEARING_PENDING)) in d.client("officer").get(page.url).content.decode()


def test_hearing_request_after_its_window_is_refused(reported: Driver) -> None:
    d = reported
    _to_legal_review_with_a_short_defence_period(d)
    clock.set_now(at(2026, 3, 10, 9))  # the 6th working day after service
    before = AuditEntry.objects.count()
    response = d.client("officer").post(f"/api/cases/{d.case.pk}/actions/hearing_request/", {"statement": "要求听证"})
    assert response.status_code == 400
    assert response.json() == {"detail": str(gates.HEARING_REQUEST_WINDOW_CLOSED)}
    page = d.record("officer", "hearing_request", {"statement": "要求听证"})
    shown = d.client("officer").get(page.url).content.decode()
    assert escape(str(gates.HEARING_REQUEST_WINDOW_CLOSED)) in shown
    assert not Defence.objects.filter(hearing_requested=True).exists()
    assert AuditEntry.objects.count() == before
    by_legal = d.client("legal").post(f"/api/cases/{d.case.pk}/actions/hearing_request/", {"statement": "x"})
    assert by_legal.status_code == 404
    d.step("chief", "decision", {"content": "责令限期拆除", "legal_basis": "《城乡规划法》第六十四条"})
    assert d.refresh().stage == Case.Stage.DECIDED


def test_hearing_request_via_api_within_the_window(reported: Driver) -> None:
    d = reported
    _to_legal_review_with_a_short_defence_period(d)
    response = d.client("officer").post(f"/api/cases/{d.case.pk}/actions/hearing_request/", {"statement": "要求听证"})
    assert response.status_code == 200, response.content
    assert response.json()["action"] == "hearing_request"
    case = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()
    (gate,) = [g for g in case["gates"] if g["code"] == "decision"]
    assert gate["open"] is False
