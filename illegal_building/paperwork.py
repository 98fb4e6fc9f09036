"""The official documents of a case (domain §4), issued by the case services through
``workflows.documents``: each act and record becomes a numbered, sealed, verifiable PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from workflows import calendar
from workflows.documents.models import IssuedDocument
from workflows.documents.selectors import documents_for
from workflows.documents.services import document_issue, document_revoke
from workflows.models import User

from .models import Act, Case, EvidenceFile, InquiryRecord, Measurement, PlanningOpinion, ServiceRecord, SiteInspection

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


def _decision_number(case: Case, kind: str) -> str:
    document = documents_for(case).filter(kind=kind, status=IssuedDocument.Status.VALID).last()
    return document.number if document else ""


def issue_act(*, act: Act, acting_user: User) -> IssuedDocument:
    """The document of a formal act, with the data its kind requires (see the documents registry)."""
    case = act.case
    kind = KIND_OF_ACT[act.kind]
    data: dict[str, Any] = {"facts": case.description, "legal_basis": act.legal_basis}
    if act.kind == Act.Kind.STOP_ORDER:
        data.update(facts=act.content, permit_deadline=act.deadline)
    elif act.kind == Act.Kind.PRIOR_NOTICE:
        data.update(evidence=evidence_list(case), proposed_decision=act.content, defence_deadline=act.deadline)
        if act.hearing_right and act.served_at is not None:
            data["hearing_deadline"] = calendar.add_working_days(timezone.localtime(act.served_at).date(), 5)
    elif act.kind in (Act.Kind.CORRECTION_DECISION, Act.Kind.DEMOLITION_DECISION):
        # Served after signing: the period runs from the proven service (APL art. 61).
        data.update(
            evidence=evidence_list(case),
            deadline=_("the end of %(days)s working days after this decision is served") % {"days": act.period_days},
            correction=act.content,
        )
        if act.fine_amount:
            data["fine"] = str(act.fine_amount)
    elif act.kind == Act.Kind.REMINDER:
        data.update(
            decision_number=_decision_number(case, "case_demolition_decision")
            or _decision_number(case, "case_correction_decision"),
            obligations=act.content,
            deadline=act.deadline,
        )
    elif act.kind == Act.Kind.COERCIVE_DECISION:
        data.update(
            decision_number=_decision_number(case, "case_demolition_decision"),
            facts=act.content,
            execution_date=act.deadline,
        )
    elif act.kind == Act.Kind.ANNOUNCEMENT:
        coercive = Act.objects.filter(case=case, kind=Act.Kind.COERCIVE_DECISION).order_by("-id").first()
        data.update(
            decision_number=_decision_number(case, "case_coercive_decision"),
            final_deadline=act.deadline,
            execution_date=coercive.deadline if coercive else None,
        )
    return _issue(case=case, kind=kind, data=data, acting_user=acting_user)


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
