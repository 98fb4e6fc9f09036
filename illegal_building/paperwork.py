"""The official documents of a case (domain §4), issued by the case services through
``workflows.documents``: each act and record becomes a numbered, sealed, verifiable PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.documents.corrections import quoting
from workflows.documents.models import IssuedDocument
from workflows.documents.selectors import documents_for
from workflows.documents.services import document_issue, document_revoke
from workflows.models import User
from workflows.sla import selectors as sla_selectors

from . import clocks, gates
from .gates import GateRefused
from .models import (
    Act,
    Case,
    Challenge,
    EvidenceFile,
    Hearing,
    InquiryRecord,
    LegalReview,
    Measurement,
    PlanningOpinion,
    ServiceRecord,
    SiteInspection,
)

KIND_OF_ACT: dict[str, str] = {
    Act.Kind.STOP_ORDER: "case_stop_order",
    Act.Kind.PRIOR_NOTICE: "case_prior_notice",
    Act.Kind.CORRECTION_DECISION: "case_correction_decision",
    Act.Kind.DEMOLITION_DECISION: "case_demolition_decision",
    Act.Kind.REMINDER: "case_reminder",
    Act.Kind.COERCIVE_DECISION: "case_coercive_decision",
    Act.Kind.ANNOUNCEMENT: "case_announcement",
}


def _holder(case: Case) -> str:
    return case.party_name or _("Party not identified")


def _number(case: Case) -> str:
    return case.case_number or case.report_number


def _officer(user: User, certificate: str = "") -> str:
    return f"{user.display_name}（执法证号 {certificate or user.certificate_number}）"


def _moment(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def evidence_list(case: Case) -> list[str]:
    """What proves the facts: the records and files on the case so far."""
    items: list[str] = []
    for inspection in SiteInspection.objects.filter(case=case):
        items.append(f"{inspection._meta.verbose_name}（{timezone.localtime(inspection.inspected_at):%Y-%m-%d}）")
    items += [f"{r._meta.verbose_name}（{r.interviewee}）" for r in InquiryRecord.objects.filter(case=case)]
    items += [f"{r._meta.verbose_name}（{r.area_m2}㎡，{r.height_m}m）" for r in Measurement.objects.filter(case=case)]
    items += [f"{r._meta.verbose_name}（{r.authority}）" for r in PlanningOpinion.objects.filter(case=case)]
    files = EvidenceFile.objects.filter(case=case).count()
    if files:
        items.append(_("%(count)s photos, videos or scans with their hashes") % {"count": files})
    return [str(item) for item in items] or [str(_("On-site inspection"))]


def _issue(*, case: Case, kind: str, data: dict[str, Any], acting_user: User | None) -> IssuedDocument:
    base = {"case_number": _number(case), "address": case.address, "party_address": case.party_address}
    base["holder_type"] = "person" if case.party_is_person else "organisation"
    return document_issue(
        kind=kind, county=case.county, subject=case, holder_name=_holder(case), data={**base, **data},
        acting_user=acting_user,
    )


def issue_site_inspection(*, inspection: SiteInspection, acting_user: User) -> IssuedDocument:
    return _issue(
        case=inspection.case,
        kind="case_site_inspection",
        acting_user=acting_user,
        data={
            "inspected_at": _moment(inspection.inspected_at),
            "officers": [
                _officer(inspection.officer1, inspection.officer1_certificate),
                _officer(inspection.officer2, inspection.officer2_certificate),
            ],
            "findings": inspection.findings,
        },
    )


def _due(case: Case, code: str, quoted: dict[str, Any], field: str) -> dt.date | None:
    """A party's deadline as its clock says (never a copy on the act); ``quoted`` records the clock
    stated in ``field``, so a holiday schedule that moves it corrects the document (corrections.py)."""
    running = sla_selectors.open_clock(case, code)
    quoted[field] = running
    return running.due_date if running is not None else None


def procedure_statement(case: Case) -> str:
    """What a decision may say about the procedure before it: only what the records prove.

    The prior notice counts only when served; the legal review only when it approved after the notice.
    """
    notice = Act.objects.filter(case=case, kind=Act.Kind.PRIOR_NOTICE, served_at__isnull=False).order_by("-id").first()
    if notice is None:
        return ""
    rights = "陈述、申辩" + ("、要求听证" if notice.hearing_right else "")
    served = timezone.localtime(notice.served_at)
    text = (
        f"本机关已于{served.year}年{served.month}月{served.day}日依法向你（单位）告知拟作出处理决定的事实、理由、"
        f"依据及你（单位）依法享有的{rights}的权利"
    )
    if Hearing.objects.filter(case=case, created_at__gte=notice.created_at).exists():
        text += "，并依法举行了听证"
    review = LegalReview.objects.filter(case=case, created_at__gte=notice.created_at).order_by("-id").first()
    if review is not None and review.approved:
        text += "，并经法制审核"
    return text + "。"


def finality_statement(case: Case, decision: Act | None) -> str:
    """What the announcement may say about challenges: only what is true when it is issued."""
    if decision is None:
        return ""
    decided = Challenge.objects.filter(case=case, act=decision).exclude(outcome=Challenge.Outcome.PENDING)
    last = decided.order_by("-outcome_on", "-id").first()
    if last is None:
        return "当事人在法定期限内未申请行政复议或者提起行政诉讼，又未自行拆除。"
    if last.kind == Challenge.Kind.REVIEW:
        return (
            "当事人申请行政复议，复议机关作出维持或者驳回的复议决定；"
            "当事人在法定期限内未提起行政诉讼，又未自行拆除。"
        )
    if last.kind == Challenge.Kind.LAWSUIT:
        return "当事人提起行政诉讼，人民法院判决驳回其诉讼请求；当事人在法定期限内未上诉，又未自行拆除。"
    return "当事人提起行政诉讼，经终审判决驳回其诉讼请求，判决已发生法律效力；当事人又未自行拆除。"


def _decision_number(case: Case, kind: str) -> str:
    document = documents_for(case).filter(kind=kind, status=IssuedDocument.Status.VALID).last()
    return document.number if document else ""


def issue_act(*, act: Act, acting_user: User) -> IssuedDocument:
    """The document of a formal act, with the data its kind requires (see the documents registry)."""
    case = act.case
    kind = KIND_OF_ACT[act.kind]
    data: dict[str, Any] = {"facts": case.description, "legal_basis": act.legal_basis}
    quoted: dict[str, Any] = {}  # data field -> the clock whose due date it states
    if act.kind == Act.Kind.STOP_ORDER:
        data.update(facts=act.content, permit_deadline=_due(case, clocks.PERMITS, quoted, "permit_deadline"))
    elif act.kind == Act.Kind.PRIOR_NOTICE:
        proposed = act.content
        if act.fine_amount:
            proposed += f"；拟处罚款人民币{act.fine_amount}元"
        data.update(
            evidence=evidence_list(case),
            proposed_decision=proposed,
            defence_deadline=_due(case, clocks.DEFENCE, quoted, "defence_deadline"),
        )
        if act.hearing_right:
            data["hearing_deadline"] = _due(case, clocks.HEARING_REQUEST, quoted, "hearing_deadline")
    elif act.kind in (Act.Kind.CORRECTION_DECISION, Act.Kind.DEMOLITION_DECISION):
        # Served after signing: the period runs from the proven service (APL art. 61).
        data.update(
            evidence=evidence_list(case),
            deadline=_("the end of %(days)s working days after this decision is served") % {"days": act.period_days},
            correction=act.content,
            procedure=procedure_statement(case),
        )
        penalty = act.kind == Act.Kind.DEMOLITION_DECISION or bool(act.fine_amount)
        if penalty and not data["procedure"].endswith("并经法制审核。"):
            # The decision would state a procedure the records do not prove: it cannot be issued.
            raise GateRefused(gates.LEGAL_REVIEW_MISSING)
        if act.fine_amount:
            data["fine"] = str(act.fine_amount)
    elif act.kind == Act.Kind.REMINDER:
        data.update(
            decision_number=_decision_number(case, "case_demolition_decision")
            or _decision_number(case, "case_correction_decision"),
            obligations=act.content,
            deadline=_due(case, clocks.REMINDER, quoted, "deadline"),
        )
    elif act.kind == Act.Kind.COERCIVE_DECISION:
        data.update(
            decision_number=_decision_number(case, "case_demolition_decision"),
            facts=act.content,
            execution_date=timezone.localtime(act.planned_start).date() if act.planned_start else None,
        )
    elif act.kind == Act.Kind.ANNOUNCEMENT:
        coercive = Act.objects.filter(case=case, kind=Act.Kind.COERCIVE_DECISION).order_by("-id").first()
        planned = coercive.planned_start if coercive else None
        decision = Act.objects.filter(
            case=case, kind__in=[Act.Kind.DEMOLITION_DECISION, Act.Kind.CORRECTION_DECISION]
        ).order_by("-id").first()
        data.update(
            decision_number=_decision_number(case, "case_coercive_decision"),
            final_deadline=act.last_day,
            execution_date=timezone.localtime(planned).date() if planned else None,
            finality=finality_statement(case, decision),
        )
    return _issue(case=case, kind=kind, data=quoting(data, **quoted), acting_user=acting_user)


def issue_service_record(
    *, record: ServiceRecord, document: IssuedDocument | None, acting_user: User
) -> IssuedDocument:
    served = f"{document.title} {document.number}" if document else str(record.act.get_kind_display())
    return _issue(
        case=record.case,
        kind="case_service_record",
        acting_user=acting_user,
        data={
            "served_document": served,
            "service_method": str(record.get_method_display()),
            "served_at": _moment(record.served_at),
            "served_place": record.case.party_address or record.case.address,
            "recipient": record.recipient,
            "servers": [_officer(acting_user)],
            "note": record.note,
        },
    )


def issue_legal_review(*, case: Case, acting_user: User, approved: bool, opinion: str) -> IssuedDocument:
    notice = Act.objects.filter(case=case, kind=Act.Kind.PRIOR_NOTICE).order_by("-id").first()
    return _issue(
        case=case,
        kind="case_legal_review",
        acting_user=acting_user,
        data={
            "proposed_decision": notice.content if notice else "",
            "reviewed_items": [
                _("Competence and the party"),
                _("Facts and evidence"),
                _("Legal basis"),
                _("Procedure"),
                _("Discretion"),
            ],
            "opinion": opinion,
            "conclusion": _("Approved") if approved else _("Returned for further investigation"),
        },
    )


def issue_closing_report(*, case: Case, summary: str, outcome: str, approved_by: User) -> IssuedDocument:
    return _issue(
        case=case,
        kind="case_closing_report",
        acting_user=approved_by,
        data={"summary": summary, "outcome": outcome, "approved_by": approved_by.display_name},
    )


def document_of(act: Act) -> IssuedDocument | None:
    if not act.document_number:
        return None
    return IssuedDocument.objects.filter(number=act.document_number).first()


def revoke(*, act: Act, reason: str) -> None:
    """The review body or court revoked the decision: the bureau's document says so from now on."""
    document = document_of(act)
    if document is not None and document.status == IssuedDocument.Status.VALID:
        # Recorded by whoever entered the outcome (audit of case.decision_revoked); the revocation
        # itself is the review body's or court's act, not an issuing officer's.
        document_revoke(document=document, acting_user=None, reason=reason)
