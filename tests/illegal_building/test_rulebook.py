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
    Hearing,
    HearingWithdrawal,
    InquiryRecord,
    LegalReview,
    ServiceRecord,
)
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import ClockRule
from workflows.sla.rules import get_rule

from .helpers import Driver, at, local, now_local, open_task
from .rulebook_support import (
    CHANNELS,
    allows,
    passed_via,
    record_refused_via,
    recorded_via,
    refused_via,
    refuses,
    writes_nothing,
)
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


def to_notice(
    d: Driver, *, correctable: bool = False, fine: str = "", hearing_right: bool = True, major: bool = False
) -> None:
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=correctable, fine=fine, major=major)
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
    recorded_via(channel, d, "officer", "planning_opinion", {"authority": "昭阳区自然资源局", "correctable": "no",
                                                             "opinion": "无法改正", "received_on": "2026-03-02"})
    passed_via(channel, d, "officer", "investigate", {"summary": "调查终结"})
    assert d.active_nodes() == ["prior_notice"]


@refuses("officers.two")
@allows("officers.two")
def test_an_inquiry_record_needs_a_second_certified_officer(reported: Driver, channel: str) -> None:
    """A record act, not a step: the case-page form (web) and ``/api/cases/{id}/actions/inquiry/``."""
    d = reported
    d.verify()
    d.file_and_stop()
    inquiry = {"officer2": d.users["officer2"].pk, "interviewee": "甄有才", "asked_at": now_local(),
               "content": "问：房屋何时搭建？答：今年二月。"}
    record_refused_via(channel, d, "officer", "inquiry", {**inquiry, "officer2": d.users["officer"].pk},
                       gates.TWO_OFFICERS)
    record_refused_via(channel, d, "officer", "inquiry", {**inquiry, "officer2": d.users["legal"].pk},
                       gates.TWO_OFFICERS)  # no enforcement certificate
    recorded_via(channel, d, "officer", "inquiry", inquiry)
    assert InquiryRecord.objects.filter(case=d.case).count() == 1


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
    """The administrator sets the defence period to 3 working days, shorter than the hearing window."""
    url = f"/admin/sla/clockrule/{get_rule(clocks.DEFENCE).pk}/change/"
    form = d.client("admin").get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if name in form.fields and value is not None and value is not False}  # unticked boxes are not posted
    response = d.client("admin").post(url, {**data, "limit": 3})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert ClockRule.objects.get(code=clocks.DEFENCE).limit == 3
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


def _returned_and_ordered_to_correct(d: Driver, channel: str, *, major: bool) -> None:
    """A 12,000-yuan fine goes through notice and defence; the legal reviewer returns the case; the
    officer re-investigates and the case is routed to an order to correct without a fine — where the
    chief then tries to add the fine back. Every record comes from its step, over ``channel``."""
    to_notice(d, correctable=True, fine="12000.00")
    clock.set_now(at(2026, 3, 16, 10))
    passed_via(channel, d, "officer", "defence", {"statement": "当事人称系自用"})
    passed_via(channel, d, "legal", "legal_review", {"approved": "no", "opinion": "罚款依据不足，退回补充调查"})
    assert d.active_nodes() == ["investigate"]
    recorded_via(channel, d, "officer", "planning_opinion", {
        "authority": "昭阳区自然资源局", "correctable": "yes", "opinion": "可采取改正措施",
        "received_on": clock.today().isoformat(),
    })
    passed_via(channel, d, "officer", "investigate",
               {"summary": "补充调查终结", **({"is_major": "on"} if major else {})})
    assert d.active_nodes() == ["correction_decision"]


CORRECTION_ORDER = {"content": "责令限期补办规划许可并改正", "legal_basis": "《城乡规划法》第六十四条"}


@refuses("penalty.legal_review")
def test_a_fine_the_legal_reviewer_returned_is_refused_an_order_alone_passes(reported: Driver, channel: str) -> None:
    d = reported
    _returned_and_ordered_to_correct(d, channel, major=False)
    refused_via(channel, d, "chief", "correction_decision", {**CORRECTION_ORDER, "fine_amount": "12000.00"},
                gates.LEGAL_REVIEW_MISSING)
    passed_via(channel, d, "chief", "correction_decision", CORRECTION_ORDER)
    assert Act.objects.get(kind=Act.Kind.CORRECTION_DECISION).fine_amount is None


@refuses("penalty.collective")
def test_a_fine_in_a_major_case_needs_the_collective_discussion(reported: Driver, channel: str) -> None:
    d = reported
    _returned_and_ordered_to_correct(d, channel, major=True)
    refused_via(channel, d, "chief", "correction_decision", {**CORRECTION_ORDER, "fine_amount": "12000.00"},
                gates.COLLECTIVE_DISCUSSION_MISSING)
    assert not CollectiveDiscussion.objects.exists()


@allows("penalty.legal_review", "penalty.collective")
def test_a_major_case_is_decided_after_review_and_collective_discussion(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d, major=True)
    clock.set_now(at(2026, 3, 16, 10))
    passed_via(channel, d, "officer", "defence", {"statement": "当事人称系自用"})
    passed_via(channel, d, "legal", "legal_review", {"approved": "yes", "opinion": "事实清楚，程序合法"})
    assert d.active_nodes() == ["collective"]
    passed_via(channel, d, "chief", "collective", {"held_at": now_local(), "participants": "局长、分管副局长",
                                                   "conclusion": "同意责令限期拆除"})
    assert LegalReview.objects.get().approved and CollectiveDiscussion.objects.count() == 1
    passed_via(channel, d, "chief", "decision", DEMOLISH)
    assert Act.objects.filter(kind=Act.Kind.DEMOLITION_DECISION).count() == 1


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


REQUEST = {"statement": "要求听证"}


@refuses("hearing.right_given")
def test_no_hearing_request_without_the_right(reported: Driver, channel: str) -> None:
    """A record act: the case-page form (web) and ``/api/cases/{id}/actions/hearing_request/``."""
    d = reported
    to_notice(d, hearing_right=False)
    clock.set_now(at(2026, 3, 4, 10))
    record_refused_via(channel, d, "officer", "hearing_request", REQUEST, gates.NO_HEARING_RIGHT)
    if channel == "api":  # the old per-act route is gone: the action registry is the one path
        with writes_nothing(d.case):
            response = d.client("officer").post(f"/api/cases/{d.case.pk}/hearing-request/", REQUEST)
        assert response.status_code == 404


@refuses("hearing.request_window")
@allows("hearing.right_given", "hearing.request_window")
def test_a_hearing_request_only_within_its_window(reported: Driver, channel: str) -> None:
    d = reported
    to_notice(d)  # served Monday 2 March: the request window runs 5 working days, to 9 March
    clock.set_now(at(2026, 3, 10, 9))
    record_refused_via(channel, d, "officer", "hearing_request", REQUEST, gates.HEARING_REQUEST_WINDOW_CLOSED)
    clock.set_now(at(2026, 3, 9, 16))  # (back to) the 5th working day: nothing was written meanwhile
    recorded_via(channel, d, "officer", "hearing_request", REQUEST)
    assert Defence.objects.filter(hearing_requested=True).count() == 1
    deciding = sla_selectors.open_clock(d.case, clocks.DECISION)
    assert deciding is not None and deciding.is_paused  # the hearing does not count in the 90 days
    record_refused_via(channel, d, "officer", "hearing_request", REQUEST, gates.HEARING_ALREADY_REQUESTED)


@refuses("hearing.pending", "hearing.chair_independent", "hearing.seven_days_notice", "penalty.hearing_held")
@allows("hearing.pending", "hearing.chair_independent", "hearing.seven_days_notice", "penalty.hearing_held")
def test_a_timely_hearing_request_blocks_the_decision_until_held(reported: Driver, channel: str) -> None:
    """Requested after the defence step, the hearing is held from the case page (web form or API action)."""
    d = reported
    _short_defence(d)  # defence closed and reviewed on 6 March; the request window runs to 9 March
    held = {"chair": d.users["leader"].pk, "notified_on": "2026-03-10", "held_at": now_local(), "minutes": "听证笔录"}
    record_refused_via(channel, d, "officer", "hearing_held", held, gates.NO_HEARING_PENDING)
    clock.set_now(at(2026, 3, 9, 16))
    recorded_via(channel, d, "officer", "hearing_request", REQUEST)
    clock.set_now(at(2026, 3, 10, 10))
    refused_via(channel, d, "chief", "decision", DEMOLISH, gates.HEARING_NOT_HELD)
    clock.set_now(at(2026, 3, 20, 10))
    held = {**held, "held_at": now_local()}
    record_refused_via(channel, d, "officer", "hearing_held", {**held, "notified_on": "2026-03-16"},
                       gates.HEARING_NOTICE_TOO_SHORT)
    record_refused_via(channel, d, "officer", "hearing_held", {**held, "chair": d.users["officer2"].pk},
                       gates.HEARING_CHAIR_INVESTIGATED)
    recorded_via(channel, d, "officer", "hearing_held", held)
    assert Hearing.objects.get().chair == d.users["leader"]
    passed_via(channel, d, "chief", "decision", DEMOLISH)


@allows("hearing.pending", "penalty.hearing_window_closed")
def test_a_withdrawn_late_request_no_longer_blocks_the_decision(reported: Driver, channel: str) -> None:
    d = reported
    _short_defence(d)
    clock.set_now(at(2026, 3, 9, 16))
    recorded_via(channel, d, "officer", "hearing_request", REQUEST)
    recorded_via(channel, d, "officer", "hearing_withdrawal", {"statement": "当事人书面撤回听证申请"})
    assert HearingWithdrawal.objects.count() == 1
    deciding = sla_selectors.open_clock(d.case, clocks.DECISION)
    assert deciding is not None and not deciding.is_paused
    clock.set_now(at(2026, 3, 10, 10))
    passed_via(channel, d, "chief", "decision", DEMOLISH)


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
    record_refused_via(channel, d, "officer", "hearing_withdrawal", {"statement": "撤回"}, gates.NO_HEARING_PENDING)
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
    recorded_via(channel, d, "officer", "service_consent", {"channel": "zyc@example.com",
                                                            "consented_on": "2026-03-02"})
    attempt = {"act_kind": "stop_order", "method": "direct", "attempted_at": now_local(), "reason": "无人在家"}
    recorded_via(channel, d, "officer", "service_attempt", attempt)
    passed_via(channel, d, "officer", "stop_order", stop_order_data(d, service_method="public"))
    record = ServiceRecord.objects.get()
    assert record.deemed_served_at == record.served_at + dt.timedelta(days=30)
    permits = sla_selectors.open_clock(d.case, clocks.PERMITS)
    assert permits is not None and permits.start_date == dt.date(2026, 4, 1)


@refuses("service.electronic_consent")
@allows("service.left_proof", "service.electronic_consent")
def test_lodged_and_electronic_service_with_their_proof(reported: Driver, channel: str) -> None:
    d = reported
    d.verify()
    d.step("squadlead", "approve_filing", {"approve": "yes", "comment": "同意立案"})
    lodged = stop_order_data(d, service_method="left", witnesses="社区主任 付某某")
    passed_via(channel, d, "officer", "stop_order", lodged)
    d.investigate(correctable=False)
    clock.set_now(at(2026, 3, 3, 10))
    recorded_via(channel, d, "officer", "service_consent", {"channel": "13800000000", "consented_on": "2026-03-03"})
    # Sent on 2 March, consent given on the 3rd: consent after the fact does not make service lawful.
    refused_via(channel, d, "officer", "prior_notice",
                notice_data(d, service_method="electronic", served_at=local(at(2026, 3, 2, 15))),
                gates.SERVICE_ELECTRONIC_CONSENT_LATE)
    passed_via(channel, d, "officer", "prior_notice", notice_data(d, service_method="electronic"))
    assert set(ServiceRecord.objects.values_list("method", flat=True)) == {"left", "electronic"}


# --- After the decision ----------------------------------------------------------------------------


CHECK = {"findings": "未拆除", "complied": "no"}


@refuses("decision.compliance_deadline")
@allows("decision.in_force", "decision.compliance_deadline")
def test_non_compliance_only_after_the_deadline_of_a_decision_in_force(reported: Driver, channel: str) -> None:
    d = reported
    to_decision_step(d)
    d.decide()
    d.disclose()
    check = {**CHECK, "officer2": d.users["officer2"].pk, "inspected_at": now_local()}
    clock.set_now(at(2026, 3, 27, 10))
    refused_via(channel, d, "officer", "site_check", check, gates.COMPLIANCE_DEADLINE_OPEN)
    clock.set_now(at(2026, 4, 8, 10))
    passed_via(channel, d, "officer", "site_check", check)
    assert d.active_nodes() == ["reminder"]


@refuses("decision.in_force", "service.announcement_last_resort")
@allows("decision.in_force", "service.announcement_last_resort")
def test_a_decision_served_by_announcement_is_in_force_30_days_after_publication(
    reported: Driver, channel: str
) -> None:
    """民事诉讼法 art. 95: no site check against a decision that is not yet deemed served."""
    d = reported
    to_decision_step(d)
    passed_via(channel, d, "chief", "decision", DEMOLISH)
    announced = {**d.service("公告送达"), "service_method": "public"}
    refused_via(channel, d, "officer", "serve_decision", announced, gates.SERVICE_ANNOUNCEMENT_LAST_RESORT)
    recorded_via(channel, d, "officer", "service_attempt", {"act_kind": "demolition_decision", "method": "post",
                                                            "attempted_at": now_local(), "reason": "邮件被退回"})
    passed_via(channel, d, "officer", "serve_decision", announced)  # published 16 March: served 15 April
    passed_via(channel, d, "officer", "disclose", {"summary": "责令限期拆除楼顶违法建筑"})
    clock.set_now(at(2026, 4, 14, 10))
    check = {**CHECK, "officer2": d.users["officer2"].pk, "inspected_at": now_local()}
    refused_via(channel, d, "officer", "site_check", check, gates.DECISION_NOT_SERVED)
    page = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()
    (state,) = [r for r in page["rules"] if r["code"] == "decision.in_force"]
    assert state["state"] == "not_yet" and state["from_date"] == "2026-04-15"
    (comply,) = [c for c in page["clocks"] if c["rule"] == clocks.COMPLY]
    due = dt.date.fromisoformat(comply["due_date"])
    assert due > dt.date(2026, 4, 15)  # the deadline runs from the deemed service
    clock.set_now(at(due.year, due.month, due.day, 10) + dt.timedelta(days=1))
    passed_via(channel, d, "officer", "site_check", {**check, "inspected_at": now_local()})
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
    # Ordered on 20 March, before the decision's deadline (7 April) had passed: not the order art. 68 means.
    record_government_order(d, channel, issued_on="2026-03-20")
    refused_via(channel, d, "leader", "coercive_decision", coercive_data(), gates.GOVERNMENT_ORDER_TOO_EARLY)
    record_government_order(d, channel)
    passed_via(channel, d, "leader", "coercive_decision", coercive_data())
    announcement = documents_for(d.case).get(kind="case_announcement")
    assert announcement.data["finality"] == "当事人在法定期限内未申请行政复议或者提起行政诉讼，又未自行拆除。"


@refuses("finality.no_pending_challenge", "finality.lawsuit_after_review")
@allows("finality.lawsuit_after_review")
def test_after_a_review_in_the_bureaus_favour_the_party_has_15_days_to_sue(reported: Driver, channel: str) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d, channel)
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
    record_government_order(d, channel)
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
    record_government_order(d, channel)
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
    record_government_order(d, channel)
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

