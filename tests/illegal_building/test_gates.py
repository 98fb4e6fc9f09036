"""Every gate: trying to skip it is refused with its message and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils.html import escape

from illegal_building import gates, services
from illegal_building.gates import GateRefused
from illegal_building.models import (
    Act,
    Case,
    CollectiveDiscussion,
    Defence,
    Hearing,
    LegalReview,
    SiteInspection,
)
from workflows import clock
from workflows.models import AuditEntry

from .helpers import Driver, at, local, now_local
from .test_case_paths import execute_data, to_coercive, to_decision

pytestmark = pytest.mark.django_db


def refused(response: Any, message: Any) -> None:
    assert response.status_code == 200, response.status_code
    assert escape(str(message)) in response.content.decode()


def audit_count() -> int:
    return AuditEntry.objects.count()


def test_on_site_record_needs_two_officers_with_certificates(reported: Driver) -> None:
    d = reported
    before = audit_count()
    for second in ("officer", "legal"):  # the same officer twice; a second person without a certificate
        response = d.attempt(
            "officer",
            "verify",
            {
                "officer2": d.users[second].pk,
                "inspected_at": now_local(),
                "findings": "违法搭建",
                "illegal": "yes",
                "party_name": "甄有才",
                "party_address": "昭阳区凤霞路19号",
            },
        )
        refused(response, gates.TWO_OFFICERS)
    assert not SiteInspection.objects.exists()
    assert audit_count() == before
    assert d.refresh().stage == Case.Stage.REPORTED
    assert d.active_nodes() == ["verify"]


def test_no_decision_while_the_defence_period_is_open(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    d.prior_notice()
    clock.set_now(at(2026, 3, 9, 15))  # the 5th working day after service: still open
    response = d.attempt("officer", "defence", {"statement": "申辩"})
    refused(response, gates.DEFENCE_WINDOW_OPEN)
    assert not Defence.objects.exists()
    assert d.active_nodes() == ["defence"]
    assert d.refresh().stage == Case.Stage.PRIOR_NOTICE


def test_hearing_chair_and_legal_reviewer_must_not_have_investigated(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    d.prior_notice()
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    response = d.attempt("officer", "hearing", {"chair": d.users["officer2"].pk, "held_at": now_local(),
                                                "notified_on": "2026-03-05",
                                                "minutes": "听证"})
    refused(response, gates.HEARING_CHAIR_INVESTIGATED)
    assert not Hearing.objects.exists()
    d.step("officer", "hearing", {"chair": d.users["squadlead"].pk, "notified_on": "2026-03-05",
                                  "held_at": now_local(), "minutes": "听证"})

    # officer2 took part in the site inspection; give them the legal role too and let them try.
    officer2 = d.users["officer2"]
    officer2.groups.add(Group.objects.get(name="role:legal"))
    response = d.attempt("officer2", "legal_review", {"approved": "yes", "opinion": "同意"})
    refused(response, gates.LEGAL_REVIEWER_INVESTIGATED)
    assert not LegalReview.objects.exists()


def test_decision_service_refuses_without_hearing_review_or_collective_discussion(reported: Driver) -> None:
    """The flow never offers the decision before these steps; the service refuses on its own too."""
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False, major=True)
    d.prior_notice()
    clock.set_now(at(2026, 3, 16, 10))
    chief = d.users["chief"]
    def decide() -> None:
        services.case_decide(case=d.case, acting_user=chief, content="拆除", legal_basis="第六十四条")

    Defence.objects.create(case=d.case, created_by=d.users["officer"], statement="", hearing_requested=True)
    with pytest.raises(GateRefused) as error:
        decide()
    assert error.value.message == gates.HEARING_NOT_HELD
    Hearing.objects.create(case=d.case, created_by=d.users["officer"], chair=d.users["squadlead"],
                           held_at=clock.now(), minutes="听证")
    with pytest.raises(GateRefused) as error:
        decide()
    assert error.value.message == gates.COLLECTIVE_DISCUSSION_MISSING  # judged before the review (rules.py)
    CollectiveDiscussion.objects.create(case=d.case, created_by=chief, held_at=clock.now(), participants="班子",
                                        conclusion="同意")
    with pytest.raises(GateRefused) as error:
        decide()
    assert error.value.message == gates.LEGAL_REVIEW_MISSING
    assert not Act.objects.filter(kind=Act.Kind.DEMOLITION_DECISION).exists()
    LegalReview.objects.create(case=d.case, created_by=d.users["legal"], approved=True, opinion="同意")
    decide()
    assert Act.objects.filter(kind=Act.Kind.DEMOLITION_DECISION).count() == 1


def test_only_the_chief_signs_the_decision(reported: Driver) -> None:
    d = reported
    d.verify()
    with pytest.raises(GateRefused) as error:
        services.case_decide(case=d.case, acting_user=d.users["officer"], content="x", legal_basis="y")
    assert error.value.message == gates.SIGNER_NOT_ALLOWED


def test_no_non_compliance_before_the_deadline_and_no_coercive_decision_before_the_reminder_period(
    reported: Driver,
) -> None:
    d = reported
    to_decision(d)
    d.disclose()
    clock.set_now(at(2026, 3, 27, 10))  # deadline 7 April
    refused(d.site_check(complied=False), gates.COMPLIANCE_DEADLINE_OPEN)
    assert not SiteInspection.objects.filter(purpose=SiteInspection.Purpose.COMPLIANCE).exists()
    clock.set_now(at(2026, 4, 8, 10))  # 15 working days from 16 March (Qingming skipped) ended on 7 April
    assert d.site_check(complied=False).status_code == 302
    d.step("officer", "reminder", {"content": "催告", **d.service()})
    clock.set_now(at(2026, 4, 15, 10))
    response = d.attempt(
        "officer",
        "reminder_check",
        {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "未拆", "complied": "no"},
    )
    refused(response, gates.REMINDER_WINDOW_OPEN)
    with pytest.raises(GateRefused) as error:
        services.case_coercive_decision(
            case=d.case, acting_user=d.users["leader"], content="强拆", legal_basis="", defence_considered="",
            announcement="公告", final_deadline=dt.date(2026, 5, 8), execution_date=dt.date(2026, 9, 17),
            execution_start=dt.time(9), execution_end=dt.time(17),
        )
    assert error.value.message == gates.REMINDER_WINDOW_OPEN
    assert not Act.objects.filter(kind=Act.Kind.COERCIVE_DECISION).exists()


def test_no_execution_at_night_on_holidays_in_the_future_or_while_periods_run(reported: Driver) -> None:
    d = reported
    to_coercive(d)
    clock.set_now(at(2026, 10, 12, 10))
    refused(d.attempt("officer", "execute", execute_data(d, local(at(2026, 10, 2, 10)))), gates.EXECUTION_ON_HOLIDAY)
    refused(d.attempt("officer", "execute", execute_data(d, local(at(2026, 10, 9, 5, 30)))), gates.EXECUTION_AT_NIGHT)
    refused(d.attempt("officer", "execute", execute_data(d, local(at(2026, 10, 13, 10)))), gates.EXECUTION_IN_FUTURE)
    refused(d.attempt("officer", "execute", execute_data(d, local(at(2026, 9, 1, 10)))), gates.CHALLENGE_PERIODS_OPEN)
    with pytest.raises(GateRefused):
        services.case_execute(case=d.case, acting_user=d.users["officer"], officer2=d.users["officer"],
                              executed_at=clock.now(), plan="", record="", inventory="", witnesses="")
    assert d.active_nodes() == ["execute"]
