"""Business actions of the permit process. Each is atomic, audited and checks who may act."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, F, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from workflows import audit, calendar, clock
from workflows.flowviews import task_execution
from workflows.jurisdiction import is_visible
from workflows.models import County, User
from workflows.numbering import next_sequence
from workflows.roles import ROLES, has_role

from .clocks import ACCEPTANCE_WORKING_DAYS, OVERALL
from .models import (
    AffectedParty,
    Attachment,
    FacilityType,
    FollowUp,
    Hearing,
    MaterialRequirement,
    Opinion,
    Permit,
    PermitApplication,
    PermitProcess,
    PermitRequest,
    Rating,
)
from .uploads import MAX_FILES_PER_APPLICATION, UPLOAD_TOO_MANY_TOTAL, CheckedUpload

Status = PermitApplication.Status

# Error messages (tests assert them exactly).
NOT_YOUR_APPLICATION = _("Only the applicant may do this.")
NOT_OPEN = _("This application is no longer open.")
ALREADY_DECIDED = _("The decision has been made; the application can no longer be withdrawn.")
NO_SUPPLEMENT_PENDING = _("No supplement is awaited for this application.")
SUPPLEMENT_ONCE = _("Materials may be requested only once (一次性告知); accept or refuse to accept now.")
MISSING_ITEMS_REQUIRED = _("List every missing item in the supplement notice.")
SUPPLEMENT_WINDOW_PASSED = _(
    "ALL art. 32: the 5 working days to notify a supplement have passed (materials arrived on %(date)s); the"
    " application counts as accepted from that day — accept it now."
)
REASON_REQUIRED = _("Give the reason.")
AUTHORITY_REQUIRED = _("Say where the applicant should apply instead.")
UNKNOWN_FACILITY_TYPE = _("Unknown facility type.")
NOT_A_STAFF_DECISION = _("You may not decide this.")
EXTENSION_ONCE = _("The statutory limit may be extended only once.")
EXTENSION_NOT_OPEN = _("Only an application under review can be extended.")
EXTENSION_LEADER_ONLY = _("ALL art. 42: only the head of the bureau may approve extending the time limit.")
EXTENSION_AFTER_LIMIT = _(
    "ALL art. 42: the 20 working days ended on %(date)s; the time limit can be extended only before it expires."
)
HEARING_TOO_LATE = _("A hearing can be requested only before the review is countersigned.")
HEARING_REQUEST_LATE = _("A hearing must be requested within 5 working days of the hearing notice.")
HEARING_ALREADY_REQUESTED = _("A hearing has already been requested.")
HEARING_RIGHT_OPEN = _(
    "ALL art. 47: the applicant may request a hearing until %(date)s; before then only the applicant's own written"
    " waiver ends that right."
)
HEARING_REQUESTED_NOT_WAIVABLE = _(
    "ALL art. 47: the applicant has requested a hearing; only the applicant's own written waiver cancels it."
)
HEARING_NOT_WAIVABLE = _("There is no pending hearing to waive.")
HEARING_SCHEDULED_NOT_WAIVABLE = _(
    "ALL art. 47: before the hearing date (%(date)s) only the applicant's own written waiver cancels the hearing."
)
WAIVER_STATEMENT_REQUIRED = _("Write the waiver statement in your own words.")
HEARING_NOTICE_IN_FUTURE = _("The notice of the hearing cannot be dated in the future.")
HEARING_NOTICE_BEFORE_INFORMED = _("The notice of time and place cannot precede the hearing notice.")
HEARING_NOTICE_TOO_SHORT = _(
    "The hearing must be at least 7 working days after the notice of its time and place (on or after %(date)s)."
)
HEARING_BEYOND_WINDOW = _("The hearing must be held within 20 working days of the request (by %(date)s).")
HEARING_PLACE_REQUIRED = _("Give the place of the hearing.")
HEARING_DATE_REQUIRED = _("Give the date of the hearing and the day its notice was sent.")
HEARING_HELD_ON_MISMATCH = _("Enter the scheduled hearing date (%(date)s).")
NEIGHBOURS_REQUIRED = _("Enter every affected neighbour: name, address and phone.")
STATEMENT_PERIOD_OPEN = _(
    "The applicant and the neighbours may still make statements until %(date)s; decide once every statement is"
    " recorded or the period has ended."
)
STATEMENT_PERIOD_CLOSED = _("The statement period has ended.")
STATEMENT_REQUIRED = _("Enter the statement.")
STATEMENT_ALREADY_RECORDED = _("This statement has already been recorded.")
HEARING_NOT_YET = _("A hearing cannot be recorded before it is held.")
RATING_NOT_FINISHED = _("An application can be rated once it is finished.")
RATING_ONCE = _("This application has already been rated.")
RENEWAL_TOO_LATE = _("A renewal must be applied for at least 30 days before the permit expires.")
RENEWAL_PENDING = _("A renewal of this permit is already pending.")
RENEWAL_UNTIL_INVALID = _("The renewed validity must end after the current one and within the facility type's limit.")
PERMIT_NOT_ACTIVE = _("This permit is not active.")
REQUEST_DECIDED = _("This request has already been decided.")
NOTHING_TO_CHANGE = _("Nothing would change.")
VALID_UNTIL_BEFORE_START = _("The permit would end before it starts (%(date)s).")
# Notification titles to the applicant and the chief.
TOLD_ACCEPTED = _("has been accepted; the decision is due within 13 working days.")
TOLD_SUPPLEMENT = _("is incomplete: submit the listed materials online within 10 working days.")
TOLD_NOT_ACCEPTED = _("has not been accepted.")
TOLD_SUPPLEMENT_EXPIRED = _("is treated as withdrawn: no supplement within the period.")
TOLD_HEARING = _("goes to a hearing; the time limit is paused meanwhile.")
TOLD_HEARING_SCHEDULED = _("hearing scheduled: date and place below.")
TOLD_HEARING_WAIVED = _("the applicant waived the hearing in writing.")
TOLD_NEIGHBOURS = _(
    "directly affects neighbours' major interests: you and the neighbours may make statements until the date below."
)
TOLD_EXTENDED = _("the statutory time limit has been extended by 10 working days.")
TOLD_GRANTED = _("has been granted; the permit can be downloaded.")
TOLD_REFUSED = _("has been refused; see the reasons and your rights.")
TOLD_UNSATISFIED = _("was rated unsatisfied: follow up with the applicant.")
TOLD_RENEWAL_DECIDED = _("renewal or change decided.")
TOLD_EXPIRY = _("expires within 30 days: apply for renewal or remove the facility.")
SUPPLEMENT_WORKING_DAYS = 10
RENEWAL_MIN_DAYS_BEFORE_EXPIRY = 30
EXPIRY_REMINDER_DAYS = 30
LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8))


def _next_number(county: County) -> str:
    """GG + year + county code + a six-digit sequence (wider past 999,999; never reused).

    The sequence is an integer counter per county and year (workflows.numbering): no string
    ordering, and no lock on the county row that every new row's foreign key reads.
    """
    year = clock.today().year
    prefix = f"GG{year}{county.code}"

    def issued() -> int:
        suffix = Cast(Substr("number", len(prefix) + 1), BigIntegerField())
        found = PermitApplication.objects.filter(number__startswith=prefix).aggregate(last=Max(suffix))["last"]
        return int(found or 0)

    seq = next_sequence(series=f"application:{county.code}", year=year, start_from=issued)
    return f"{prefix}{seq:06d}"


def _require_applicant(application: PermitApplication, user: User) -> None:
    if application.applicant_id != user.pk:
        raise PermissionDenied(NOT_YOUR_APPLICATION)


def _store_attachments(
    *,
    application: PermitApplication,
    uploads: Iterable[tuple[str, CheckedUpload]],
    purpose: str,
    acting_user: User,
    stored: list[Attachment],
) -> None:
    for requirement, checked in uploads:
        attachment = Attachment(
            application=application,
            purpose=purpose,
            requirement=requirement,
            original_name=checked.original_name,
            mime_type=checked.mime_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=acting_user,
        )
        attachment.file.save(f"upload.{checked.extension}", checked.file, save=False)
        stored.append(attachment)
        attachment.save()
    if application.attachments.count() > MAX_FILES_PER_APPLICATION:
        raise ValidationError(UPLOAD_TOO_MANY_TOTAL, params={"limit": MAX_FILES_PER_APPLICATION})


def _discard_files(stored: list[Attachment]) -> None:
    # The transaction rolls the rows back; the bytes on disk must go too.
    for attachment in stored:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def _add_working_days(start: dt.date, days: int) -> dt.date:
    return calendar.add_working_days(start, days)


# --- Official documents (workflows.documents) ---------------------------------------------
# Document data is the text printed on the Chinese official form, not UI text: it stays Chinese.

LIGHTING_ON_PERMIT = {"none": "无照明", "internal": "内透光", "external": "外投光", "self_luminous": "自发光（LED）"}
HEARING_REQUESTED_TEXT = "申请人依法提出听证申请"
HEARING_FLAGGED_TEXT = "该设施直接关系他人重大利益或涉及公共利益"
HEARING_BY_LAW_TEXT = "依法应当听证"
HEARING_REQUEST_WORKING_DAYS = 5
HEARING_WINDOW_WORKING_DAYS = 20
HEARING_NOTICE_WORKING_DAYS = 7
STATEMENT_WORKING_DAYS = 5
# An SMS to a neighbour (not a user of the system); official text, so it stays Chinese.
NEIGHBOUR_SMS_TEXT = (
    "【{sign}】{address}拟设置户外广告设施（申请号{number}），可能直接关系您的重大利益。"
    "您可于{until}前向我局陈述意见。"
)
NEIGHBOUR_HEARING_RIGHT_SMS_TEXT = (
    "【{sign}】{address}拟设置户外广告设施（申请号{number}），您作为利害关系人享有要求听证的权利，"
    "可于{deadline}前向我局书面提出，听证告知书已另行送达。"
)
NEIGHBOUR_HEARING_DATE_SMS_TEXT = (
    "【{sign}】{address}户外广告设施许可申请（申请号{number}）定于{date}在{place}举行听证，您作为利害关系人可以参加。"
)
CHANGE_REASON_TEXT = "持证人申请变更许可事项"


def _base_data(application: PermitApplication) -> dict[str, Any]:
    return {
        "application_number": application.number,
        "facility_type": application.facility_name,
        "address": application.address,
    }


def _local_date(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _issue(
    application: PermitApplication,
    kind: str,
    acting_user: User | None,
    data: dict[str, Any],
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    holder_name: str | None = None,
) -> Any:
    from workflows.documents.services import document_issue

    return document_issue(
        kind=kind,
        county=application.county,
        subject=application,
        holder_name=holder_name or application.applicant.display_name,
        data={**_base_data(application), **data},
        acting_user=acting_user,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _size_text(application: PermitApplication) -> str:
    return f"宽{application.width_m}米 × 高{application.height_m}米"


def _coordinates_text(application: PermitApplication) -> str:
    if application.longitude is None or application.latitude is None:
        return "未提供"
    return f"东经{application.longitude}°，北纬{application.latitude}°"


def _permit_data(application: PermitApplication, permit: Permit | None = None) -> dict[str, Any]:
    return {
        "coordinates": _coordinates_text(application),
        "size": _size_text(application),
        "height_above_ground": f"{application.height_above_ground_m}米",
        "material": permit.material if permit else application.material,
        "lighting": LIGHTING_ON_PERMIT.get(permit.lighting if permit else application.lighting, ""),
        "content": permit.content if permit else application.content,
    }


def permit_documents(application: PermitApplication) -> Any:
    from workflows.documents.models import IssuedDocument
    from workflows.documents.selectors import documents_for

    return documents_for(application).filter(kind="ad_permit", status=IssuedDocument.Status.VALID)


# --- Clock and notification helpers (time engine) ---------------------------------------


def overall_clock(application: PermitApplication) -> Any:
    from workflows.sla.selectors import open_clock

    return open_clock(application, OVERALL)


def _start_overall_clock(application: PermitApplication, acting_user: User) -> Any:
    from workflows.sla.services import clock_start

    # ALL art. 32: a late acceptance decision counts as acceptance on the day the complete materials arrived.
    return clock_start(
        subject=application,
        rule=OVERALL,
        county=application.county,
        start=_materials_arrived_at(application) if _acceptance_window_passed(application) else None,
        acting_user=acting_user,
    )


def _materials_arrived_at(application: PermitApplication) -> dt.datetime:
    """When the materials the acceptance decision is about arrived: the supplement restarts the window (art. 32)."""
    return application.supplement_answered_at or application.submitted_at


def _acceptance_window_passed(application: PermitApplication) -> bool:
    arrived = timezone.localtime(_materials_arrived_at(application)).date()
    return calendar.working_days_between(arrived, clock.today()) > ACCEPTANCE_WORKING_DAYS


def _stop_overall_clock(application: PermitApplication, acting_user: User | None) -> None:
    from workflows.sla.services import clock_stop

    item = overall_clock(application)
    if item is not None:
        clock_stop(clock=item, acting_user=acting_user)


def _tell_applicant(application: PermitApplication, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    notify(
        users=[application.applicant],
        subject_obj=application,
        title=f"{application.number} {title}",
        body=str(body),
        url=f"/ads/applications/{application.pk}/",
    )


def _tell_chiefs(application: PermitApplication, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    chiefs = User.objects.filter(groups__name=ROLES["chief"].group_name, county=application.county)
    notify(
        users=list(chiefs),
        subject_obj=application,
        title=f"{application.number} {title}",
        body=str(body),
        level="warning",
        url=f"/ads/applications/{application.pk}/",
    )


def _record_opinion(
    *,
    application: PermitApplication,
    step: str,
    decision: str,
    comment: str,
    author: User,
    data: dict[str, Any] | None = None,
) -> Opinion:
    return Opinion.objects.create(
        application=application, step=step, decision=decision, comment=comment, author=author, data=data or {}
    )


def _process_of(application: PermitApplication) -> PermitProcess:
    return PermitProcess.objects.get(application=application)


def _lock_application(application: PermitApplication) -> PermitApplication:
    """Lock for a service that acts outside a step: its process row first, then the application —
    the order every step takes (workflows.concurrency), so a step and this service cannot deadlock."""
    PermitProcess.objects.select_for_update().filter(application_id=application.pk).exists()
    return PermitApplication.objects.select_for_update(no_key=True).get(pk=application.pk)


def _flow() -> Any:
    from .flows import PermitFlow

    return PermitFlow


# --- Applicant registration -------------------------------------------------------------


@transaction.atomic
def applicant_register(
    *,
    username: str,
    password: str,
    kind: str,
    real_name: str,
    phone: str,
    company_name: str = "",
    credit_code: str = "",
    id_number: str = "",
) -> User:
    user = User(
        username=username,
        kind=kind,
        real_name=real_name,
        phone=phone,
        company_name=company_name if kind == User.Kind.COMPANY else "",
        credit_code=credit_code if kind == User.Kind.COMPANY else "",
        id_number=id_number if kind == User.Kind.PERSON else "",
    )
    validate_password(password, user=user)  # AUTH_PASSWORD_VALIDATORS, whichever path registers
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=ROLES["applicant"].group_name)[0])
    audit.record(actor=user, action="applicant.register", obj=user, data={"kind": kind})
    return user


# --- Application -------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    acting_user: User,
    county: County,
    facility_type: str,
    address: str,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    width_m: Decimal = Decimal("0"),
    height_m: Decimal = Decimal("0"),
    height_above_ground_m: Decimal = Decimal("0"),
    material: str = "",
    lighting: str = PermitApplication.Lighting.NONE,
    content: str = "",
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
    contact_phone: str = "",
    hearing_requested: bool = False,
    uploads: Iterable[tuple[str, CheckedUpload]] = (),
) -> PermitApplication:
    """Create the application, keep its checked uploads and start the process at acceptance."""
    if not FacilityType.objects.filter(code=facility_type).exists():
        raise ValidationError({"facility_type": UNKNOWN_FACILITY_TYPE})
    stored: list[Attachment] = []
    try:
        application = PermitApplication.objects.create(
            number=_next_number(county),
            lookup_code=_lookup_code(),
            applicant=acting_user,
            county=county,
            facility_type=facility_type,
            address=address,
            longitude=longitude,
            latitude=latitude,
            width_m=width_m,
            height_m=height_m,
            height_above_ground_m=height_above_ground_m,
            material=material,
            lighting=lighting,
            content=content,
            period_from=period_from,
            period_until=period_until,
            contact_phone=contact_phone,
            hearing_requested=hearing_requested,
            submitted_at=clock.now(),
        )
        _store_attachments(
            application=application,
            uploads=uploads,
            purpose=Attachment.Purpose.MATERIAL,
            acting_user=acting_user,
            stored=stored,
        )
        audit.record(
            actor=acting_user,
            action="application.submit",
            obj=application,
            data={"facility_type": facility_type, "files": len(stored)},
        )
        _flow().start.run(application=application)
    except BaseException:
        _discard_files(stored)
        raise
    return application


@transaction.atomic
def application_accept_decide(
    *,
    task: Any,
    acting_user: User,
    decision: str,
    comment: str = "",
    missing_items: list[str] | None = None,
    supplement_note: str = "",
    competent_authority: str = "",
) -> PermitApplication:
    """The clerk's acceptance decision: accept, one-time supplement notice, or refuse to accept."""
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.accept) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        now = clock.now()
        if decision == "supplement":
            if application.supplement_requested_at is not None:
                raise ValidationError({"decision": SUPPLEMENT_ONCE})
            if _acceptance_window_passed(application):
                arrived = _local_date(_materials_arrived_at(application))
                raise ValidationError({"decision": SUPPLEMENT_WINDOW_PASSED % {"date": arrived}})
            if not missing_items:
                raise ValidationError({"missing_items": MISSING_ITEMS_REQUIRED})
            application.status = Status.SUPPLEMENT
            application.supplement_items = list(missing_items)
            application.supplement_note = supplement_note
            application.supplement_requested_at = now
            application.supplement_due = _add_working_days(clock.today(), SUPPLEMENT_WORKING_DAYS)
        elif decision == "refuse":
            if not comment:
                raise ValidationError({"comment": REASON_REQUIRED})
            if not competent_authority:
                raise ValidationError({"competent_authority": AUTHORITY_REQUIRED})
            application.status = Status.NOT_ACCEPTED
            application.refusal_reason = comment
            application.competent_authority = competent_authority
            application.closed_at = now
        else:
            application.status = Status.ACCEPTED
            application.accepted_at = now
        application.save()
        submitted_on = _local_date(application.submitted_at)
        if decision == "accept":
            item = _start_overall_clock(application, acting_user)
            _issue(
                application,
                "ad_acceptance",
                acting_user,
                {
                    "submitted_on": submitted_on,
                    "materials_complete_on": _local_date(application.supplement_answered_at)
                    if application.supplement_answered_at
                    else "",
                    "accepted_on": item.start_date.isoformat(),
                    "due_on": item.due_date.isoformat(),
                    "statutory_due_on": item.statutory_due_date.isoformat() if item.statutory_due_date else "",
                },
            )
            _tell_applicant(application, TOLD_ACCEPTED)
        elif decision == "supplement":
            titles = requirement_titles(application)
            items = [titles[code] for code in missing_items or [] if code in titles]
            if supplement_note:
                items.append(supplement_note)
            _issue(
                application,
                "ad_supplement",
                acting_user,
                {
                    "submitted_on": submitted_on,
                    "missing_items": items,
                    "supplement_deadline": application.supplement_due.isoformat() if application.supplement_due else "",
                },
            )
            _tell_applicant(application, TOLD_SUPPLEMENT, supplement_note)
        else:
            _issue(
                application,
                "ad_refuse_acceptance",
                acting_user,
                {"submitted_on": submitted_on, "reason": comment, "competent_authority": competent_authority},
            )
            _tell_applicant(application, TOLD_NOT_ACCEPTED, comment)
        process.acceptance = decision
        process.save(update_fields=["acceptance"])
        _record_opinion(
            application=application,
            step=Opinion.Step.ACCEPTANCE,
            decision=decision,
            comment=comment,
            author=acting_user,
            data={"missing_items": list(missing_items or []), "competent_authority": competent_authority},
        )
        audit.record(
            actor=acting_user,
            action=f"application.acceptance.{decision}",
            obj=application,
            reason=comment,
            data={"missing_items": list(missing_items or [])},
        )
    return application


def _open_supplement_task(application: PermitApplication) -> Any:
    from viewflow.workflow.models import Task

    return Task.objects.filter(
        process__permitprocess__application=application, flow_task=_flow().supplement, status=STATUS.NEW
    ).first()


@transaction.atomic
def application_supplement_answer(
    *, application: PermitApplication, acting_user: User, uploads: Iterable[tuple[str, CheckedUpload]], note: str = ""
) -> PermitApplication:
    """The applicant answers the supplement notice online; the clerk decides on acceptance again."""
    _require_applicant(application, acting_user)
    application = _lock_application(application)
    task = _open_supplement_task(application)
    if application.status != Status.SUPPLEMENT or task is None:
        raise ValidationError(NO_SUPPLEMENT_PENDING)
    stored: list[Attachment] = []
    try:
        _store_attachments(
            application=application,
            uploads=uploads,
            purpose=Attachment.Purpose.SUPPLEMENT,
            acting_user=acting_user,
            stored=stored,
        )
        application.status = Status.SUBMITTED
        application.supplement_answered_at = clock.now()
        application.save()
        PermitProcess.objects.filter(application=application).update(supplement_answered=True)
        audit.record(
            actor=acting_user,
            action="application.supplement.answer",
            obj=application,
            reason=note,
            data={"files": len(stored)},
        )
        _flow().supplement.run(task)
    except BaseException:
        _discard_files(stored)
        raise
    return application


@transaction.atomic
def application_supplement_expire(*, application: PermitApplication) -> bool:
    """No answer within the supplement period: the application is treated as withdrawn."""
    application = _lock_application(application)
    task = _open_supplement_task(application)
    if application.status != Status.SUPPLEMENT or task is None:
        return False
    if application.supplement_due is None or clock.today() <= application.supplement_due:
        return False
    application.status = Status.WITHDRAWN
    application.closed_at = clock.now()
    application.save()
    PermitProcess.objects.filter(application=application).update(supplement_answered=False)
    audit.record(
        actor=None,
        action="application.supplement.expired",
        obj=application,
        data={"due": application.supplement_due.isoformat()},
    )
    _tell_applicant(application, TOLD_SUPPLEMENT_EXPIRED)
    _flow().supplement.run(task)
    return True


def supplements_expire_due() -> int:
    """Sweeper: withdraw every application whose supplement period has passed (idempotent)."""
    count = 0
    for application in PermitApplication.objects.filter(
        status=Status.SUPPLEMENT, supplement_due__lt=clock.today()
    ).only("pk"):
        if application_supplement_expire(application=application):
            count += 1
    return count


def statement_period_open(application: PermitApplication) -> bool:
    """Open until its end date, or until every party told has made a statement."""
    until = application.statement_period_until
    if until is None or clock.today() > until:
        return False
    return application.affected_parties.filter(statement_at__isnull=True).exists()


def _neighbours_notify(*, application: PermitApplication, neighbours: list[dict[str, str]], acting_user: User) -> None:
    """The reviewer's neighbours are told (SMS) and the applicant too; their statements are awaited."""
    if application.statement_period_until is None:
        application.statement_period_until = calendar.add_working_days(clock.today(), STATEMENT_WORKING_DAYS)
    application.neighbours_affected = True
    application.save(update_fields=["neighbours_affected", "statement_period_until"])
    until = application.statement_period_until
    now = clock.now()
    if not application.affected_parties.filter(kind=AffectedParty.Kind.APPLICANT).exists():
        AffectedParty.objects.create(
            application=application,
            kind=AffectedParty.Kind.APPLICANT,
            name=application.applicant.display_name,
            entered_by=acting_user,
            notified_at=now,
        )
    known = set(application.affected_parties.values_list("name", "address"))
    told = []
    for neighbour in neighbours:
        if (neighbour["name"], neighbour["address"]) in known:
            continue
        party = AffectedParty.objects.create(
            application=application,
            kind=AffectedParty.Kind.NEIGHBOUR,
            name=neighbour["name"],
            address=neighbour["address"],
            phone=neighbour["phone"],
            entered_by=acting_user,
            notified_at=now,
        )
        told.append(party)
    _sms_neighbours(application, told, NEIGHBOUR_SMS_TEXT, until=until.isoformat())
    _tell_applicant(application, TOLD_NEIGHBOURS, until.isoformat())
    # Names and phones are personal data: the audit keeps only how many were told.
    audit.record(
        actor=acting_user,
        action="application.neighbours.notify",
        obj=application,
        data={"neighbours": len(told), "until": until.isoformat()},
    )


@transaction.atomic
def party_statement_record(*, party: AffectedParty, acting_user: User, statement: str) -> AffectedParty:
    """The applicant states online; a reviewer of the county records what a neighbour said."""
    application = party.application
    if party.kind == AffectedParty.Kind.APPLICANT:
        _require_applicant(application, acting_user)
    elif not (
        acting_user.has_perm("outdoor_ads.review_permit")
        and is_visible(acting_user, PermitApplication, application.pk)
    ):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not statement.strip():
        raise ValidationError({"statement": STATEMENT_REQUIRED})
    application = _lock_application(application)
    party = AffectedParty.objects.select_for_update(no_key=True).get(pk=party.pk)
    if party.statement_at is not None:
        raise ValidationError(STATEMENT_ALREADY_RECORDED)
    if application.statement_period_until is None or clock.today() > application.statement_period_until:
        raise ValidationError(STATEMENT_PERIOD_CLOSED)
    party.statement = statement.strip()
    party.statement_at = clock.now()
    party.recorded_by = acting_user
    party.save(update_fields=["statement", "statement_at", "recorded_by"])
    audit.record(
        actor=acting_user, action=f"application.statement.{party.kind}", obj=application, reason=party.statement
    )
    return party


@transaction.atomic
def application_review(
    *,
    task: Any,
    acting_user: User,
    decision: str,
    comment: str,
    hearing_flag: bool = False,
    neighbours_affected: bool = False,
    neighbours: list[dict[str, str]] | None = None,
) -> PermitApplication:
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.review) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        if neighbours_affected:
            if not neighbours and not application.affected_parties.filter(kind=AffectedParty.Kind.NEIGHBOUR).exists():
                raise ValidationError({"neighbours": NEIGHBOURS_REQUIRED})
            _neighbours_notify(application=application, neighbours=neighbours or [], acting_user=acting_user)
        process.countersigned = False
        process.hearing_flagged = bool(hearing_flag)
        process.save(update_fields=["countersigned", "hearing_flagged"])
        _record_opinion(
            application=application,
            step=Opinion.Step.REVIEW,
            decision=decision,
            comment=comment,
            author=acting_user,
            data={"hearing_flag": bool(hearing_flag)},
        )
        audit.record(actor=acting_user, action=f"application.review.{decision}", obj=application, reason=comment)
    return application


@transaction.atomic
def application_countersign(*, task: Any, acting_user: User, decision: str, comment: str) -> PermitApplication:
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.countersign) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        agreed = decision == "agree"
        process.countersigned = agreed
        process.save(update_fields=["countersigned"])
        if agreed and not process.survey_required:
            application.status = Status.HEARING if process.hearing_required else Status.DECIDING
        elif agreed:
            application.status = Status.SURVEY
        application.save(update_fields=["status"])
        _record_opinion(
            application=application,
            step=Opinion.Step.COUNTERSIGN,
            decision=decision,
            comment=comment,
            author=acting_user,
        )
        audit.record(actor=acting_user, action=f"application.countersign.{decision}", obj=application, reason=comment)
    if agreed and not process.survey_required and process.hearing_required:
        _hearing_opened(application=application, acting_user=acting_user)
    return application


@transaction.atomic
def application_survey(
    *, task: Any, acting_user: User, decision: str, comment: str, photos: Iterable[CheckedUpload] = ()
) -> PermitApplication:
    flow = _flow()
    stored: list[Attachment] = []
    try:
        with task_execution(task=task, acting_user=acting_user, node=flow.survey) as activation:
            process: PermitProcess = activation.process
            application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
            _store_attachments(
                application=application,
                uploads=[("survey", photo) for photo in photos],
                purpose=Attachment.Purpose.SURVEY,
                acting_user=acting_user,
                stored=stored,
            )
            application.status = Status.HEARING if process.hearing_required else Status.DECIDING
            application.save(update_fields=["status"])
            _record_opinion(
                application=application,
                step=Opinion.Step.SURVEY,
                decision=decision,
                comment=comment,
                author=acting_user,
                data={"photos": len(stored)},
            )
            audit.record(actor=acting_user, action=f"application.survey.{decision}", obj=application, reason=comment)
        if process.hearing_required:
            _hearing_opened(application=application, acting_user=acting_user)
    except BaseException:
        _discard_files(stored)
        raise
    return application


def _hearing_opened(*, application: PermitApplication, acting_user: User) -> None:
    """The hearing is scheduled: the applicant is told and the clock pauses (ALL art. 45)."""
    from workflows.sla.models import PauseReason
    from workflows.sla.services import clock_pause

    item = overall_clock(application)
    if item is not None and not item.is_paused:
        clock_pause(clock=item, reason=PauseReason.HEARING, note=str(TOLD_HEARING), acting_user=acting_user)
    process = _process_of(application)
    if application.hearing_requested:
        reason = HEARING_REQUESTED_TEXT
    elif process.hearing_flagged:
        reason = HEARING_FLAGGED_TEXT
    else:
        reason = HEARING_BY_LAW_TEXT
    # The notice is a reviewer's document; after a site survey the system issues it.
    issuer = acting_user if has_role(acting_user, "reviewer") or has_role(acting_user, "chief") else None
    today = clock.today()
    request_deadline = calendar.add_working_days(today, HEARING_REQUEST_WORKING_DAYS)
    Hearing.objects.update_or_create(
        application=application,
        defaults={
            "informed_on": today,
            "request_deadline": request_deadline,
            "requested_on": today if application.hearing_requested else None,
        },
    )
    from . import hearings

    hearings.neighbour_rights_open(application=application, informed_on=today, request_deadline=request_deadline)
    _issue(
        application,
        "ad_hearing_notice",
        issuer,
        {
            "hearing_reason": reason,
            "request_deadline": request_deadline.isoformat(),
            "contact": application.county.name,
        },
    )
    # ALL art. 47: every 利害关系人 on record is told in writing of the right too.
    neighbours = list(application.affected_parties.filter(kind=AffectedParty.Kind.NEIGHBOUR))
    for party in neighbours:
        _issue(
            application,
            "ad_hearing_notice",
            issuer,
            {
                "hearing_reason": reason,
                "request_deadline": request_deadline.isoformat(),
                "contact": application.county.name,
                "party": "neighbour",
            },
            holder_name=party.name,
        )
    _sms_neighbours(
        application, neighbours, NEIGHBOUR_HEARING_RIGHT_SMS_TEXT, deadline=request_deadline.isoformat()
    )
    audit.record(
        actor=acting_user, action="application.hearing.open", obj=application, data={"neighbours": len(neighbours)}
    )
    _tell_applicant(application, TOLD_HEARING)


def _sms_neighbours(
    application: PermitApplication, neighbours: list[AffectedParty], template: str, **fields: str
) -> None:
    """Text each neighbour on record after commit, signed by the county's deciding authority."""
    from workflows.documents.authorities import authority_for
    from workflows.sla.notifications import sms_backend

    sign = authority_for(county=application.county, kind="ad_grant").sms_sign
    texts = [
        (party.phone, template.format(sign=sign, address=application.address, number=application.number, **fields))
        for party in neighbours
        if party.phone
    ]

    def send() -> None:
        backend = sms_backend()
        for phone, text in texts:
            backend.send(phone=phone, text=text)

    if texts:
        transaction.on_commit(send)


def hearing_latest_date(hearing: Hearing) -> dt.date:
    from .hearings import first_request_on

    # ALL art. 47: within 20 days of the first standing request, the applicant's or a neighbour's.
    start = first_request_on(hearing) or hearing.informed_on
    return calendar.add_working_days(start, HEARING_WINDOW_WORKING_DAYS)


def hearing_earliest_date(notice_sent_on: dt.date) -> dt.date:
    return calendar.add_working_days(notice_sent_on, HEARING_NOTICE_WORKING_DAYS)


def _resume_overall_clock(application: PermitApplication, acting_user: User) -> None:
    from workflows.sla.services import clock_resume

    item = overall_clock(application)
    if item is not None and item.is_paused:
        clock_resume(clock=item, acting_user=acting_user)


@transaction.atomic
def application_hearing_schedule(
    *,
    task: Any,
    acting_user: User,
    decision: str,
    comment: str = "",
    hearing_date: dt.date | None = None,
    place: str = "",
    notice_sent_on: dt.date | None = None,
) -> PermitApplication:
    """The chair fixes date and place, or records that the party waived the hearing (clock resumes)."""
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.schedule_hearing) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        hearing = Hearing.objects.select_for_update(no_key=True).get(application=application)
        if decision == "waived":
            if not comment.strip():
                raise ValidationError({"comment": REASON_REQUIRED})
            if hearing.waived_on is None:
                # Staff only record what the party did: a written waiver, or a request period that lapsed.
                if hearing.requested_on is not None:
                    raise ValidationError({"decision": HEARING_REQUESTED_NOT_WAIVABLE})
                if clock.today() <= hearing.request_deadline:
                    raise ValidationError(
                        {"decision": HEARING_RIGHT_OPEN % {"date": hearing.request_deadline.isoformat()}}
                    )
            from .hearings import require_no_neighbour_hearing

            require_no_neighbour_hearing(hearing)
            hearing.scheduled_for = None
            hearing.save(update_fields=["scheduled_for"])
            application.status = Status.DECIDING
            application.save(update_fields=["status"])
            _resume_overall_clock(application, acting_user)
        else:
            if hearing_date is None or notice_sent_on is None:
                raise ValidationError({"hearing_date": HEARING_DATE_REQUIRED})
            if not place.strip():
                raise ValidationError({"place": HEARING_PLACE_REQUIRED})
            if notice_sent_on > clock.today():
                raise ValidationError({"notice_sent_on": HEARING_NOTICE_IN_FUTURE})
            if notice_sent_on < hearing.informed_on:
                raise ValidationError({"notice_sent_on": HEARING_NOTICE_BEFORE_INFORMED})
            # ALL art. 48: the notice of time and place is the official document issued now.
            earliest = hearing_earliest_date(clock.today())
            if hearing_date < earliest:
                raise ValidationError(
                    {"hearing_date": ValidationError(HEARING_NOTICE_TOO_SHORT, params={"date": earliest.isoformat()})}
                )
            latest = hearing_latest_date(hearing)
            if hearing_date > latest:
                raise ValidationError(
                    {"hearing_date": ValidationError(HEARING_BEYOND_WINDOW, params={"date": latest.isoformat()})}
                )
            hearing.scheduled_for = hearing_date
            hearing.place = place.strip()
            hearing.notice_sent_on = clock.today()
            hearing.scheduled_by = acting_user
            hearing.save(update_fields=["scheduled_for", "place", "notice_sent_on", "scheduled_by"])
            from .hearings import notices_issue

            notices_issue(application=application, hearing=hearing, acting_user=acting_user)
            _tell_applicant(application, TOLD_HEARING_SCHEDULED, f"{hearing_date.isoformat()} {hearing.place}")
            # ALL art. 48: the time and place go to the 利害关系人 as well.
            _sms_neighbours(
                application,
                list(application.affected_parties.filter(kind=AffectedParty.Kind.NEIGHBOUR)),
                NEIGHBOUR_HEARING_DATE_SMS_TEXT,
                date=hearing_date.isoformat(),
                place=hearing.place,
            )
        data = {
            "hearing_date": hearing_date.isoformat() if hearing_date else None,
            "place": place,
            "notice_sent_on": notice_sent_on.isoformat() if notice_sent_on else None,
        }
        _record_opinion(
            application=application,
            step=Opinion.Step.HEARING,
            decision=decision,
            comment=comment,
            author=acting_user,
            data=data,
        )
        audit.record(
            actor=acting_user, action=f"application.hearing.{decision}", obj=application, reason=comment, data=data
        )
    return application


@transaction.atomic
def application_hearing(
    *, task: Any, acting_user: User, decision: str, comment: str, held_on: dt.date | None = None
) -> PermitApplication:
    """The hearing record is completed: the overall clock resumes."""
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.hearing) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        hearing = Hearing.objects.select_for_update(no_key=True).get(application=application)
        if decision == "held":
            scheduled = hearing.scheduled_for
            if held_on is None or (scheduled is not None and held_on != scheduled):
                raise ValidationError(
                    {"held_on": ValidationError(HEARING_HELD_ON_MISMATCH, params={"date": str(scheduled)})}
                )
            if held_on > clock.today():
                raise ValidationError({"held_on": HEARING_NOT_YET})
            hearing.held_on = held_on
            hearing.save(update_fields=["held_on"])
        elif hearing.scheduled_for and clock.today() < hearing.scheduled_for:
            # Staff record an absence on the day or the party's written waiver; they cannot cancel the right.
            if hearing.waived_on is None:
                raise ValidationError(
                    {"decision": HEARING_SCHEDULED_NOT_WAIVABLE % {"date": hearing.scheduled_for.isoformat()}}
                )
            from .hearings import require_no_neighbour_hearing

            require_no_neighbour_hearing(hearing)
        application.status = Status.DECIDING
        application.save(update_fields=["status"])
        _resume_overall_clock(application, acting_user)
        _record_opinion(
            application=application,
            step=Opinion.Step.HEARING,
            decision=decision,
            comment=comment,
            author=acting_user,
            data={"held_on": held_on.isoformat() if held_on else None},
        )
        audit.record(actor=acting_user, action=f"application.hearing.{decision}", obj=application, reason=comment)
    return application


def validity_limit(application: PermitApplication, start: dt.date) -> dt.date:
    facility = application.facility
    days = facility.max_validity_days if facility else 3 * 365
    return start + dt.timedelta(days=days)


@transaction.atomic
def application_decide(
    *,
    task: Any,
    acting_user: User,
    decision: str,
    comment: str,
    valid_until: dt.date | None = None,
    conditions: str = "",
) -> PermitApplication:
    """The chief grants (decision + permit into the registry) or refuses (reasons and rights)."""
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.decide) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        now = clock.now()
        granted = decision == "grant"
        if not comment:
            raise ValidationError({"comment": REASON_REQUIRED})
        if statement_period_open(application):
            raise ValidationError(STATEMENT_PERIOD_OPEN, params={"date": str(application.statement_period_until)})
        process.granted = granted
        process.save(update_fields=["granted"])
        application.decided_at = now
        if granted:
            # The requested period, never starting before the decision, within the type's maximum.
            start = max(clock.today(), application.period_from or clock.today())
            limit = validity_limit(application, start)
            requested = application.period_until or limit
            until = min(valid_until or requested, limit)
            if until < start:
                raise ValidationError({"valid_until": VALID_UNTIL_BEFORE_START % {"date": start.isoformat()}})
            application.status = Status.GRANTED
            permit_document = _issue(
                application,
                "ad_permit",
                acting_user,
                _permit_data(application),
                valid_from=start,
                valid_until=until,
            )
            _issue(
                application,
                "ad_grant",
                acting_user,
                {
                    "size": _size_text(application),
                    "content": application.content,
                    "permit_number": permit_document.number,
                    "reasons": comment,
                    "conditions": conditions.strip(),
                },
                valid_from=start,
                valid_until=until,
            )
            Permit.objects.create(
                number=permit_document.number,
                application=application,
                holder=application.applicant,
                county=application.county,
                valid_from=start,
                valid_until=until,
                content=application.content,
                material=application.material,
                lighting=application.lighting,
            )
        else:
            application.status = Status.REFUSED
            application.refusal_reason = comment
            application.closed_at = now
            _issue(
                application,
                "ad_refusal",
                acting_user,
                {"submitted_on": _local_date(application.submitted_at), "reasons": comment},
            )
        application.save()
        _stop_overall_clock(application, acting_user)
        _tell_applicant(application, TOLD_GRANTED if granted else TOLD_REFUSED, comment)
        _record_opinion(
            application=application, step=Opinion.Step.DECISION, decision=decision, comment=comment, author=acting_user
        )
        audit.record(actor=acting_user, action=f"application.decision.{decision}", obj=application, reason=comment)
    return application


@transaction.atomic
def application_deliver(*, task: Any, acting_user: User, method: str, comment: str = "") -> PermitApplication:
    flow = _flow()
    with task_execution(task=task, acting_user=acting_user, node=flow.deliver) as activation:
        process: PermitProcess = activation.process
        application = PermitApplication.objects.select_for_update(no_key=True).get(pk=process.application_id)
        now = clock.now()
        application.status = Status.DELIVERED
        application.closed_at = now
        application.save(update_fields=["status", "closed_at"])
        Permit.objects.filter(application=application).update(delivered_at=now, delivery_method=method)
        _record_opinion(
            application=application, step=Opinion.Step.DELIVERY, decision=method, comment=comment, author=acting_user
        )
        audit.record(actor=acting_user, action="application.deliver", obj=application, data={"method": method})
    return application


@transaction.atomic
def application_withdraw(*, application: PermitApplication, acting_user: User, reason: str = "") -> PermitApplication:
    """The applicant withdraws before the decision: every open step is cancelled."""
    _require_applicant(application, acting_user)
    application = _lock_application(application)
    if application.decided_at is not None or application.status in (Status.GRANTED, Status.DELIVERED, Status.REFUSED):
        raise ValidationError(ALREADY_DECIDED)
    if not application.is_open:
        raise ValidationError(NOT_OPEN)
    application.status = Status.WITHDRAWN
    application.closed_at = clock.now()
    application.save(update_fields=["status", "closed_at"])
    audit.record(actor=acting_user, action="application.withdraw", obj=application, reason=reason)
    _stop_overall_clock(application, acting_user)
    process = _process_of(application)
    _flow().instance.cancel(process)
    return application


@transaction.atomic
def application_request_hearing(*, application: PermitApplication, acting_user: User) -> PermitApplication:
    _require_applicant(application, acting_user)
    application = _lock_application(application)
    process = _process_of(application)
    hearing = Hearing.objects.select_for_update(no_key=True).filter(application=application).first()
    if hearing is not None and application.status == Status.HEARING and hearing.scheduled_for is None:
        # Told of the right by the hearing notice: 5 working days to ask (ALL art. 47).
        if hearing.requested_on is not None:
            raise ValidationError(HEARING_ALREADY_REQUESTED)
        if clock.today() > hearing.request_deadline:
            raise ValidationError(HEARING_REQUEST_LATE)
        hearing.requested_on = clock.today()
        hearing.save(update_fields=["requested_on"])
    elif not application.is_open or process.countersigned:
        raise ValidationError(HEARING_TOO_LATE)
    application.hearing_requested = True
    application.save(update_fields=["hearing_requested"])
    audit.record(actor=acting_user, action="application.hearing.request", obj=application)
    return application


@transaction.atomic
def application_hearing_waive(*, application: PermitApplication, acting_user: User, statement: str) -> Hearing:
    """The applicant's own written waiver of the hearing (ALL art. 47); staff then record it in the step."""
    _require_applicant(application, acting_user)
    if not statement.strip():
        raise ValidationError({"reason": WAIVER_STATEMENT_REQUIRED})
    application = _lock_application(application)
    hearing = Hearing.objects.select_for_update(no_key=True).filter(application=application).first()
    if hearing is None or application.status != Status.HEARING or hearing.held_on or hearing.waived_on:
        raise ValidationError(HEARING_NOT_WAIVABLE)
    hearing.waived_on = clock.today()
    hearing.waiver_statement = statement.strip()
    hearing.save(update_fields=["waived_on", "waiver_statement"])
    audit.record(actor=acting_user, action="application.hearing.waive", obj=application, reason=statement.strip())
    _tell_chiefs(application, TOLD_HEARING_WAIVED, statement.strip())
    return hearing


def may_waive_hearing(application: PermitApplication) -> bool:
    hearing = Hearing.objects.filter(application=application).first()
    return bool(
        hearing and application.status == Status.HEARING and not hearing.held_on and not hearing.waived_on
    )


def may_decide(user: Any, application: PermitApplication) -> bool:
    return bool(
        user.has_perm("outdoor_ads.decide_permit")
        and is_visible(user, PermitApplication, application.pk)
    )


def may_extend(user: Any, application: PermitApplication) -> bool:
    """ALL art. 42: the extension needs the approval of the head of the bureau (本行政机关负责人)."""
    return has_role(user, "leader") and is_visible(user, PermitApplication, application.pk)


@transaction.atomic
def application_extend(*, application: PermitApplication, acting_user: User, reason: str) -> PermitApplication:
    """The bureau head extends the statutory limit once by 10 working days, before it expires (ALL art. 42)."""
    if not may_extend(acting_user, application):
        raise PermissionDenied(EXTENSION_LEADER_ONLY)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    application = _lock_application(application)
    if application.extended_at is not None:
        raise ValidationError(EXTENSION_ONCE)
    if application.accepted_at is None or not application.is_open:
        raise ValidationError(EXTENSION_NOT_OPEN)
    item = overall_clock(application)
    if item is None:
        raise ValidationError(EXTENSION_NOT_OPEN)
    statutory_due = item.statutory_due_date or item.due_date
    # A paused clock (ALL art. 45) is not running out: its dates move on when it resumes.
    if not item.is_paused and statutory_due is not None and clock.today() > statutory_due:
        raise ValidationError(EXTENSION_AFTER_LIMIT % {"date": statutory_due.isoformat()})
    from workflows.sla.services import clock_extend

    item = clock_extend(clock=item, working_days=10, reason=reason, acting_user=acting_user)
    _issue(
        application,
        "ad_extension",
        acting_user,
        {
            "accepted_on": item.start_date.isoformat(),
            "extension_days": 10,
            "reason": reason,
            "new_due_on": (item.statutory_due_date or item.due_date).isoformat(),
        },
    )
    application.extended_at = clock.now()
    application.extension_reason = reason
    application.save(update_fields=["extended_at", "extension_reason"])
    _tell_applicant(application, TOLD_EXTENDED, reason)
    audit.record(
        actor=acting_user, action="application.extend", obj=application, reason=reason, data={"working_days": 10}
    )
    return application


# --- After completion: rating and follow-up ------------------------------------------------


@transaction.atomic
def application_rate(*, application: PermitApplication, acting_user: User, score: str, comment: str = "") -> Rating:
    _require_applicant(application, acting_user)
    application = _lock_application(application)
    if not application.is_final and application.status != Status.GRANTED:
        raise ValidationError(RATING_NOT_FINISHED)
    if Rating.objects.filter(application=application).exists():
        raise ValidationError(RATING_ONCE)
    rating = Rating.objects.create(application=application, score=score, comment=comment, at=clock.now())
    if score in Rating.FOLLOW_UP_SCORES:
        FollowUp.objects.create(rating=rating, county=application.county, created_at=clock.now())
        _tell_chiefs(application, TOLD_UNSATISFIED, comment)
    audit.record(actor=acting_user, action=f"application.rate.{score}", obj=application, reason=comment)
    return rating


@transaction.atomic
def followup_resolve(*, follow_up: FollowUp, acting_user: User, note: str) -> FollowUp:
    if (
        not acting_user.has_perm("outdoor_ads.resolve_followup")
        or not is_visible(acting_user, FollowUp, follow_up.pk)
    ):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not note.strip():
        raise ValidationError({"note": REASON_REQUIRED})
    follow_up = FollowUp.objects.select_for_update(no_key=True).get(pk=follow_up.pk)
    follow_up.resolved_at = clock.now()
    follow_up.resolved_by = acting_user
    follow_up.note = note
    follow_up.save()
    audit.record(actor=acting_user, action="followup.resolve", obj=follow_up.rating.application, reason=note)
    return follow_up


# --- Permit registry: renewal, change, cancellation, reminders -----------------------------


def _tell_holder(permit: Permit, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    notify(
        users=[permit.holder],
        subject_obj=permit,
        title=f"{permit.number} {title}",
        body=str(body),
        url=f"/ads/permits/{permit.pk}/",
    )


def _require_holder(permit: Permit, user: User) -> None:
    if permit.holder_id != user.pk:
        raise PermissionDenied(NOT_YOUR_APPLICATION)


@transaction.atomic
def permit_request_renewal(
    *, permit: Permit, acting_user: User, requested_until: dt.date, reason: str = ""
) -> PermitRequest:
    _require_holder(permit, acting_user)
    permit = Permit.objects.select_for_update(no_key=True).get(pk=permit.pk)
    if permit.status != Permit.Status.ACTIVE or permit.is_expired():
        raise ValidationError(PERMIT_NOT_ACTIVE)
    if (permit.valid_until - clock.today()).days < RENEWAL_MIN_DAYS_BEFORE_EXPIRY:
        raise ValidationError(RENEWAL_TOO_LATE)
    if permit.requests.filter(kind=PermitRequest.Kind.RENEWAL, status=PermitRequest.Status.PENDING).exists():
        raise ValidationError(RENEWAL_PENDING)
    if requested_until <= permit.valid_until or requested_until > validity_limit(
        permit.application, permit.valid_until
    ):
        raise ValidationError({"requested_until": RENEWAL_UNTIL_INVALID})
    request = PermitRequest.objects.create(
        permit=permit,
        county=permit.county,
        kind=PermitRequest.Kind.RENEWAL,
        requested_by=acting_user,
        requested_at=clock.now(),
        requested_until=requested_until,
        reason=reason,
    )
    audit.record(actor=acting_user, action="permit.renewal.request", obj=permit, data={"until": requested_until})
    return request


@transaction.atomic
def permit_request_change(
    *, permit: Permit, acting_user: User, changes: dict[str, str], reason: str = ""
) -> PermitRequest:
    _require_holder(permit, acting_user)
    permit = Permit.objects.select_for_update(no_key=True).get(pk=permit.pk)
    if permit.status != Permit.Status.ACTIVE or permit.is_expired():
        raise ValidationError(PERMIT_NOT_ACTIVE)
    effective = {k: v for k, v in changes.items() if v and getattr(permit, k) != v}
    if not effective:
        raise ValidationError(NOTHING_TO_CHANGE)
    request = PermitRequest.objects.create(
        permit=permit,
        county=permit.county,
        kind=PermitRequest.Kind.CHANGE,
        requested_by=acting_user,
        requested_at=clock.now(),
        changes=effective,
        reason=reason,
    )
    audit.record(actor=acting_user, action="permit.change.request", obj=permit, data=effective)
    return request


def _apply_request(request: PermitRequest, acting_user: User | None) -> None:
    from workflows.documents.services import document_supersede

    permit = request.permit
    application = permit.application
    if request.kind == PermitRequest.Kind.RENEWAL and request.requested_until:
        renewed_from = permit.valid_until + dt.timedelta(days=1)
        permit.valid_until = request.requested_until
        permit.reminder_sent_for = None
        permit.save(update_fields=["valid_until", "reminder_sent_for"])
        # A renewal is a new certificate for the new period; the current one runs out as issued.
        _issue(
            application,
            "ad_permit",
            acting_user,
            _permit_data(application, permit),
            valid_from=renewed_from,
            valid_until=request.requested_until,
        )
    elif request.kind == PermitRequest.Kind.CHANGE:
        for field_name, value in request.changes.items():
            setattr(permit, field_name, value)
        permit.save(update_fields=list(request.changes))
        for document in permit_documents(application):
            document_supersede(
                document=document,
                data=_permit_data(application, permit),
                acting_user=acting_user,
                reason=request.reason or CHANGE_REASON_TEXT,
            )


@transaction.atomic
def permit_request_decide(*, request: PermitRequest, acting_user: User, decision: str, comment: str) -> PermitRequest:
    if not may_decide(acting_user, request.permit.application):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    request = PermitRequest.objects.select_for_update(no_key=True).select_related("permit").get(pk=request.pk)
    if request.status != PermitRequest.Status.PENDING:
        raise ValidationError(REQUEST_DECIDED)
    if not comment.strip():
        raise ValidationError({"comment": REASON_REQUIRED})
    request.status = PermitRequest.Status.GRANTED if decision == "grant" else PermitRequest.Status.REFUSED
    request.decided_by = acting_user
    request.decided_at = clock.now()
    request.decision_comment = comment
    request.save()
    if request.status == PermitRequest.Status.GRANTED:
        _apply_request(request, acting_user)
    _tell_holder(request.permit, TOLD_RENEWAL_DECIDED, comment)
    audit.record(
        actor=acting_user, action=f"permit.{request.kind}.{request.status}", obj=request.permit, reason=comment
    )
    return request


def renewals_deem_granted() -> int:
    """Sweeper (ALL art. 50): a renewal not decided by the expiry date is deemed granted."""
    count = 0
    today = clock.today()
    for request_id in PermitRequest.objects.filter(
        kind=PermitRequest.Kind.RENEWAL, status=PermitRequest.Status.PENDING, permit__valid_until__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = PermitRequest.objects.select_for_update(no_key=True).select_related("permit").get(pk=request_id)
            if request.status != PermitRequest.Status.PENDING or request.permit.valid_until >= today:
                continue
            request.status = PermitRequest.Status.DEEMED
            request.decided_at = clock.now()
            request.save(update_fields=["status", "decided_at"])
            _apply_request(request, None)
            _tell_holder(request.permit, TOLD_RENEWAL_DECIDED, request.get_status_display())
            audit.record(
                actor=None,
                action="permit.renewal.deemed",
                obj=request.permit,
                data={"until": request.requested_until},
            )
            count += 1
    return count


@transaction.atomic
def permit_cancel(*, permit: Permit, acting_user: User, reason: str) -> Permit:
    """Cancellation (注销) by the holder, or by the chief with a reason."""
    if permit.holder_id != acting_user.pk and not may_decide(acting_user, permit.application):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    permit = Permit.objects.select_for_update(no_key=True).get(pk=permit.pk)
    if permit.status != Permit.Status.ACTIVE:
        raise ValidationError(PERMIT_NOT_ACTIVE)
    permit.status = Permit.Status.CANCELLED
    permit.cancelled_at = clock.now()
    permit.cancel_reason = reason
    permit.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    from workflows.documents.services import document_revoke

    for document in permit_documents(permit.application):
        document_revoke(document=document, acting_user=None, reason=reason)
    audit.record(actor=acting_user, action="permit.cancel", obj=permit, reason=reason)
    return permit


def expiry_reminders_send() -> int:
    """Sweeper: tell holders 30 days before expiry, once per validity end date."""
    count = 0
    horizon = clock.today() + dt.timedelta(days=EXPIRY_REMINDER_DAYS)
    for permit_id in (
        Permit.objects.filter(status=Permit.Status.ACTIVE, valid_until__lte=horizon, valid_until__gte=clock.today())
        .exclude(reminder_sent_for=F("valid_until"))
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            permit = Permit.objects.select_for_update(no_key=True).get(pk=permit_id)
            if permit.reminder_sent_for == permit.valid_until:
                continue
            permit.reminder_sent_for = permit.valid_until
            permit.save(update_fields=["reminder_sent_for"])
            audit.record(actor=None, action="permit.expiry.remind", obj=permit, data={"until": permit.valid_until})
            from workflows.sla.notifications import notify

            notify(
                users=[permit.holder],
                subject_obj=permit,
                title=f"{permit.number} {TOLD_EXPIRY}",
                body=str(permit.valid_until),
                url=f"/ads/permits/{permit.pk}/",
            )
            count += 1
    return count


def requirement_titles(application: PermitApplication) -> dict[str, str]:
    return dict(
        MaterialRequirement.objects.filter(facility_type__code=application.facility_type).values_list("code", "title")
    )
