"""Everything that changes a case. Each function is one legal act or record, atomic and audited.

Every function asks the rulebook (``rules.require``) before it writes anything, so the web UI,
the case-page record forms, the case API and the task API refuse the same acts with the same
message (``gates.GateRefused``), and a refused act writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outdoor_ads.models import Permit, PermitApplication
from workflows import audit, calendar, clock
from workflows.jurisdiction import open_to_county, open_to_owner
from workflows.models import AuditEntry, County, User
from workflows.roles import ROLES, has_role
from workflows.sla import selectors as sla_selectors
from workflows.sla import services as sla_services
from workflows.sla.models import PauseReason
from workflows.sla.notifications import notify
from workflows.uploads import PUBLIC_REPORT, STAFF_EVIDENCE, check_upload

from . import clocks, gates, paperwork, periods, rules, selectors
from .gates import GateRefused
from .models import (
    Act,
    Case,
    Challenge,
    ClosingReport,
    CollectiveDiscussion,
    Defence,
    Disclosure,
    EvidenceFile,
    Execution,
    GovernmentOrder,
    Hearing,
    HearingWithdrawal,
    InquiryRecord,
    LegalReview,
    Measurement,
    PlanningOpinion,
    ServiceAttempt,
    ServiceConsent,
    ServiceRecord,
    SiteInspection,
)


def _next_report_number() -> str:
    year = clock.today().year
    prefix = f"WJ{year}"
    last = Case.objects.filter(report_number__startswith=prefix).order_by("-report_number").first()
    seq = int(last.report_number[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _next_case_number(county: County) -> str:
    year = clock.today().year
    prefix = f"{county.short_name}住建违立〔{year}〕"
    count = Case.objects.filter(case_number__startswith=prefix).count()
    return f"{prefix}{count + 1}号"


def _set_stage(case: Case, stage: str) -> None:
    case.stage = stage
    case.save(update_fields=["stage"])


def _require_role(user: User, role: str) -> None:
    if not has_role(user, role):
        raise GateRefused(gates.SIGNER_NOT_ALLOWED)


# --- Detect ---------------------------------------------------------------------------


@transaction.atomic
def case_report(
    *,
    acting_user: User | None,
    county: County,
    source: str,
    address: str,
    description: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    permit_application: PermitApplication | None = None,
    photos: list[dict[str, Any]] | None = None,
    ticket: str = "",
) -> Case:
    """Register a report and start its process; ``acting_user`` is None for an anonymous citizen."""
    if permit_application is not None and permit_application.county_id != county.pk:
        # A facility is enforced by the county that permitted it; a link across counties is a mistake.
        raise GateRefused(gates.PERMIT_OTHER_COUNTY, field="permit_application")
    case = Case.objects.create(
        county=county,
        report_number=_next_report_number(),
        source=source,
        address=address,
        latitude=latitude,
        longitude=longitude,
        description=description,
        reported_by=acting_user,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        permit_application=permit_application,
    )
    open_to_county(case)
    if acting_user is not None and acting_user.kind != User.Kind.STAFF:
        open_to_owner(case, acting_user)
    data = {"source": source, "address": address, **({"ticket": ticket} if ticket else {})}
    audit.record(actor=acting_user, action="case.report", obj=case, data=data)
    for photo in photos or []:
        evidence_add(case=case, acting_user=acting_user, **photo)
    from .flows import CaseFlow

    CaseFlow.start.run(case=case)
    transaction.on_commit(lambda: _notify_new_report(case.pk))
    return case


def _notify_new_report(case_id: int) -> None:
    """Tell the county's officers and squad leader at once (第一时间发现, 第一时间制止)."""
    case = Case.objects.select_related("county").get(pk=case_id)
    groups = [ROLES["officer"].group_name, ROLES["squadlead"].group_name]
    staff = User.objects.filter(is_active=True, county=case.county, groups__name__in=groups).distinct()
    notify(
        users=staff,
        subject_obj=case,
        title=_("New illegal-construction report %(number)s") % {"number": case.report_number},
        body=f"{case.address} · {case.description}",
        url=reverse("cases:case_detail", kwargs={"pk": case.pk}),
    )


@transaction.atomic
def case_report_ad_facility(*, acting_user: User, permit: Permit, description: str) -> Case:
    """An expired, not renewed advertising facility becomes a case linked to its permit record."""
    if permit.status != Permit.Status.ACTIVE or permit.valid_until >= clock.today():
        raise GateRefused(gates.NOT_AN_ENFORCEMENT_MATTER)
    if Case.objects.filter(permit_application=permit.application).exclude(
        stage__in=[Case.Stage.CLOSED, Case.Stage.ARCHIVED]
    ).exists():
        raise GateRefused(gates.CASE_ALREADY_OPEN)
    application = permit.application
    return case_report(
        acting_user=acting_user,
        county=permit.county,
        source=Case.Source.AD_FACILITY,
        address=application.address,
        latitude=application.latitude,
        longitude=application.longitude,
        description=description,
        permit_application=application,
    )


@transaction.atomic
def case_import_hotline(*, acting_user: User | None, rows: list[dict[str, str]]) -> list[Case]:
    """Bulk import of 12345 hotline tickets; a ticket number already imported is skipped."""
    counties = {c.name: c for c in County.objects.all()}
    created = []
    for row in rows:
        ticket = row["ticket"].strip()
        if AuditEntry.objects.filter(action="case.report", data__ticket=ticket).exists():
            continue
        county = counties.get(row["county"].strip())
        if county is None:
            raise GateRefused(gates.UNKNOWN_COUNTY % {"county": row["county"]})
        case = case_report(
            acting_user=acting_user,
            county=county,
            source=Case.Source.HOTLINE,
            address=row["address"].strip(),
            description=f"【12345 {ticket}】{row['description'].strip()}",
            reporter_name=row.get("reporter_name", "").strip(),
            reporter_phone=row.get("reporter_phone", "").strip(),
            ticket=ticket,
        )
        created.append(case)
    return created


@transaction.atomic
def case_appraisal(*, case: Case, acting_user: User, started: bool, note: str) -> None:
    """Appraisal or testing (鉴定、检测) does not count against the 90 days to decide (APL art. 60)."""
    deciding = sla_selectors.open_clock(case, clocks.DECISION)
    if deciding is None:
        raise GateRefused(gates.NO_DECISION_CLOCK)
    if started and not deciding.is_paused:
        sla_services.clock_pause(clock=deciding, reason=PauseReason.TESTING, note=note, acting_user=acting_user)
    elif not started and deciding.is_paused:
        sla_services.clock_resume(clock=deciding, acting_user=acting_user)
    audit.record(actor=acting_user, action="case.appraisal", obj=case, reason=note, data={"started": started})


@transaction.atomic
def evidence_add(
    *,
    case: Case,
    acting_user: User | None,
    file: Any,
    captured_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    device: str = "",
    description: str = "",
) -> EvidenceFile:
    """Store a file as received; the hash is of the bytes exactly as uploaded.

    The upload policy is checked here too (anonymous reports get the strict one), so no path stores
    an unchecked file; forms have usually checked already and hand over a CheckedUpload.
    """
    checked = check_upload(file, policy=PUBLIC_REPORT if acting_user is None else STAFF_EVIDENCE)
    name = checked.original_name[-150:]
    digest = checked.sha256
    evidence = EvidenceFile(
        case=case,
        created_by=acting_user or _system_user(),
        original_name=name,
        content_type=checked.mime_type,
        size=checked.size,
        sha256=digest,
        captured_at=captured_at,
        latitude=latitude,
        longitude=longitude,
        device=device,
        description=description,
    )
    checked.file.seek(0)
    # Stored under the hash and the sniffed extension; the user's name is kept only as metadata.
    evidence.file.save(f"evidence.{checked.extension}", checked.file, save=False)
    evidence.save()
    audit.record(
        actor=acting_user, action="case.evidence", obj=case,
        data={"sha256": digest, "name": name, "size": checked.size},
    )
    return evidence


def _system_user() -> User:
    """Anonymous citizen uploads are recorded under a fixed, non-login system account."""
    user, _created = User.objects.get_or_create(
        username="citizen-portal",
        defaults={"kind": User.Kind.PERSON, "real_name": "公众举报", "is_active": False},
    )
    return user


# --- Verify and file ------------------------------------------------------------------


@transaction.atomic
def case_verify(
    *,
    case: Case,
    acting_user: User,
    officer2: User,
    inspected_at: dt.datetime,
    findings: str,
    illegal: bool,
    party_name: str = "",
    party_is_person: bool = True,
    party_id_number: str = "",
    party_address: str = "",
) -> SiteInspection:
    rules.require(
        case=case, act="verify", officer1=acting_user, officer2=officer2, illegal=illegal,
        party_name=party_name, party_address=party_address,
    )
    inspection = SiteInspection.objects.create(
        case=case,
        created_by=acting_user,
        purpose=SiteInspection.Purpose.VERIFICATION,
        inspected_at=inspected_at,
        officer1=acting_user,
        officer1_certificate=acting_user.certificate_number,
        officer2=officer2,
        officer2_certificate=officer2.certificate_number,
        findings=findings,
        outcome=illegal,
    )
    if illegal:
        case.party_name = party_name
    paperwork.issue_site_inspection(inspection=inspection, acting_user=acting_user)
    if illegal:
        case.party_name = party_name
        case.party_is_person = party_is_person
        case.party_id_number = party_id_number
        case.party_address = party_address
        case.stage = Case.Stage.VERIFIED
        case.save(update_fields=["party_name", "party_is_person", "party_id_number", "party_address", "stage"])
        periods.start(case=case, code=clocks.STOP_ORDER, acting_user=acting_user)
    else:
        case.stage = Case.Stage.CLOSED
        case.closed_at = clock.now()
        case.close_reason = findings
        case.save(update_fields=["stage", "closed_at", "close_reason"])
    audit.record(actor=acting_user, action="case.verify", obj=case, data={"illegal": illegal, "officer2": officer2.pk})
    return inspection


@transaction.atomic
def case_file(*, case: Case, acting_user: User, approve: bool, comment: str) -> Case:
    """立案: the squad leader's approval gives the case its number."""
    _require_role(acting_user, "squadlead")
    if approve:
        case.case_number = _next_case_number(case.county)
        case.filed_at = clock.now()
        case.stage = Case.Stage.FILED
        case.save(update_fields=["case_number", "filed_at", "stage"])
        periods.start(case=case, code=clocks.DECISION, acting_user=acting_user)
    else:
        periods.stop_all(case=case, acting_user=acting_user)
        case.stage = Case.Stage.CLOSED
        case.closed_at = clock.now()
        case.close_reason = comment
        case.save(update_fields=["stage", "closed_at", "close_reason"])
    audit.record(actor=acting_user, action="case.file", obj=case, reason=comment, data={"approve": approve})
    return case


# --- Formal acts with their record of service ------------------------------------------


# The party's period that starts when each act is served (see clocks.py).
PERIOD_OF: dict[str, str] = {
    Act.Kind.STOP_ORDER: clocks.PERMITS,
    Act.Kind.PRIOR_NOTICE: clocks.DEFENCE,
    Act.Kind.CORRECTION_DECISION: clocks.COMPLY,
    Act.Kind.DEMOLITION_DECISION: clocks.COMPLY,
    Act.Kind.REMINDER: clocks.REMINDER,
}


# 民事诉讼法 art. 95: service by announcement takes effect 30 days after publication.
ANNOUNCEMENT_TAKES_EFFECT = dt.timedelta(days=30)


def _serve(
    *,
    act: Act,
    acting_user: User,
    method: str,
    served_at: dt.datetime,
    recipient: str,
    note: str = "",
    witnesses: str = "",
    evidence: EvidenceFile | None = None,
) -> ServiceRecord:
    """The record of service; the act counts as served, and its party periods run, from the deemed date."""
    deemed = served_at + ANNOUNCEMENT_TAKES_EFFECT if method == ServiceRecord.Method.PUBLIC else served_at
    record = ServiceRecord.objects.create(
        case=act.case,
        created_by=acting_user,
        act=act,
        method=method,
        served_at=served_at,
        deemed_served_at=deemed,
        recipient=recipient,
        witnesses=witnesses,
        evidence=evidence,
        note=note,
    )
    act.served_at = deemed
    update = ["served_at"]
    code = PERIOD_OF.get(act.kind)
    if code is not None:
        periods.start(case=act.case, code=code, start=deemed, acting_user=acting_user)
        act.period_days = periods.limit_of(code)
        update.append("period_days")
    if act.kind == Act.Kind.PRIOR_NOTICE and act.hearing_right:
        periods.start(case=act.case, code=clocks.HEARING_REQUEST, start=deemed, acting_user=acting_user)
    act.save(update_fields=update)
    return record


def _serve_and_record(*, act: Act, acting_user: User, service: dict[str, Any]) -> ServiceRecord:
    record = _serve(act=act, acting_user=acting_user, **service)
    paperwork.issue_service_record(record=record, document=paperwork.document_of(act), acting_user=acting_user)
    return record


def _issue(
    *,
    case: Case,
    acting_user: User,
    kind: str,
    content: str,
    legal_basis: str = "",
    fine_amount: Decimal | None = None,
    hearing_right: bool = False,
    service: dict[str, Any] | None = None,
    signed_by: User | None = None,
    **stated: Any,
) -> Act:
    """Create the act, serve it when served on the spot, then issue its numbered document.

    The caller has asked the rulebook first; ``stated`` are what the act itself states
    (last day, planned execution window, emergency)."""
    act = Act.objects.create(
        case=case,
        created_by=acting_user,
        kind=kind,
        content=content,
        legal_basis=legal_basis,
        fine_amount=fine_amount,
        hearing_right=hearing_right,
        signed_by=signed_by,
        **stated,
    )
    record = _serve(act=act, acting_user=acting_user, **service) if service is not None else None
    if act.kind in PERIOD_OF and act.served_at is None:
        # Signed now, served later: the document states the period, which runs from service.
        act.period_days = periods.limit_of(PERIOD_OF[act.kind])
        act.save(update_fields=["period_days"])
    document = paperwork.issue_act(act=act, acting_user=acting_user)
    act.document_number = document.number
    act.save(update_fields=["document_number"])
    if record is not None:
        paperwork.issue_service_record(record=record, document=document, acting_user=acting_user)
    audit.record(
        actor=acting_user,
        action=f"case.{kind}",
        obj=case,
        data={"act": act.pk, "document": document.number, "served_at": act.served_at},
    )
    return act


@transaction.atomic
def case_stop_order(
    *, case: Case, acting_user: User, content: str, legal_basis: str, service: dict[str, Any]
) -> Act:
    rules.require(case=case, act="stop_order", service=service, act_kind=Act.Kind.STOP_ORDER)
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.STOP_ORDER,
        content=content,
        legal_basis=legal_basis,
        service=service,
    )
    periods.stop(case=case, code=clocks.STOP_ORDER, acting_user=acting_user)
    _set_stage(case, Case.Stage.INVESTIGATING)
    return act


# --- Investigation records (any time while investigating) -------------------------------


@transaction.atomic
def case_record_inquiry(
    *, case: Case, acting_user: User, officer2: User, interviewee: str, asked_at: dt.datetime, content: str
) -> InquiryRecord:
    rules.require(case=case, act="inquiry", officer1=acting_user, officer2=officer2)
    record = InquiryRecord.objects.create(
        case=case,
        created_by=acting_user,
        officer1=acting_user,
        officer2=officer2,
        interviewee=interviewee,
        asked_at=asked_at,
        content=content,
    )
    audit.record(actor=acting_user, action="case.inquiry", obj=case, data={"record": record.pk})
    return record


@transaction.atomic
def case_record_measurement(
    *,
    case: Case,
    acting_user: User,
    area_m2: Decimal,
    height_m: Decimal,
    floors: int = 1,
    construction_cost: Decimal | None = None,
    note: str = "",
) -> Measurement:
    record = Measurement.objects.create(
        case=case,
        created_by=acting_user,
        area_m2=area_m2,
        height_m=height_m,
        floors=floors,
        construction_cost=construction_cost,
        note=note,
    )
    audit.record(actor=acting_user, action="case.measurement", obj=case, data={"area_m2": area_m2})
    return record


@transaction.atomic
def case_record_planning_opinion(
    *, case: Case, acting_user: User, authority: str, correctable: bool, opinion: str, received_on: dt.date
) -> PlanningOpinion:
    record = PlanningOpinion.objects.create(
        case=case,
        created_by=acting_user,
        authority=authority,
        correctable=correctable,
        opinion=opinion,
        received_on=received_on,
    )
    audit.record(actor=acting_user, action="case.planning_opinion", obj=case, data={"correctable": correctable})
    return record


@transaction.atomic
def case_finish_investigation(
    *, case: Case, acting_user: User, is_major: bool, summary: str, proposed_fine: Decimal | None = None
) -> Case:
    """End of the investigation: correctable or not (the planning opinion), major or not, and the fine
    proposed, if any; a fine sends even a correctable case through the penalty procedure."""
    rules.require(case=case, act="investigate")
    opinion = PlanningOpinion.objects.filter(case=case).order_by("-created_at", "-id").first()
    assert opinion is not None  # noqa: S101  (the rule above requires it)
    case.correctable = opinion.correctable
    case.is_major = is_major
    case.proposed_fine = proposed_fine or None
    direct = opinion.correctable and not case.proposed_fine
    case.stage = Case.Stage.CORRECTION if direct else Case.Stage.PRIOR_NOTICE
    case.save(update_fields=["correctable", "is_major", "proposed_fine", "stage"])
    periods.stop(case=case, code=clocks.PERMITS, acting_user=acting_user)
    audit.record(
        actor=acting_user,
        action="case.investigated",
        obj=case,
        reason=summary,
        data={"correctable": opinion.correctable, "major": is_major, "proposed_fine": proposed_fine},
    )
    return case


# --- Correctable path -----------------------------------------------------------------


@transaction.atomic
def case_correction_decision(
    *,
    case: Case,
    acting_user: User,
    content: str,
    legal_basis: str,
    fine_amount: Decimal | None,
) -> Act:
    """责令限期改正: an order alone follows the investigation; with a fine it is a penalty decision and
    needs the whole penalty procedure first (APL arts. 44–62, see the rulebook)."""
    _require_role(acting_user, "chief")
    rules.require(case=case, act="correction_decision", fine_amount=fine_amount or Decimal(0))
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.CORRECTION_DECISION,
        content=content,
        legal_basis=legal_basis,
        fine_amount=fine_amount or None,
        signed_by=acting_user,
    )
    periods.stop(case=case, code=clocks.DECISION, acting_user=acting_user)
    periods.start(case=case, code=clocks.SERVE_DECISION, acting_user=acting_user)
    _set_stage(case, Case.Stage.CORRECTION)
    return act


# --- Demolition path ------------------------------------------------------------------


@transaction.atomic
def case_prior_notice(
    *,
    case: Case,
    acting_user: User,
    content: str,
    legal_basis: str,
    hearing_right: bool,
    service: dict[str, Any],
    fine_amount: Decimal | None = None,
) -> Act:
    """行政处罚事先告知书 with the proposed fine (the case's, unless entered), served on the party."""
    fine = fine_amount if fine_amount is not None else case.proposed_fine
    rules.require(
        case=case, act="prior_notice", fine_amount=fine or Decimal(0), hearing_right=hearing_right,
        service=service, act_kind=Act.Kind.PRIOR_NOTICE,
    )
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.PRIOR_NOTICE,
        content=content,
        legal_basis=legal_basis,
        fine_amount=fine or None,
        hearing_right=hearing_right,
        service=service,
    )
    _set_stage(case, Case.Stage.PRIOR_NOTICE)
    return act


@transaction.atomic
def case_close_defence(*, case: Case, acting_user: User, statement: str, hearing_requested: bool) -> Defence:
    """Record the party's statement once the defence period is over (and whether it asked for a hearing)."""
    rules.require(case=case, act="defence")
    notice = selectors.current_act(case, Act.Kind.PRIOR_NOTICE)
    assert notice is not None and notice.served_at is not None  # noqa: S101  (the rulebook guarantees it)
    if hearing_requested and not notice.hearing_right:
        hearing_requested = False
    # A hearing requested earlier in its window stays requested whatever the statement says.
    hearing_requested = hearing_requested or _hearing_requested_since(case, notice)
    defence = Defence.objects.create(
        case=case, created_by=acting_user, statement=statement, hearing_requested=hearing_requested
    )
    periods.stop(case=case, code=clocks.DEFENCE, acting_user=acting_user)
    if hearing_requested:
        # APL art. 60: hearing time does not count against the 90 days.
        deciding = sla_selectors.open_clock(case, clocks.DECISION)
        if deciding is not None and not deciding.is_paused:
            sla_services.clock_pause(
                clock=deciding, reason=PauseReason.HEARING, note=statement or _("Hearing requested"),
                acting_user=acting_user,
            )
    _set_stage(case, Case.Stage.HEARING if hearing_requested else Case.Stage.LEGAL_REVIEW)
    audit.record(actor=acting_user, action="case.defence", obj=case, data={"hearing_requested": hearing_requested})
    return defence


def _hearing_requested_since(case: Case, notice: Act) -> bool:
    return Defence.objects.filter(case=case, created_at__gte=notice.created_at, hearing_requested=True).exists()


@transaction.atomic
def case_request_hearing(*, case: Case, acting_user: User, statement: str) -> Defence:
    """The party asks for a hearing within its window, even after its defence was recorded (APL art. 64).

    The request blocks the decision until the hearing is held and pauses the 90 days (art. 60).
    """
    rules.require(case=case, act="hearing_request")
    request = Defence.objects.create(case=case, created_by=acting_user, statement=statement, hearing_requested=True)
    deciding = sla_selectors.open_clock(case, clocks.DECISION)
    if deciding is not None and not deciding.is_paused:
        sla_services.clock_pause(clock=deciding, reason=PauseReason.HEARING, note=statement, acting_user=acting_user)
    audit.record(actor=acting_user, action="case.hearing_request", obj=case, reason=statement)
    return request


@transaction.atomic
def case_record_hearing(
    *, case: Case, acting_user: User, chair: User, notified_on: dt.date, held_at: dt.datetime, minutes: str
) -> Hearing:
    """A hearing requested after the defence step is held from the case page, outside the flow's hearing step."""
    rules.require(case=case, act="hearing_held", chair=chair, notified_on=notified_on, held_at=held_at)
    hearing = case_hold_hearing(
        case=case, acting_user=acting_user, chair=chair, notified_on=notified_on, held_at=held_at, minutes=minutes
    )
    assert isinstance(hearing, Hearing)  # noqa: S101  (not a withdrawal)
    return hearing


@transaction.atomic
def case_hold_hearing(
    *,
    case: Case,
    acting_user: User,
    chair: User | None,
    notified_on: dt.date | None,
    held_at: dt.datetime | None,
    minutes: str,
    withdrawn: bool = False,
) -> Hearing | HearingWithdrawal:
    """The hearing step: the hearing held (notified 7 working days ahead, chaired by a non-investigator),
    or the party's recorded withdrawal of its request."""
    if withdrawn:
        return case_withdraw_hearing(case=case, acting_user=acting_user, statement=minutes)
    rules.require(case=case, act="hearing", chair=chair, notified_on=notified_on, held_at=held_at)
    assert chair is not None and held_at is not None  # noqa: S101  (the rulebook refuses without them)
    hearing = Hearing.objects.create(
        case=case, created_by=acting_user, chair=chair, notified_on=notified_on, held_at=held_at, minutes=minutes
    )
    deciding = sla_selectors.open_clock(case, clocks.DECISION)
    if deciding is not None and deciding.is_paused:
        sla_services.clock_resume(clock=deciding, acting_user=acting_user)
    if case.stage == Case.Stage.HEARING:
        _set_stage(case, Case.Stage.LEGAL_REVIEW)
    audit.record(actor=acting_user, action="case.hearing", obj=case, data={"chair": chair.pk})
    return hearing


@transaction.atomic
def case_withdraw_hearing(*, case: Case, acting_user: User, statement: str) -> HearingWithdrawal:
    """The party withdraws its hearing request (APL art. 65): recorded, the 90 days run again."""
    rules.require(case=case, act="hearing_withdrawal")
    withdrawal = HearingWithdrawal.objects.create(case=case, created_by=acting_user, statement=statement)
    deciding = sla_selectors.open_clock(case, clocks.DECISION)
    if deciding is not None and deciding.is_paused:
        sla_services.clock_resume(clock=deciding, acting_user=acting_user)
    if case.stage == Case.Stage.HEARING:
        _set_stage(case, Case.Stage.LEGAL_REVIEW)
    audit.record(actor=acting_user, action="case.hearing_withdrawn", obj=case, reason=statement)
    return withdrawal


@transaction.atomic
def case_legal_review(*, case: Case, acting_user: User, approved: bool, opinion: str) -> LegalReview:
    rules.require(case=case, act="legal_review", reviewer=acting_user)
    review = LegalReview.objects.create(case=case, created_by=acting_user, approved=approved, opinion=opinion)
    paperwork.issue_legal_review(case=case, acting_user=acting_user, approved=approved, opinion=opinion)
    _set_stage(case, Case.Stage.DECISION if approved else Case.Stage.INVESTIGATING)
    audit.record(actor=acting_user, action="case.legal_review", obj=case, data={"approved": approved})
    return review


@transaction.atomic
def case_collective_discussion(
    *, case: Case, acting_user: User, held_at: dt.datetime, participants: str, conclusion: str
) -> CollectiveDiscussion:
    record = CollectiveDiscussion.objects.create(
        case=case, created_by=acting_user, held_at=held_at, participants=participants, conclusion=conclusion
    )
    audit.record(actor=acting_user, action="case.collective_discussion", obj=case)
    return record


@transaction.atomic
def case_decide(
    *, case: Case, acting_user: User, content: str, legal_basis: str
) -> Act:
    """责令限期拆除决定书, signed by the chief; officers serve it and the deadline runs from service."""
    _require_role(acting_user, "chief")
    rules.require(case=case, act="decision")
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.DEMOLITION_DECISION,
        content=content,
        legal_basis=legal_basis,
        signed_by=acting_user,
    )
    periods.stop(case=case, code=clocks.DECISION, acting_user=acting_user)
    periods.start(case=case, code=clocks.SERVE_DECISION, acting_user=acting_user)
    periods.start(case=case, code=clocks.DISCLOSURE, acting_user=acting_user)
    _set_stage(case, Case.Stage.DECIDED)
    return act


def _disclosure_due(case: Case, decision: Act) -> dt.date:
    running = sla_selectors.open_clock(case, clocks.DISCLOSURE)
    if running is not None:
        return running.due_date
    return calendar.add_working_days(periods.local_date(decision.created_at), periods.limit_of(clocks.DISCLOSURE))


_ID_PATTERN = re.compile(r"(?<![0-9])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9Xx])")


def _mask_text(text: str, case: Case) -> str:
    """Whatever an officer typed, no ID number or full personal name reaches the public page."""
    text = _ID_PATTERN.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    if case.party_is_person and case.party_name:
        text = text.replace(case.party_name, case.public_party_name)
    return text


@transaction.atomic
def case_disclose(*, case: Case, acting_user: User, summary: str) -> Disclosure:
    """Publish the decision with the party's personal data masked (APL art. 48)."""
    decision = selectors.decision(case)
    if decision is None:
        raise GateRefused(gates.NO_DECISION_TO_CHALLENGE)
    disclosure = Disclosure.objects.create(
        case=case,
        created_by=acting_user,
        act=decision,
        published_at=clock.now(),
        due_date=_disclosure_due(case, decision),
        party_display=case.public_party_name,
        party_id_display=case.masked_party_id_number,
        summary=_mask_text(summary, case),
    )
    periods.stop(case=case, code=clocks.DISCLOSURE, acting_user=acting_user)
    audit.record(actor=acting_user, action="case.disclose", obj=case, data={"disclosure": disclosure.pk})
    return disclosure


@transaction.atomic
def case_site_check(
    *,
    case: Case,
    acting_user: User,
    officer2: User,
    inspected_at: dt.datetime,
    findings: str,
    complied: bool,
    after_reminder: bool = False,
) -> SiteInspection:
    """After the deadline of the decision (or of the reminder): has the party demolished or corrected?"""
    decision = selectors.decision(case)
    if after_reminder:
        act = "reminder_check"
    else:
        correcting = decision is not None and decision.kind == Act.Kind.CORRECTION_DECISION
        act = "correction_check" if correcting else "site_check"
    rules.require(case=case, act=act, officer1=acting_user, officer2=officer2, complied=complied)
    inspection = SiteInspection.objects.create(
        case=case,
        created_by=acting_user,
        purpose=SiteInspection.Purpose.COMPLIANCE,
        inspected_at=inspected_at,
        officer1=acting_user,
        officer1_certificate=acting_user.certificate_number,
        officer2=officer2,
        officer2_certificate=officer2.certificate_number,
        findings=findings,
        outcome=complied,
    )
    periods.stop(case=case, code=clocks.REMINDER if after_reminder else clocks.COMPLY, acting_user=acting_user)
    if complied:
        _set_stage(case, Case.Stage.CLOSING)
    audit.record(actor=acting_user, action="case.site_check", obj=case, data={"complied": complied})
    return inspection


@transaction.atomic
def case_remind(*, case: Case, acting_user: User, content: str, service: dict[str, Any]) -> Act:
    rules.require(case=case, act="reminder", service=service, act_kind=Act.Kind.REMINDER)
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.REMINDER,
        content=content,
        service=service,
    )
    _set_stage(case, Case.Stage.REMINDED)
    return act


@transaction.atomic
def case_coercive_decision(
    *,
    case: Case,
    acting_user: User,
    content: str,
    legal_basis: str,
    defence_considered: str,
    execution_date: dt.date,
    execution_start: dt.time,
    execution_end: dt.time,
    final_deadline: dt.date,
    announcement: str,
    emergency_reason: str = "",
) -> Act:
    """强制拆除决定书 and 强制拆除公告, signed by the bureau leader once the decision is final and the
    county government's order is on record (ACL arts. 37, 43, 44; UPL art. 68); the execution window is
    checked now, when it is planned. An emergency reason entered here is the leader's approval."""
    _require_role(acting_user, "leader")
    zone = timezone.get_current_timezone()
    planned_start = dt.datetime.combine(execution_date, execution_start, tzinfo=zone)
    planned_end = dt.datetime.combine(execution_date, execution_end, tzinfo=zone)
    if planned_end <= planned_start:
        raise GateRefused(gates.EXECUTION_WINDOW, field="execution_end")
    rules.require(
        case=case, act="coercive_decision", planned_start=planned_start, planned_end=planned_end,
        final_deadline=final_deadline, emergency_reason=emergency_reason,
    )
    act = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.COERCIVE_DECISION,
        content=f"{content}\n\n{defence_considered}".strip(),
        legal_basis=legal_basis,
        signed_by=acting_user,
        planned_start=planned_start,
        planned_end=planned_end,
        emergency_reason=emergency_reason,
    )
    notice = _issue(
        case=case,
        acting_user=acting_user,
        kind=Act.Kind.ANNOUNCEMENT,
        content=announcement,
        legal_basis=legal_basis,
        signed_by=acting_user,
        last_day=final_deadline,
    )
    # An announcement is served by being published (at the site and on the website).
    notice.served_at = clock.now()
    notice.save(update_fields=["served_at"])
    _set_stage(case, Case.Stage.COERCIVE)
    return act


SERVED_LATER = (Act.Kind.CORRECTION_DECISION, Act.Kind.DEMOLITION_DECISION, Act.Kind.COERCIVE_DECISION)
SERVE_STEP: dict[str, str] = {
    Act.Kind.CORRECTION_DECISION: "serve_correction",
    Act.Kind.DEMOLITION_DECISION: "serve_decision",
    Act.Kind.COERCIVE_DECISION: "serve_coercive",
}


@transaction.atomic
def case_serve(*, case: Case, acting_user: User, kind: str, service: dict[str, Any]) -> ServiceRecord:
    """送达: officers serve a signed decision; its periods (and the party's rights) run from now."""
    act = (
        Act.objects.filter(case=case, kind=kind, served_at__isnull=True, revoked_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if kind not in SERVED_LATER or act is None:
        raise GateRefused(gates.NOTHING_TO_SERVE)
    rules.require(case=case, act=SERVE_STEP[kind], service=service, act_kind=kind)
    record = _serve_and_record(act=act, acting_user=acting_user, service=service)
    if kind in (Act.Kind.CORRECTION_DECISION, Act.Kind.DEMOLITION_DECISION):
        periods.stop(case=case, code=clocks.SERVE_DECISION, acting_user=acting_user)
        periods.start(case=case, code=clocks.REVIEW_PERIOD, start=record.effective_at, acting_user=acting_user)
        periods.start(case=case, code=clocks.LAWSUIT_PERIOD, start=record.effective_at, acting_user=acting_user)
    audit.record(
        actor=acting_user,
        action="case.serve",
        obj=case,
        data={"act": act.pk, "kind": kind, "served_at": record.served_at, "deemed_served_at": act.served_at},
    )
    return record


@transaction.atomic
def case_execute(
    *,
    case: Case,
    acting_user: User,
    officer2: User,
    executed_at: dt.datetime,
    plan: str,
    record: str,
    inventory: str,
    witnesses: str,
) -> Execution:
    if executed_at > clock.now():
        raise GateRefused(gates.EXECUTION_IN_FUTURE, field="executed_at")
    rules.require(case=case, act="execute", officer1=acting_user, officer2=officer2, executed_at=executed_at)
    execution = Execution.objects.create(
        case=case,
        created_by=acting_user,
        officer1=acting_user,
        officer2=officer2,
        executed_at=executed_at,
        plan=plan,
        record=record,
        inventory=inventory,
        witnesses=witnesses,
    )
    _set_stage(case, Case.Stage.CLOSING)
    audit.record(actor=acting_user, action="case.execute", obj=case, data={"executed_at": executed_at})
    return execution


# --- Close ----------------------------------------------------------------------------


@transaction.atomic
def case_closing_report(*, case: Case, acting_user: User, summary: str) -> ClosingReport:
    report = ClosingReport.objects.create(case=case, created_by=acting_user, summary=summary)
    _set_stage(case, Case.Stage.CLOSING)
    audit.record(actor=acting_user, action="case.closing_report", obj=case)
    return report


def _closing_outcome(case: Case) -> str:
    if Execution.objects.filter(case=case).exists():
        return _("Demolished by the bureau after the waiting periods")
    if case.correctable:
        return _("Corrected by the party")
    return _("Demolished by the party")


@transaction.atomic
def case_closing_approve(*, case: Case, acting_user: User, approve: bool, comment: str) -> Case:
    _require_role(acting_user, "squadlead")
    report = ClosingReport.objects.filter(case=case, approved_at__isnull=True).order_by("-id").first()
    if report is not None and approve:
        report.approved_by = acting_user
        report.approved_at = clock.now()
        report.save(update_fields=["approved_by", "approved_at"])
        paperwork.issue_closing_report(
            case=case, summary=report.summary, outcome=_closing_outcome(case), approved_by=acting_user
        )
        case.stage = Case.Stage.ARCHIVED
        case.closed_at = clock.now()
        case.close_reason = report.summary
        case.save(update_fields=["stage", "closed_at", "close_reason"])
        periods.stop_all(case=case, acting_user=acting_user)
    audit.record(actor=acting_user, action="case.closing_approve", obj=case, reason=comment, data={"approve": approve})
    return case


# --- Service attempts, consent, the government's order ------------------------------------


@transaction.atomic
def case_record_service_attempt(
    *, case: Case, acting_user: User, act_kind: str, method: str, attempted_at: dt.datetime, reason: str
) -> ServiceAttempt:
    """A failed attempt to serve; service by announcement needs one (民事诉讼法 art. 95)."""
    attempt = ServiceAttempt.objects.create(
        case=case, created_by=acting_user, act_kind=act_kind, method=method, attempted_at=attempted_at, reason=reason
    )
    audit.record(actor=acting_user, action="case.service_attempt", obj=case, reason=reason,
                 data={"act_kind": act_kind, "method": method})
    return attempt


@transaction.atomic
def case_record_service_consent(
    *, case: Case, acting_user: User, channel: str, consented_on: dt.date
) -> ServiceConsent:
    """The party's consent to electronic service (民事诉讼法 art. 90)."""
    consent = ServiceConsent.objects.create(
        case=case, created_by=acting_user, channel=channel, consented_on=consented_on
    )
    audit.record(actor=acting_user, action="case.service_consent", obj=case, data={"consented_on": consented_on})
    return consent


@transaction.atomic
def case_record_government_order(
    *, case: Case, acting_user: User, issuer: str, number: str, issued_on: dt.date, scan: Any
) -> GovernmentOrder:
    """责成 (UPL art. 68): the county-level government's order, with its scan kept as evidence."""
    evidence = evidence_add(case=case, acting_user=acting_user, file=scan, description=f"{issuer} {number}")
    order = GovernmentOrder.objects.create(
        case=case, created_by=acting_user, issuer=issuer, number=number, issued_on=issued_on, scan=evidence
    )
    audit.record(actor=acting_user, action="case.government_order", obj=case,
                 data={"issuer": issuer, "number": number, "issued_on": issued_on})
    return order


# --- Challenges -----------------------------------------------------------------------


@transaction.atomic
def case_challenge_record(*, case: Case, acting_user: User, kind: str, filed_on: dt.date, body: str) -> Challenge:
    decision = selectors.decision(case)
    if decision is None:
        raise GateRefused(gates.NO_DECISION_TO_CHALLENGE)
    challenge = Challenge.objects.create(
        case=case, created_by=acting_user, act=decision, kind=kind, filed_on=filed_on, body=body
    )
    audit.record(actor=acting_user, action="case.challenge", obj=case, data={"kind": kind, "filed_on": filed_on})
    return challenge


@transaction.atomic
def case_challenge_outcome(
    *,
    challenge: Challenge,
    acting_user: User,
    outcome: str,
    outcome_on: dt.date,
    note: str,
    outcome_served_on: dt.date | None = None,
) -> Challenge:
    """The review decision or judgment; in the bureau's favour, the party's next window (15 days to sue
    or to appeal) runs from its service as a clock (行政诉讼法 arts. 45 and 85)."""
    if challenge.outcome != Challenge.Outcome.PENDING:
        raise GateRefused(gates.CHALLENGE_ALREADY_DECIDED)
    favours = outcome in (Challenge.Outcome.UPHELD, Challenge.Outcome.DISMISSED)
    next_window: dict[str, str] = {
        Challenge.Kind.REVIEW: clocks.LAWSUIT_AFTER_REVIEW,
        Challenge.Kind.LAWSUIT: clocks.APPEAL_PERIOD,
    }
    code = next_window.get(challenge.kind) if favours else None
    if code is not None and outcome_served_on is None:
        raise GateRefused(gates.OUTCOME_SERVED_REQUIRED, field="outcome_served_on")
    challenge.outcome = outcome
    challenge.outcome_on = outcome_on
    challenge.outcome_served_on = outcome_served_on
    challenge.outcome_note = note
    challenge.save(update_fields=["outcome", "outcome_on", "outcome_served_on", "outcome_note"])
    case = challenge.case
    if code is not None and outcome_served_on is not None:
        served = dt.datetime.combine(outcome_served_on, dt.time(12), tzinfo=timezone.get_current_timezone())
        periods.restart(case=case, code=code, start=served, acting_user=acting_user)
    audit.record(
        actor=acting_user, action="case.challenge_outcome", obj=case,
        data={"outcome": outcome, "outcome_served_on": outcome_served_on},
    )
    if outcome == Challenge.Outcome.REVOKED:
        _revoke_decision(case=case, act=challenge.act, acting_user=acting_user, reason=note)
    return challenge


def _revoke_decision(*, case: Case, act: Act, acting_user: User, reason: str) -> None:
    """A revoked decision is withdrawn from public view and stops the enforcement process."""
    now = clock.now()
    act.revoked_at = now
    act.revoke_reason = reason
    act.save(update_fields=["revoked_at", "revoke_reason"])
    Disclosure.objects.filter(act=act, withdrawn_at__isnull=True).update(withdrawn_at=now)
    paperwork.revoke(act=act, reason=reason)
    case.stage = Case.Stage.CLOSED
    case.closed_at = now
    case.close_reason = reason
    case.save(update_fields=["stage", "closed_at", "close_reason"])
    periods.stop_all(case=case, acting_user=acting_user)
    audit.record(actor=acting_user, action="case.decision_revoked", obj=case, reason=reason, data={"act": act.pk})
    process = selectors.process_of(case)
    if process is not None:
        from .flows import CaseFlow

        CaseFlow.instance.cancel(process)
