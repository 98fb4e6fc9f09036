"""Hearing rights of the 利害关系人 and the hearing's time-and-place notice (ALL arts. 47-48).

- Each neighbour told of the hearing right (听证告知书) has 5 working days to ask for a hearing.
  Neighbours are not users of the system: staff record the neighbour's own written request or
  waiver as received. Only that waiver or the lapsed window ends the right; staff cannot waive it.
- The time and place go out as an official document (听证通知书) to the applicant and every
  利害关系人, at least 7 working days before the hearing, which is held within 20 working days of
  the first request. A rescheduled hearing gets a new notice that supersedes the old one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows import audit, clock
from workflows.jurisdiction import is_visible
from workflows.models import User
from workflows.roles import has_role

from .lawmodels import NeighbourHearingRight
from .models import AffectedParty, Hearing, Opinion, PermitApplication

Status = PermitApplication.Status

# Error messages (tests assert them exactly).
NEIGHBOUR_STAFF_ONLY = _("Only the application's reviewer or section chief may record a neighbour's written statement.")
NEIGHBOUR_NO_RIGHT = _("ALL art. 47: this neighbour has not been told of a hearing right on this application.")
NEIGHBOUR_HEARING_OVER = _("ALL art. 47: the hearing stage of this application is over.")
NEIGHBOUR_STATEMENT_REQUIRED = _("ALL art. 47: enter the neighbour's own written request or waiver, in their words.")
NEIGHBOUR_RECEIVED_INVALID = _(
    "The written statement cannot be dated in the future or before the neighbour was told (%(date)s)."
)
NEIGHBOUR_REQUEST_LATE = _(
    "ALL art. 47: %(name)s could ask for a hearing until %(date)s, 5 working days from being told; the right"
    " has lapsed."
)
NEIGHBOUR_ALREADY_REQUESTED = _("ALL art. 47: %(name)s has already asked for a hearing.")
NEIGHBOUR_ALREADY_WAIVED = _("ALL art. 47: %(name)s has already waived the hearing in writing.")
NEIGHBOUR_RIGHT_OPEN = _(
    "ALL art. 47: %(name)s may ask for a hearing until %(date)s; before then only their own written waiver ends"
    " that right."
)
NEIGHBOUR_REQUESTED_NOT_WAIVABLE = _(
    "ALL art. 47: %(name)s asked for a hearing; only their own written waiver cancels it."
)
RESCHEDULE_STAFF_ONLY = _("Only the section chief who chairs hearings may reschedule a hearing.")
RESCHEDULE_NOT_SCHEDULED = _("ALL art. 48: only a scheduled hearing that has not been held can be rescheduled.")
RESCHEDULE_NOTHING = _("Nothing would change: give a new date or place.")
RESCHEDULE_REASON_REQUIRED = _("ALL art. 48: give the reason; the new notice tells the parties.")
RESCHEDULE_TOO_SHORT = _(
    "ALL art. 48: the new notice goes out today; the hearing must be at least 7 working days later (on or after"
    " %(date)s)."
)
RESCHEDULE_BEYOND_WINDOW = _(
    "ALL art. 48: the hearing must be held within 20 working days of the request (by %(date)s)."
)
TOLD_NEIGHBOUR_REQUEST = _("a neighbour asked for a hearing in writing.")
TOLD_NEIGHBOUR_WAIVER = _("a neighbour waived the hearing in writing.")
TOLD_RESCHEDULED = _("the hearing has been rescheduled: see the new notice.")

REQUEST = "request"
WAIVE = "waive"


def _neighbours(application: PermitApplication) -> list[AffectedParty]:
    return list(application.affected_parties.filter(kind=AffectedParty.Kind.NEIGHBOUR).order_by("id"))


# --- Selectors ------------------------------------------------------------------------------


def rights_of(application: PermitApplication) -> list[NeighbourHearingRight]:
    return list(
        NeighbourHearingRight.objects.filter(party__application=application)
        .select_related("party")
        .order_by("party_id")
    )


def first_request_on(hearing: Hearing) -> dt.date | None:
    """The earliest standing request (applicant's or a neighbour's): the 20 working days run from it."""
    days = [hearing.requested_on] if hearing.requested_on else []
    days += [
        day
        for day in NeighbourHearingRight.objects.filter(
            party__application_id=hearing.application_id, requested_on__isnull=False, waived_on__isnull=True
        ).values_list("requested_on", flat=True)
        if day is not None
    ]
    return min(days) if days else None


def may_record_neighbour(user: Any, application: PermitApplication) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (has_role(user, "reviewer") or has_role(user, "chief"))
        and is_visible(user, PermitApplication, application.pk)
    )


def may_reschedule(user: Any, application: PermitApplication) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_perm("outdoor_ads.hear_permit")
        and is_visible(user, PermitApplication, application.pk)
    )


# --- Rules the hearing steps apply ---------------------------------------------------------


def require_no_neighbour_hearing(hearing: Hearing, *, field: str = "decision") -> None:
    """Staff may close the hearing stage without a hearing only when every neighbour's right is settled."""
    today = clock.today()
    for right in NeighbourHearingRight.objects.filter(party__application_id=hearing.application_id).select_related(
        "party"
    ):
        if right.wants_hearing:
            raise ValidationError({field: NEIGHBOUR_REQUESTED_NOT_WAIVABLE % {"name": right.party.name}})
        if right.is_open(today):
            raise ValidationError(
                {field: NEIGHBOUR_RIGHT_OPEN % {"name": right.party.name, "date": right.request_deadline.isoformat()}}
            )


def neighbour_rights_open(*, application: PermitApplication, informed_on: dt.date, request_deadline: dt.date) -> None:
    """Every neighbour on record is told of the right today (their 听证告知书): their window opens."""
    for party in _neighbours(application):
        NeighbourHearingRight.objects.update_or_create(
            party=party,
            defaults={
                "informed_on": informed_on,
                "request_deadline": request_deadline,
                "requested_on": None,
                "request_statement": "",
                "waived_on": None,
                "waiver_statement": "",
            },
        )


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def neighbour_hearing_record(
    *, party: AffectedParty, acting_user: User, decision: str, statement: str, received_on: dt.date
) -> NeighbourHearingRight:
    """Record a neighbour's own written hearing request or waiver, as received (ALL art. 47)."""
    from licensing.services import common


    application = party.application
    if not may_record_neighbour(acting_user, application):
        raise PermissionDenied(NEIGHBOUR_STAFF_ONLY)
    if not statement.strip():
        raise ValidationError({"statement": NEIGHBOUR_STATEMENT_REQUIRED})
    application = common.lock_application(application)
    hearing = Hearing.objects.select_for_update(no_key=True).filter(application=application).first()
    if party.kind != AffectedParty.Kind.NEIGHBOUR or hearing is None:
        raise ValidationError({"party": NEIGHBOUR_NO_RIGHT})
    if application.status != Status.HEARING or hearing.held_on is not None:
        raise ValidationError(NEIGHBOUR_HEARING_OVER)
    right = NeighbourHearingRight.objects.select_for_update(no_key=True).filter(party=party).first()
    if right is None:
        # Told before these records existed: by the same notice, on the same day, as the applicant.
        right = NeighbourHearingRight(
            party=party, informed_on=hearing.informed_on, request_deadline=hearing.request_deadline
        )
    if received_on > clock.today() or received_on < right.informed_on:
        raise ValidationError({"received_on": NEIGHBOUR_RECEIVED_INVALID % {"date": right.informed_on.isoformat()}})
    name = party.name
    if right.waived_on is not None:
        raise ValidationError(NEIGHBOUR_ALREADY_WAIVED % {"name": name})
    if decision == REQUEST:
        if right.requested_on is not None:
            raise ValidationError(NEIGHBOUR_ALREADY_REQUESTED % {"name": name})
        if received_on > right.request_deadline:
            raise ValidationError(NEIGHBOUR_REQUEST_LATE % {"name": name, "date": right.request_deadline.isoformat()})
        right.requested_on = received_on
        right.request_statement = statement.strip()
        told = TOLD_NEIGHBOUR_REQUEST
    elif decision == WAIVE:
        right.waived_on = received_on
        right.waiver_statement = statement.strip()
        told = TOLD_NEIGHBOUR_WAIVER
    else:
        raise ValidationError({"decision": NEIGHBOUR_STATEMENT_REQUIRED})
    right.recorded_by = acting_user
    right.recorded_at = clock.now()
    right.save()
    # The neighbour's name and words are personal data: the audit keeps the record's id only.
    audit.record(
        actor=acting_user,
        action=f"application.hearing.neighbour_{decision}",
        obj=application,
        data={"party": party.pk, "received_on": received_on.isoformat()},
    )
    common.tell_chiefs(application, told)
    return right


def notices_issue(
    *, application: PermitApplication, hearing: Hearing, acting_user: User, reschedule_reason: str = ""
) -> list[Any]:
    """The 听证通知书 to the applicant and every 利害关系人; a reschedule supersedes the valid old ones."""
    from licensing.services import common
    from workflows.documents.models import IssuedDocument
    from workflows.documents.selectors import documents_for
    from workflows.documents.services import document_supersede


    if hearing.scheduled_for is None:
        raise ValidationError(RESCHEDULE_NOT_SCHEDULED)
    requested = first_request_on(hearing)
    data: dict[str, Any] = {
        "hearing_date": hearing.scheduled_for.isoformat(),
        "place": hearing.place,
        "contact": application.county.name,
        **({"requested_on": requested.isoformat()} if requested else {}),
    }
    old = list(
        documents_for(application).filter(kind="ad_hearing_schedule", status=IssuedDocument.Status.VALID).order_by("pk")
    )
    if old:
        return [
            document_supersede(
                document=document,
                data={**data, "reschedule_reason": reschedule_reason},
                acting_user=acting_user,
                reason=reschedule_reason,
            )
            for document in old
        ]
    issued = [common.issue(application, "ad_hearing_schedule", acting_user, data)]
    for party in _neighbours(application):
        issued.append(
            common.issue(
                application, "ad_hearing_schedule", acting_user, {**data, "party": "neighbour"}, holder_name=party.name
            )
        )
    return issued


@transaction.atomic
def hearing_reschedule(
    *, application: PermitApplication, acting_user: User, hearing_date: dt.date, place: str, reason: str
) -> Hearing:
    """Move a scheduled hearing: a new notice, again at least 7 working days ahead, within the 20."""
    from licensing import selectors as kernel_selectors
    from licensing.services import common, messages

    from . import licence

    if not may_reschedule(acting_user, application):
        raise PermissionDenied(RESCHEDULE_STAFF_ONLY)
    if not reason.strip():
        raise ValidationError({"reason": RESCHEDULE_REASON_REQUIRED})
    if not place.strip():
        raise ValidationError({"place": messages.HEARING_PLACE_REQUIRED})
    application = common.lock_application(application)
    hearing = Hearing.objects.select_for_update(no_key=True).filter(application=application).first()
    if (
        hearing is None
        or application.status != Status.HEARING
        or hearing.scheduled_for is None
        or hearing.held_on is not None
    ):
        raise ValidationError(RESCHEDULE_NOT_SCHEDULED)
    if hearing_date == hearing.scheduled_for and place.strip() == hearing.place:
        raise ValidationError(RESCHEDULE_NOTHING)
    today = clock.today()
    earliest = kernel_selectors.hearing_earliest_date(today)
    if hearing_date < earliest:
        raise ValidationError({"hearing_date": RESCHEDULE_TOO_SHORT % {"date": earliest.isoformat()}})
    latest = kernel_selectors.hearing_latest_date(hearing)
    if hearing_date > latest:
        raise ValidationError({"hearing_date": RESCHEDULE_BEYOND_WINDOW % {"date": latest.isoformat()}})
    previous = {"hearing_date": hearing.scheduled_for.isoformat(), "place": hearing.place}
    hearing.scheduled_for = hearing_date
    hearing.place = place.strip()
    hearing.notice_sent_on = today
    hearing.scheduled_by = acting_user
    hearing.save(update_fields=["scheduled_for", "place", "notice_sent_on", "scheduled_by"])
    notices_issue(application=application, hearing=hearing, acting_user=acting_user, reschedule_reason=reason.strip())
    common.tell_applicant(application, TOLD_RESCHEDULED, f"{hearing_date.isoformat()} {hearing.place}")
    common.sms_neighbours(
        application,
        _neighbours(application),
        licence.NEIGHBOUR_HEARING_DATE_SMS_TEXT,
        date=hearing_date.isoformat(),
        place=hearing.place,
    )
    data = {"hearing_date": hearing_date.isoformat(), "place": hearing.place, "previous": previous}
    common.record_opinion(
        application=application,
        step=Opinion.Step.HEARING,
        decision="rescheduled",
        comment=reason.strip(),
        author=acting_user,
        data=data,
    )
    audit.record(
        actor=acting_user, action="application.hearing.reschedule", obj=application, reason=reason.strip(), data=data
    )
    return hearing
