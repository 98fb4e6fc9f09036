"""Every rule of the rulebook, over HTTP as the role users with moved time: the forbidden act is
refused with its article in Chinese and writes nothing; the lawful act passes. Steps run through
the web step and through ``POST /api/tasks/{id}/complete/`` (``channel``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group

from illegal_building import clocks, gates
from illegal_building.models import (
    Act,
    Challenge,
    CollectiveDiscussion,
    Defence,
    Execution,
    HearingWithdrawal,
    LegalReview,
    ServiceRecord,
)
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import ClockRule
from workflows.sla.rules import get_rule

from .helpers import Driver, at, local, now_local, open_task
from .rulebook_support import CHANNELS, allows, passed_via, record_refused, refused_via, refuses
from .test_case_paths import coercive_data, execute_data, record_government_order, to_coercive, to_reminder_over

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("channel", CHANNELS)]

DEMOLISH = {"content": "责令限期拆除", "legal_basis": "《城乡规划法》第六十四条"}


def verify_data(d: Driver, **changes: Any) -> dict[str, Any]:
    return {
        "officer2": d.users["officer2"].pk,
        "inspected_at": now_local(),
        "findings": "楼顶新建彩钢板房",
        "illegal": "yes",
        "party_name": "甄有才",
        "party_is_person": "on",
        "party_address": "昭阳区凤霞路19号",
        **changes,
    }


def stop_order_data(d: Driver, **service: Any) -> dict[str, Any]:
    return {"content": "责令立即停止建设", "legal_basis": "《城乡规划法》第六十四条", **d.service(), **service}


def notice_data(d: Driver, hearing_right: bool = True, **changes: Any) -> dict[str, Any]:
    return {
        "content": "拟责令限期改正",
        "legal_basis": "《城乡规划法》第六十四条",
        **({"hearing_right": "on"} if hearing_right else {}),
        **d.service(),
        **changes,
    }


def to_notice(d: Driver, *, correctable: bool = False, fine: str = "", hearing_right: bool = True) -> None:
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=correctable, fine=fine)
    d.step("officer", "prior_notice", notice_data(d, hearing_right))  # served Monday 2 March


def to_decision_step(d: Driver) -> None:
    to_notice(d)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence()
    d.legal_review()
    assert d.active_nodes() == ["decision"]


# --- On-site records and investigation -----------------------------------------------------------


@refuses("officers.two", "party.identified")
@allows("officers.two", "party.identified")
def test_verification_needs_two_certified_officers_and_the_party(reported: Driver, channel: str) -> None:
    d = reported
    refused_via(channel, d, "officer", "verify", verify_data(d, officer2=d.users["officer"].pk), gates.TWO_OFFICERS)
    refused_via(channel, d, "officer", "verify", verify_data(d, officer2=d.users["legal"].pk), gates.TWO_OFFICERS)
    refused_via(channel, d, "officer", "verify", verify_data(d, party_name=""), gates.PARTY_REQUIRED)
    passed_via(channel, d, "officer", "verify", verify_data(d))
    assert d.active_nodes() == ["approve_filing"]


@refuses("investigation.planning_opinion")
@allows("investigation.planning_opinion")
def test_investigation_ends_only_with_the_planning_opinion(reported: Driver, channel: str) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    refused_via(channel, d, "officer", "investigate", {"summary": "调查终结"}, gates.PLANNING_OPINION_MISSING)
    d.record("officer", "planning_opinion", {"authority": "昭阳区自然资源局", "correctable": "no",
                                             "opinion": "无法改正", "received_on": "2026-03-02"})
    passed_via(channel, d, "officer", "investigate", {"summary": "调查终结"})
    assert d.active_nodes() == ["prior_notice"]


# --- Fines follow the penalty procedure (APL arts. 44–63) ------------------------------------------


@refuses("penalty.notice_served")
@allows("penalty.notice_served")
def test_a_fine_without_prior_notice_is_refused_an_order_alone_passes(reported: Driver, channel: str) -> None:
    """The issue's case: a 50,000-yuan fine the day after the investigation, no notice, no review."""
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=True)
    assert d.active_nodes() == ["correction_decision"]
    clock.set_now(at(2026, 3, 3, 10))
    order = {"content": "责令限期补办规划许可并改正", "legal_basis": "《城乡规划法》第六十四条"}
    refused_via(channel, d, "chief", "correction_decision", {**order, "fine_amount": "50000.00"},
                gates.PRIOR_NOTICE_NOT_SERVED)
    assert not documents_for(d.case).filter(kind="case_correction_decision").exists()
    passed_via(channel, d, "chief", "correction_decision", order)
    act = Act.objects.get(kind=Act.Kind.CORRECTION_DECISION)
    assert act.fine_amount is None
    # An order without a fine states no penalty procedure that did not happen.
    document = documents_for(d.case).get(kind="case_correction_decision")
    assert document.data.get("procedure", "") == ""
    assert sla_selectors.open_clock(d.case, clocks.SERVE_DECISION) is not None  # served within 7 working days


@refuses("notice.hearing_right")
@allows("notice.hearing_right")
def test_a_large_fine_must_offer_a_hearing(reported: Driver, channel: str) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=True, fine="60000.00")  # a natural person: the threshold is 50,000 (admin data)
    refused_via(channel, d, "officer", "prior_notice", notice_data(d, hearing_right=False),
                gates.HEARING_RIGHT_REQUIRED)
    passed_via(channel, d, "officer", "prior_notice", notice_data(d, hearing_right=True))
    notice = Act.objects.get(kind=Act.Kind.PRIOR_NOTICE)
    assert notice.fine_amount == Decimal("60000.00") and notice.hearing_right


@refuses("penalty.fine_notified")
@allows("penalty.fine_notified", "penalty.defence_closed", "penalty.legal_review", "penalty.hearing_window_closed")
def test_the_fine_decided_is_the_fine_notified_after_defence_and_review(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d, correctable=True, fine="12000.00")
    clock.set_now(at(2026, 3, 10, 10))
    d.close_defence()
    d.legal_review()
    assert d.active_nodes() == ["correction_decision"]
    order = {"content": "责令限期补办规划许可并改正", "legal_basis": "《城乡规划法》第六十四条"}
    refused_via(channel, d, "chief", "correction_decision", {**order, "fine_amount": "50000.00"},
                gates.FINE_NOT_NOTIFIED)
    passed_via(channel, d, "chief", "correction_decision", {**order, "fine_amount": "12000.00"})
    procedure = documents_for(d.case).get(kind="case_correction_decision").data["procedure"]
    assert "陈述、申辩、要求听证的权利" in procedure and "并经法制审核" in procedure


@refuses("penalty.defence_closed")
@allows("penalty.defence_closed", "penalty.notice_served")
def test_no_defence_closing_or_decision_while_the_defence_period_runs(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 9, 15))  # the 5th working day after service
    refused_via(channel, d, "officer", "defence", {"statement": "申辩"}, gates.DEFENCE_WINDOW_OPEN)
    clock.set_now(at(2026, 3, 10, 9))
    passed_via(channel, d, "officer", "defence", {"statement": "申辩"})
    assert d.active_nodes() == ["legal_review"]


def _short_defence(d: Driver) -> None:
    get_rule(clocks.DEFENCE)
    ClockRule.objects.filter(code=clocks.DEFENCE).update(limit=3)  # admin-set shorter than the hearing window
    to_notice(d)
    clock.set_now(at(2026, 3, 6, 10))
    d.close_defence()
    d.legal_review()
    assert d.active_nodes() == ["decision"]


@refuses("penalty.hearing_window_closed")
@allows("penalty.hearing_window_closed")
def test_no_decision_before_the_hearing_request_window_closes(reported: Driver, channel: str) -> None:
    d = reported
    _short_defence(d)
    refused_via(channel, d, "chief", "decision", DEMOLISH, gates.HEARING_WINDOW_OPEN)
    clock.set_now(at(2026, 3, 10, 10))
    passed_via(channel, d, "chief", "decision", DEMOLISH)


@refuses("penalty.hearing_held")
@allows("penalty.hearing_held", "hearing.pending")
def test_a_timely_hearing_request_blocks_the_decision_until_held(reported: Driver, channel: str) -> None:
    d = reported
    _short_defence(d)
    clock.set_now(at(2026, 3, 9, 16))
    assert d.record("officer", "hearing_request", {"statement": "要求听证"}).status_code == 302
    clock.set_now(at(2026, 3, 10, 10))
    refused_via(channel, d, "chief", "decision", DEMOLISH, gates.HEARING_NOT_HELD)
    clock.set_now(at(2026, 3, 20, 10))
    held = d.record("officer", "hearing_held", {"chair": d.users["leader"].pk, "notified_on": "2026-03-10",
                                                "held_at": now_local(), "minutes": "听证笔录"})
    assert held.status_code == 302
    passed_via(channel, d, "chief", "decision", DEMOLISH)


@refuses("penalty.legal_review", "penalty.collective")
@allows("penalty.legal_review", "penalty.collective")
def test_the_decision_service_refuses_without_review_or_collective_discussion(reported: Driver, channel: str) -> None:
    """The flow never offers the decision before these; if the records are missing the rulebook refuses."""
    d = reported
    to_decision_step(d)
    review = LegalReview.objects.get()
    review.approved = False
    review.save(update_fields=["approved"])
    refused_via(channel, d, "chief", "decision", DEMOLISH, gates.LEGAL_REVIEW_MISSING)
    review.approved = True
    review.save(update_fields=["approved"])
    type(d.case).objects.filter(pk=d.case.pk).update(is_major=True)
    refused_via(channel, d, "chief", "decision", DEMOLISH, gates.COLLECTIVE_DISCUSSION_MISSING)
    CollectiveDiscussion.objects.create(case=d.case, created_by=d.users["chief"], held_at=clock.now(),
                                        participants="局长、分管副局长", conclusion="同意")
    passed_via(channel, d, "chief", "decision", DEMOLISH)


@refuses("penalty.reviewer_independent")
@allows("penalty.reviewer_independent")
def test_the_legal_reviewer_did_not_investigate(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence()
    d.users["officer2"].groups.add(Group.objects.get(name="role:legal"))
    review = {"approved": "yes", "opinion": "同意"}
    refused_via(channel, d, "officer2", "legal_review", review, gates.LEGAL_REVIEWER_INVESTIGATED)
    if channel == "web":  # the web attempt took the task: officer2 puts it back in the queue
        task = open_task(d.case, "legal_review")
        assert d.client("officer2").post(f"/api/tasks/{task.pk}/release/").status_code == 200
    passed_via(channel, d, "legal", "legal_review", review)


# --- Hearings (APL arts. 63–65) -------------------------------------------------------------------


def _hearing_request(channel: str, d: Driver) -> Any:
    if channel == "web":
        return d.record("officer", "hearing_request", {"statement": "要求听证"})
    # The action registry's path (the old /hearing-request/ route is gone).
    return d.client("officer").post(f"/api/cases/{d.case.pk}/actions/hearing_request/", {"statement": "要求听证"})


def _request_refused(channel: str, d: Driver, message: Any) -> None:
    if channel == "web":
        record_refused(d, "officer", "hearing_request", {"statement": "要求听证"}, message)
        return
    before = Defence.objects.count()
    response = _hearing_request(channel, d)
    assert response.status_code == 400
    refusal = response.json()
    assert refusal.get("detail") == str(message) or [str(message)] in refusal.values(), refusal
    assert Defence.objects.count() == before


@refuses("hearing.right_given", "hearing.request_window")
@allows("hearing.right_given", "hearing.request_window")
def test_a_hearing_request_needs_the_right_and_the_window(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d, hearing_right=False)
    _request_refused(channel, d, gates.NO_HEARING_RIGHT)
    Act.objects.filter(kind=Act.Kind.PRIOR_NOTICE).update(hearing_right=True)
    from illegal_building import periods

    periods.start(case=d.case, code=clocks.HEARING_REQUEST, start=at(2026, 3, 2, 10))
    clock.set_now(at(2026, 3, 10, 9))  # the 6th working day after service
    _request_refused(channel, d, gates.HEARING_REQUEST_WINDOW_CLOSED)
    clock.set_now(at(2026, 3, 9, 16))  # (back to) the 5th working day
    assert _hearing_request(channel, d).status_code in (200, 302)
    assert Defence.objects.filter(hearing_requested=True).count() == 1


@refuses("hearing.chair_independent", "hearing.seven_days_notice")
@allows("hearing.chair_independent", "hearing.seven_days_notice")
def test_the_hearing_is_notified_seven_working_days_ahead_and_chaired_independently(
    reported: Driver, channel: str
) -> None:
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    assert d.active_nodes() == ["hearing"]
    hearing = {"chair": d.users["squadlead"].pk, "notified_on": "2026-03-10", "held_at": now_local(),
               "minutes": "听证笔录"}
    refused_via(channel, d, "officer", "hearing", hearing, gates.HEARING_NOTICE_TOO_SHORT)
    refused_via(channel, d, "officer", "hearing", {**hearing, "notified_on": "2026-03-05",
                                                   "chair": d.users["officer2"].pk}, gates.HEARING_CHAIR_INVESTIGATED)
    passed_via(channel, d, "officer", "hearing", {**hearing, "notified_on": "2026-03-05"})
    assert d.active_nodes() == ["legal_review"]


@refuses("hearing.pending")
@allows("hearing.pending")
def test_a_party_may_withdraw_its_pending_hearing_request(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 5, 10))
    record_refused(d, "officer", "hearing_withdrawal", {"statement": "撤回"}, gates.NO_HEARING_PENDING)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    deciding = sla_selectors.open_clock(d.case, clocks.DECISION)
    assert deciding is not None and deciding.is_paused
    passed_via(channel, d, "officer", "hearing", {"withdrawn": "on", "minutes": "当事人书面撤回听证申请"})
    assert HearingWithdrawal.objects.count() == 1
    assert d.active_nodes() == ["legal_review"]
    deciding.refresh_from_db()
    assert not deciding.is_paused


# --- Service of process (APL art. 61 → 民事诉讼法 arts. 87–95) ---------------------------------------


@refuses("service.left_proof", "service.electronic_consent", "service.announcement_last_resort")
@allows("service.left_proof", "service.electronic_consent", "service.announcement_last_resort")
def test_service_methods_need_their_proof_and_announcement_counts_from_30_days_later(
    reported: Driver, channel: str
) -> None:
    d = reported
    d.verify()
    d.step("squadlead", "approve_filing", {"approve": "yes", "comment": "同意立案"})
    refused_via(channel, d, "officer", "stop_order", stop_order_data(d, service_method="left"),
                gates.SERVICE_LEFT_PROOF)
    refused_via(channel, d, "officer", "stop_order", stop_order_data(d, service_method="electronic"),
                gates.SERVICE_ELECTRONIC_CONSENT)
    refused_via(channel, d, "officer", "stop_order", stop_order_data(d, service_method="public"),
                gates.SERVICE_ANNOUNCEMENT_LAST_RESORT)
    assert d.record("officer", "service_consent", {"channel": "zyc@example.com",
                                                   "consented_on": "2026-03-02"}).status_code == 302
    attempt = {"act_kind": "stop_order", "method": "direct", "attempted_at": now_local(), "reason": "无人在家"}
    assert d.record("officer", "service_attempt", attempt).status_code == 302
    passed_via(channel, d, "officer", "stop_order", stop_order_data(d, service_method="public"))
    record = ServiceRecord.objects.get()
    assert record.deemed_served_at == record.served_at + dt.timedelta(days=30)
    permits = sla_selectors.open_clock(d.case, clocks.PERMITS)
    assert permits is not None and permits.start_date == dt.date(2026, 4, 1)


@allows("service.left_proof", "service.electronic_consent")
def test_lodged_and_electronic_service_with_their_proof(reported: Driver, channel: str) -> None:
    d = reported
    d.verify()
    d.step("squadlead", "approve_filing", {"approve": "yes", "comment": "同意立案"})
    lodged = stop_order_data(d, service_method="left", witnesses="社区主任 付某某")
    passed_via(channel, d, "officer", "stop_order", lodged)
    d.investigate(correctable=False)
    d.record("officer", "service_consent", {"channel": "13800000000", "consented_on": "2026-03-02"})
    passed_via(channel, d, "officer", "prior_notice", notice_data(d, service_method="electronic"))
    assert set(ServiceRecord.objects.values_list("method", flat=True)) == {"left", "electronic"}


# --- After the decision ----------------------------------------------------------------------------


@refuses("decision.in_force", "decision.compliance_deadline")
@allows("decision.in_force", "decision.compliance_deadline")
def test_non_compliance_only_after_the_deadline_of_a_decision_in_force(reported: Driver, channel: str) -> None:
    d = reported
    to_decision_step(d)
    d.decide()
    d.disclose()
    check = {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "未拆除", "complied": "no"}
    clock.set_now(at(2026, 3, 27, 10))
    refused_via(channel, d, "officer", "site_check", check, gates.COMPLIANCE_DEADLINE_OPEN)
    clock.set_now(at(2026, 4, 8, 10))
    decision = Act.objects.get(kind=Act.Kind.DEMOLITION_DECISION)
    Act.objects.filter(pk=decision.pk).update(revoked_at=clock.now())
    refused_via(channel, d, "officer", "site_check", check, gates.DECISION_REVOKED)
    Act.objects.filter(pk=decision.pk).update(revoked_at=None)
    passed_via(channel, d, "officer", "site_check", check)
    assert d.active_nodes() == ["reminder"]


@refuses("reminder.period_over")
@allows("reminder.period_over")
def test_no_coercive_step_before_the_reminder_period_ends(reported: Driver, channel: str) -> None:
    d = reported
    to_decision_step(d)
    d.decide()
    d.disclose()
    clock.set_now(at(2026, 4, 8, 10))
    assert d.site_check(complied=False).status_code == 302
    d.step("officer", "reminder", {"content": "催告", **d.service()})
    check = {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "未拆", "complied": "no"}
    clock.set_now(at(2026, 4, 15, 10))
    refused_via(channel, d, "officer", "reminder_check", check, gates.REMINDER_WINDOW_OPEN)
    clock.set_now(at(2026, 4, 23, 10))
    passed_via(channel, d, "officer", "reminder_check", {**check, "inspected_at": now_local()})
    assert d.active_nodes() == ["coercive_decision"]


# --- Finality before coercive execution (ACL art. 44; 行政诉讼法 arts. 45, 85) -----------------------


def _challenge(d: Driver, kind: str, filed_on: str) -> int:
    response = d.client("legal").post(f"/api/cases/{d.case.pk}/challenges/",
                                      {"kind": kind, "filed_on": filed_on, "body": "昭通市人民政府"},
                                      content_type="application/json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _outcome(d: Driver, challenge: int, outcome: str, on: str, served: str | None) -> Any:
    body = {"outcome": outcome, "outcome_on": on, "note": "维持", **({"outcome_served_on": served} if served else {})}
    return d.client("legal").post(f"/api/cases/{d.case.pk}/challenges/{challenge}/outcome/", body,
                                  content_type="application/json")


@refuses("finality.periods_lapsed", "coercive.government_order")
@allows("finality.periods_lapsed", "coercive.government_order", "finality.no_pending_challenge")
def test_coercive_decision_only_once_final_and_ordered_by_the_government(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    clock.set_now(at(2026, 6, 1, 10))  # review period over (15 May), lawsuit period runs until 16 September
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.CHALLENGE_PERIODS_OPEN)
    clock.set_now(at(2026, 9, 17, 10))
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.GOVERNMENT_ORDER_MISSING)
    record_government_order(d)
    passed_via(channel, d, "leader", "coercive_decision", coercive_data())
    announcement = documents_for(d.case).get(kind="case_announcement")
    assert announcement.data["finality"] == "当事人在法定期限内未申请行政复议或者提起行政诉讼，又未自行拆除。"


@refuses("finality.no_pending_challenge", "finality.lawsuit_after_review")
@allows("finality.lawsuit_after_review")
def test_after_a_review_in_the_bureaus_favour_the_party_has_15_days_to_sue(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d)
    review = _challenge(d, "review", "2026-04-24")
    clock.set_now(at(2026, 9, 21, 10))
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.CHALLENGE_PENDING)
    assert _outcome(d, review, "upheld", "2026-09-10", None).status_code == 409  # the service date is required
    assert _outcome(d, review, "upheld", "2026-09-10", "2026-09-14").status_code == 200
    assert Challenge.objects.get(pk=review).outcome_served_on == dt.date(2026, 9, 14)
    # 15 days from service on 14 September: until 29 September.
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.LAWSUIT_AFTER_REVIEW_OPEN)
    page = d.client("leader").get(f"/api/cases/{d.case.pk}/").json()
    (state,) = [r for r in page["rules"] if r["code"] == "finality.lawsuit_after_review"]
    assert state["state"] == "not_yet" and state["from_date"] == "2026-09-30"
    assert "行政诉讼法" in state["article"]
    clock.set_now(at(2026, 9, 30, 10))
    passed_via(channel, d, "leader", "coercive_decision", coercive_data(final_deadline="2026-10-09"))
    assert "复议" in documents_for(d.case).get(kind="case_announcement").data["finality"]


@refuses("finality.appeal_window")
@allows("finality.appeal_window")
def test_after_a_first_instance_judgment_the_party_has_15_days_to_appeal(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d)
    lawsuit = _challenge(d, "lawsuit", "2026-05-06")
    assert _outcome(d, lawsuit, "upheld", "2026-09-18", "2026-09-18").status_code == 200
    clock.set_now(at(2026, 9, 21, 10))
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.APPEAL_WINDOW_OPEN)
    clock.set_now(at(2026, 10, 9, 10))  # 3 October fell in the National Day holiday: the period ran to the 8th
    passed_via(channel, d, "leader", "coercive_decision",
               coercive_data(final_deadline="2026-10-10", execution_date="2026-10-13"))


@refuses("coercive.dates", "execution.planned_by_day", "execution.planned_working_day")
@allows("coercive.dates", "execution.planned_by_day", "execution.planned_working_day")
def test_the_execution_is_validated_when_planned(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d)
    clock.set_now(at(2026, 9, 17, 10))
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(final_deadline="2026-10-20"),
                gates.EXECUTION_DATES)
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(execution_date="2026-10-03"),
                gates.PLANNED_ON_HOLIDAY)
    refused_via(channel, d, "leader", "coercive_decision",
                coercive_data(execution_start="20:00", execution_end="23:00"), gates.PLANNED_AT_NIGHT)
    refused_via(channel, d, "leader", "coercive_decision",
                coercive_data(execution_start="05:00", execution_end="09:00"), gates.PLANNED_AT_NIGHT)
    # A recorded emergency, signed by the bureau leader, allows the night.
    passed_via(channel, d, "leader", "coercive_decision",
               coercive_data(execution_start="20:00", execution_end="23:00",
                             emergency_reason="违法建筑存在倒塌危险，危及周边居民安全"))
    coercive = Act.objects.get(kind=Act.Kind.COERCIVE_DECISION)
    assert coercive.emergency_reason and coercive.signed_by == d.users["leader"]
    assert Act.objects.get(kind=Act.Kind.ANNOUNCEMENT).last_day == dt.date(2026, 9, 30)


@allows("execution.planned_by_day", "execution.planned_working_day")
def test_a_daytime_working_day_plan_passes(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d)
    clock.set_now(at(2026, 9, 17, 10))
    passed_via(channel, d, "leader", "coercive_decision", coercive_data(execution_start="06:00",
                                                                        execution_end="22:00"))


@refuses("execution.announced", "execution.by_day", "execution.working_day")
@allows("execution.announced", "execution.by_day", "execution.working_day", "finality.periods_lapsed",
        "finality.no_pending_challenge", "decision.in_force", "coercive.government_order", "officers.two")
def test_forced_demolition_after_the_announcement_by_day_on_a_working_day(reported: Driver, channel: str) -> None:
    d = reported
    to_coercive(d)  # announcement's last day 30 September, execution planned Monday 12 October
    clock.set_now(at(2026, 10, 12, 23, 30))
    refused_via(channel, d, "officer", "execute", execute_data(d, local(at(2026, 9, 30, 10))),
                gates.EXECUTION_BEFORE_LAST_DAY)
    refused_via(channel, d, "officer", "execute", execute_data(d, local(at(2026, 10, 12, 22, 30))),
                gates.EXECUTION_AT_NIGHT)
    refused_via(channel, d, "officer", "execute", execute_data(d, local(at(2026, 10, 11, 10))),
                gates.EXECUTION_ON_HOLIDAY)
    refused_via(channel, d, "officer", "execute", {**execute_data(d, local(at(2026, 10, 12, 10))),
                                                   "officer2": d.users["officer"].pk}, gates.TWO_OFFICERS)
    passed_via(channel, d, "officer", "execute", execute_data(d, local(at(2026, 10, 12, 9, 30))))
    assert Execution.objects.count() == 1
    assert d.active_nodes() == ["closing_report"]


def test_the_case_page_and_api_show_each_rule_of_the_next_act(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 5, 10))
    if channel == "web":
        page = d.client("officer").get(f"/cases/cases/{d.case.pk}/").content.decode()
        assert 'data-rule="penalty.defence_closed"' in page and 'data-state="not_yet"' in page
        assert "2026-03-10" in page and "《中华人民共和国行政处罚法》第四十五条第一款" in page
        return
    rules = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()["rules"]
    (state,) = [r for r in rules if r["code"] == "penalty.defence_closed"]
    assert state == {
        "code": "penalty.defence_closed", "act": "defence", "title": "陈述申辩期限届满",
        "article": "《中华人民共和国行政处罚法》第四十五条第一款、《中华人民共和国行政处罚法》第六十二条",
        "state": "not_yet", "from_date": "2026-03-10", "detail": str(gates.DEFENCE_WINDOW_OPEN),
    }


def test_a_date_in_a_year_without_holiday_schedule_is_a_readable_refusal(reported: Driver, channel: str) -> None:
    """Hearing notice counted into 2031, a year nobody has entered: refused in words, never a 500."""
    d = reported
    to_notice(d)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    hearing = {"chair": d.users["squadlead"].pk, "notified_on": "2031-12-30", "held_at": local(at(2032, 1, 20, 10)),
               "minutes": "听证笔录"}
    if channel == "web":
        d.take("officer", "hearing")
    task = open_task(d.case, "hearing")
    if channel == "web":
        response = d.client("officer").post(f"/cases/{task.process_id}/hearing/{task.pk}/execute/", hearing)
        assert response.status_code == 200
        assert "2031" in response.content.decode()
    else:
        response = d.client("officer").post(f"/api/tasks/{task.pk}/complete/", hearing,
                                            content_type="application/json")
        assert response.status_code == 400
        assert "2031" in str(response.json())
    assert d.active_nodes() == ["hearing"]

