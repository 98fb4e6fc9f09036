"""Every path of a case, driven over HTTP by the role users, with time moved by workflows.clock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.html import escape
from viewflow.workflow.status import PROCESS

from illegal_building import clocks, gates
from illegal_building.models import (
    Act,
    Case,
    Challenge,
    ClosingReport,
    Disclosure,
    EvidenceFile,
    Execution,
    SiteInspection,
)
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.documents.services import documents_render_pending
from workflows.models import AuditEntry
from workflows.sla import selectors as sla_selectors

from .helpers import Driver, at, local, now_local
from .rulebook_support import recorded_via

pytestmark = pytest.mark.django_db


def to_decision(d: Driver) -> None:
    """Report → verified → filed → stopped → not correctable → prior notice → defence → review → decision."""
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    d.prior_notice()
    clock.set_now(at(2026, 3, 16, 10))  # defence period (5 working days from 2 March) is over
    d.close_defence()
    d.legal_review()
    d.decide()  # served 16 March: 15 working days to comply, until 7 April


def test_report_by_patrol_starts_the_case_with_its_photo_hash(reported: Driver) -> None:
    case = reported.case
    assert case.stage == Case.Stage.REPORTED
    assert case.reported_by == reported.users["patrol"]
    evidence = EvidenceFile.objects.get(case=case)
    with evidence.file.open("rb") as handle:
        import hashlib

        assert hashlib.sha256(handle.read()).hexdigest() == evidence.sha256
    assert evidence.device == "巡查终端 HW-07"
    assert reported.active_nodes() == ["verify"]


def test_not_illegal_closes_the_case(reported: Driver) -> None:
    reported.verify(illegal=False)
    case = reported.refresh()
    assert case.stage == Case.Stage.CLOSED
    assert case.case_number is None
    assert case.close_reason == "已取得建设工程规划许可证"
    assert reported.active_nodes() == []
    assert case.process.status == PROCESS.DONE


def test_correctable_case_is_ordered_to_correct_with_a_fine_then_closed(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    assert d.case.case_number and d.case.case_number.startswith("昭阳")
    # A fine is a penalty: the correctable case goes through the prior notice, defence and legal review.
    d.investigate(correctable=True, fine="12000.00")
    assert d.active_nodes() == ["prior_notice"]
    d.prior_notice(hearing_right=False)
    notice = Act.objects.get(case=d.case, kind=Act.Kind.PRIOR_NOTICE)
    assert notice.fine_amount == Decimal("12000.00")
    clock.set_now(at(2026, 3, 10, 10))  # the defence period (5 working days from 2 March) is over
    d.close_defence()
    d.legal_review()
    assert d.active_nodes() == ["correction_decision"]
    d.step(
        "chief",
        "correction_decision",
        {
            "content": "责令限期补办规划许可并改正",
            "legal_basis": "《城乡规划法》第六十四条",
            "fine_amount": "12000.00",
        },
    )
    d.step("officer", "serve_correction", d.service())
    act = Act.objects.get(case=d.case, kind=Act.Kind.CORRECTION_DECISION)
    assert act.fine_amount == Decimal("12000.00")
    assert act.signed_by == d.users["chief"]
    comply = sla_selectors.open_clock(d.case, clocks.COMPLY)
    assert comply is not None and comply.due_date > clock.today()
    decision_doc = documents_for(d.case).get(kind="case_correction_decision")
    assert "并经法制审核" in decision_doc.data["procedure"]
    clock.set_now(at(2026, 3, 20, 10))
    response = d.attempt(
        "officer",
        "correction_check",
        {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "已改正", "complied": "yes"},
    )
    assert response.status_code == 302
    d.close()
    case = d.refresh()
    assert case.stage == Case.Stage.ARCHIVED
    assert ClosingReport.objects.get(case=case).approved_by == d.users["squadlead"]
    assert d.active_nodes() == []


def test_voluntary_demolition_after_the_decision(reported: Driver) -> None:
    d = reported
    to_decision(d)
    decision = Act.objects.get(case=d.case, kind=Act.Kind.DEMOLITION_DECISION)
    assert decision.served_at is not None
    assert decision.signed_by == d.users["chief"]
    d.disclose()
    clock.set_now(at(2026, 3, 25, 10))
    # Compliance may be recorded before the deadline; the case then goes to its closing report.
    assert d.site_check(complied=True).status_code == 302
    assert d.active_nodes() == ["closing_report"]
    d.close()
    assert d.refresh().stage == Case.Stage.ARCHIVED


def test_demolished_after_the_reminder(reported: Driver) -> None:
    d = reported
    to_decision(d)
    d.disclose()
    clock.set_now(at(2026, 4, 8, 10))  # 15 working days from 16 March (Qingming skipped) ended on 7 April
    assert d.site_check(complied=False).status_code == 302
    d.step("officer", "reminder", {"content": "催告于十日内自行拆除", **d.service()})
    assert sla_selectors.open_clock(d.case, clocks.REMINDER) is not None
    clock.set_now(at(2026, 4, 15, 10))  # before the reminder's deadline (22 April): compliance only
    response = d.attempt(
        "officer",
        "reminder_check",
        {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "已拆除", "complied": "yes"},
    )
    assert response.status_code == 302
    assert d.active_nodes() == ["closing_report"]
    d.close()
    assert d.refresh().stage == Case.Stage.ARCHIVED


def to_reminder_over(d: Driver) -> None:
    """Through the reminder, whose 10 working days are over on 23 April; the coercive decision is next."""
    to_decision(d)
    d.disclose()
    clock.set_now(at(2026, 4, 8, 10))  # 15 working days from 16 March (Qingming skipped) ended on 7 April
    assert d.site_check(complied=False).status_code == 302
    d.step("officer", "reminder", {"content": "催告于十日内自行拆除", **d.service()})
    clock.set_now(at(2026, 4, 23, 10))  # the reminder's 10 working days are over
    response = d.attempt(
        "officer",
        "reminder_check",
        {"officer2": d.users["officer2"].pk, "inspected_at": now_local(), "findings": "仍未拆除", "complied": "no"},
    )
    assert response.status_code == 302


def record_government_order(d: Driver, channel: str = "web", issued_on: str = "") -> None:
    """责成 on record: the case-page form (web) or ``/api/cases/{id}/actions/government_order/``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import png_bytes

    recorded_via(
        channel,
        d,
        "officer",
        "government_order",
        {"issuer": "昭阳区人民政府", "number": "昭区政责〔2026〕3号",
         "issued_on": issued_on or clock.today().isoformat(),
         "scan": SimpleUploadedFile("order.png", png_bytes(), content_type="image/png")},
    )


def coercive_data(**changes: str) -> dict[str, str]:
    return {
        "content": "决定依法强制拆除",
        "legal_basis": "《行政强制法》第三十七条、第四十四条",
        "defence_considered": "当事人未提出陈述申辩",
        "announcement": "限当事人于公告确定的期限内自行拆除，逾期依法强制拆除",
        "final_deadline": "2026-09-30",
        "execution_date": "2026-10-12",
        "execution_start": "09:00",
        "execution_end": "17:00",
        **changes,
    }


def to_coercive(d: Driver) -> None:
    """The decision is final on 17 September (6 months from service on 16 March ended on the 16th);
    the government's order is on record; the leader plans execution for Monday 12 October."""
    to_reminder_over(d)
    record_government_order(d)
    clock.set_now(at(2026, 9, 17, 10))
    d.step("leader", "coercive_decision", coercive_data())
    d.step("officer", "serve_coercive", d.service())


def execute_data(d: Driver, when: str) -> dict[str, object]:
    return {
        "officer2": d.users["officer2"].pk,
        "executed_at": when,
        "plan": "强制拆除实施方案",
        "record": "依法拆除彩钢板房约60平方米",
        "inventory": "屋内物品清点后交由当事人",
        "witnesses": "社区主任 付某某",
    }


def test_forced_demolition_only_after_the_waiting_periods(reported: Driver) -> None:
    d = reported
    to_coercive(d)
    assert Act.objects.get(case=d.case, kind=Act.Kind.COERCIVE_DECISION).signed_by == d.users["leader"]

    clock.set_now(at(2026, 10, 12, 23, 30))
    night = d.attempt("officer", "execute", execute_data(d, local(at(2026, 10, 12, 22, 30))))
    assert escape(str(gates.EXECUTION_AT_NIGHT)) in night.content.decode()
    assert not Execution.objects.exists()

    d.step("officer", "execute", execute_data(d, local(at(2026, 10, 12, 9, 30))))
    execution = Execution.objects.get(case=d.case)
    assert execution.officer2 == d.users["officer2"]
    assert d.active_nodes() == ["closing_report"]
    d.close()
    case = d.refresh()
    assert case.stage == Case.Stage.ARCHIVED
    kinds = set(documents_for(case).values_list("kind", flat=True))
    assert kinds == {
        "case_site_inspection", "case_stop_order", "case_service_record", "case_prior_notice", "case_legal_review",
        "case_demolition_decision", "case_reminder", "case_coercive_decision", "case_announcement",
        "case_closing_report",
    }
    decision_doc = documents_for(case).get(kind="case_demolition_decision")
    assert decision_doc.number == Act.objects.get(case=case, kind=Act.Kind.DEMOLITION_DECISION).document_number
    assert decision_doc.issued_by == d.users["chief"]
    detail = d.client("squadlead").get(f"/api/cases/{case.pk}/").json()
    assert {doc["kind"] for doc in detail["documents"]} == kinds
    # PDFs are rendered after commit by the worker; this test never commits, so it runs the
    # worker's job itself before downloading.
    assert d.client("officer").get(decision_doc.get_download_url()).status_code == 202
    documents_render_pending()
    assert d.client("officer").get(decision_doc.get_download_url()).status_code == 200
    actions = set(AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"case.report", "case.verify", "case.file", "case.demolition_decision", "case.execute"} <= actions


def test_a_pending_challenge_blocks_execution_until_it_ends_in_the_bureaus_favour(reported: Driver) -> None:
    d = reported
    to_reminder_over(d)
    record_government_order(d)
    api = d.client("legal")
    response = api.post(
        f"/api/cases/{d.case.pk}/challenges/",
        {"kind": "lawsuit", "filed_on": "2026-04-20", "body": "昭阳区人民法院"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    challenge_id = response.json()["id"]

    clock.set_now(at(2026, 9, 21, 10))  # both periods are over, but the lawsuit is pending
    blocked = d.attempt("leader", "coercive_decision", coercive_data())
    assert escape(str(gates.CHALLENGE_PENDING)) in blocked.content.decode()
    assert not Act.objects.filter(kind=Act.Kind.COERCIVE_DECISION).exists()
    detail = d.client("officer").get(f"/api/cases/{d.case.pk}/").json()
    assert [g["open"] for g in detail["gates"] if g["code"] == "coercive_decision"] == [False]

    response = api.post(
        f"/api/cases/{d.case.pk}/challenges/{challenge_id}/outcome/",
        {"outcome": "upheld", "outcome_on": "2026-09-18", "outcome_served_on": "2026-09-18",
         "note": "判决驳回原告诉讼请求"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Challenge.objects.get(pk=challenge_id).outcome == Challenge.Outcome.UPHELD
    # 15 days to appeal from service on 18 September: until 3 October, a holiday, so until 8 October.
    appeal = d.attempt("leader", "coercive_decision", coercive_data())
    assert escape(str(gates.APPEAL_WINDOW_OPEN)) in appeal.content.decode()
    clock.set_now(at(2026, 10, 9, 10))
    d.step("leader", "coercive_decision", coercive_data(final_deadline="2026-10-10", execution_date="2026-10-13"))
    d.step("officer", "serve_coercive", d.service())
    clock.set_now(at(2026, 10, 13, 15))
    d.step("officer", "execute", execute_data(d, now_local()))
    assert Execution.objects.filter(case=d.case).count() == 1


def test_revoked_decision_withdraws_its_disclosure_and_stops_the_case(reported: Driver, client) -> None:  # type: ignore[no-untyped-def]
    d = reported
    to_decision(d)
    d.disclose()
    disclosure = Disclosure.objects.get(case=d.case)
    assert client.get(f"/public/disclosures/{disclosure.pk}/").status_code == 200
    response = d.client("legal").post(
        f"/api/cases/{d.case.pk}/challenges/",
        {"kind": "review", "filed_on": "2026-03-20", "body": "昭通市人民政府"},
        content_type="application/json",
    )
    challenge_id = response.json()["id"]
    response = d.client("legal").post(
        f"/api/cases/{d.case.pk}/challenges/{challenge_id}/outcome/",
        {"outcome": "revoked", "outcome_on": "2026-03-27", "note": "复议决定撤销原处罚决定"},
        content_type="application/json",
    )
    assert response.status_code == 200
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is not None
    assert client.get(f"/public/disclosures/{disclosure.pk}/").status_code == 404
    assert d.case.case_number not in client.get("/public/disclosures/").content.decode()
    case = d.refresh()
    assert case.stage == Case.Stage.CLOSED
    assert Act.objects.get(case=case, kind=Act.Kind.DEMOLITION_DECISION).revoked_at is not None
    assert d.active_nodes() == []
    assert case.process.status == PROCESS.CANCELED
    assert documents_for(case).get(kind="case_demolition_decision").status == "revoked"


def test_hearing_when_requested_then_decision(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False)
    d.prior_notice(hearing_right=True)
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence(hearing=True)
    assert d.active_nodes() == ["hearing"]
    d.step("officer", "hearing", {"chair": d.users["squadlead"].pk, "notified_on": "2026-03-05",
                                  "held_at": now_local(), "minutes": "听证笔录"})
    d.legal_review()
    d.decide()
    assert d.active_nodes() == ["disclose"]


def test_major_case_needs_collective_discussion(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    d.investigate(correctable=False, major=True)
    d.prior_notice()
    clock.set_now(at(2026, 3, 16, 10))
    d.close_defence()
    d.legal_review()
    assert d.active_nodes() == ["collective"]
    d.step("chief", "collective", {"held_at": now_local(), "participants": "局长、分管副局长、法规科长",
                                    "conclusion": "同意责令限期拆除"})
    d.decide()
    assert d.refresh().stage == Case.Stage.DECIDED
    assert SiteInspection.objects.filter(case=d.case).count() == 1
