"""Hearings (ALL art. 46-48): the right told in writing to the applicant and every 利害关系人, 5 working days to
request, held within 20 of the request, time and place notified at least 7 before; the clock pauses meanwhile
(art. 45). Only the person's own written waiver or the lapsed window ends the right."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows import audit, calendar, clock
from workflows.models import User
from workflows.roles import has_role

from ..selectors import hearing_earliest_date, hearing_latest_date
from ..spec import spec_for, spec_of_task
from .common import (
    issue,
    licence_step,
    lock_application,
    overall_clock,
    process_of,
    record_opinion,
    require_applicant,
    resume_overall_clock,
    sms_neighbours,
    tell_applicant,
    tell_chiefs,
)
from .messages import (
    HEARING_ALREADY_REQUESTED,
    HEARING_BEYOND_WINDOW,
    HEARING_BY_LAW_TEXT,
    HEARING_DATE_REQUIRED,
    HEARING_HELD_ON_MISMATCH,
    HEARING_NOT_WAIVABLE,
    HEARING_NOT_YET,
    HEARING_NOTICE_BEFORE_INFORMED,
    HEARING_NOTICE_IN_FUTURE,
    HEARING_NOTICE_TOO_SHORT,
    HEARING_PLACE_REQUIRED,
    HEARING_REQUEST_LATE,
    HEARING_REQUEST_WORKING_DAYS,
    HEARING_REQUESTED_NOT_WAIVABLE,
    HEARING_REQUESTED_TEXT,
    HEARING_RIGHT_OPEN,
    HEARING_SCHEDULED_NOT_WAIVABLE,
    HEARING_TOO_LATE,
    REASON_REQUIRED,
    TOLD_HEARING,
    TOLD_HEARING_SCHEDULED,
    TOLD_HEARING_WAIVED,
    WAIVER_STATEMENT_REQUIRED,
)
from .parties import NEIGHBOUR


def hearing_opened(*, application: Any, acting_user: User) -> None:
    """The hearing is scheduled: the applicant and every 利害关系人 are told and the clock pauses (ALL art. 45)."""
    from workflows.sla.models import PauseReason
    from workflows.sla.services import clock_pause

    spec = spec_for(application)
    item = overall_clock(application)
    if item is not None and not item.is_paused:
        clock_pause(clock=item, reason=PauseReason.HEARING, note=str(TOLD_HEARING), acting_user=acting_user)
    process = process_of(application)
    if application.hearing_requested:
        reason = HEARING_REQUESTED_TEXT
    elif process.hearing_flagged:
        reason = spec.hearing_flagged_text
    else:
        reason = HEARING_BY_LAW_TEXT
    # The notice is a reviewer's document; after a site survey the system issues it.
    issuer = acting_user if acting_user.has_perm(spec.perm("review_permit")) or has_role(acting_user, "chief") else None
    today = clock.today()
    request_deadline = calendar.add_working_days(today, HEARING_REQUEST_WORKING_DAYS)
    spec.model("Hearing").objects.update_or_create(
        application=application,
        defaults={
            "informed_on": today,
            "request_deadline": request_deadline,
            "requested_on": today if application.hearing_requested else None,
        },
    )
    hooks = spec.hearing_hooks
    if hooks is not None:
        hooks.neighbour_rights_open(application=application, informed_on=today, request_deadline=request_deadline)
    notice = {
        "hearing_reason": reason,
        "request_deadline": request_deadline.isoformat(),
        "contact": application.county.name,
    }
    issue(application, spec.documents.hearing_notice, issuer, notice)
    # ALL art. 47: every 利害关系人 on record is told in writing of the right too.
    neighbours = list(application.affected_parties.filter(kind=NEIGHBOUR))
    for party in neighbours:
        issue(
            application,
            spec.documents.hearing_notice,
            issuer,
            {**notice, "party": "neighbour"},
            holder_name=party.name,
        )
    sms_neighbours(application, neighbours, spec.neighbour_texts.hearing_right, deadline=request_deadline.isoformat())
    audit.record(
        actor=acting_user, action="application.hearing.open", obj=application, data={"neighbours": len(neighbours)}
    )
    tell_applicant(application, TOLD_HEARING)


def _require_no_neighbour_hearing(spec: Any, hearing: Any) -> None:
    """A neighbour's own standing request keeps the hearing whatever the applicant waived (ALL art. 47)."""
    if spec.hearing_hooks is not None:
        spec.hearing_hooks.require_no_neighbour_hearing(hearing)


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
) -> Any:
    """The chair fixes date and place, or records that the party waived the hearing (clock resumes)."""
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.schedule_hearing) as (activation, application):
        hearing = spec.model("Hearing").objects.select_for_update(no_key=True).get(application=application)
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
            _require_no_neighbour_hearing(spec, hearing)
            hearing.scheduled_for = None
            hearing.save(update_fields=["scheduled_for"])
            application.status = application.Status.DECIDING
            application.save(update_fields=["status"])
            resume_overall_clock(application, acting_user)
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
            if spec.hearing_hooks is not None:
                spec.hearing_hooks.notices_issue(application=application, hearing=hearing, acting_user=acting_user)
            tell_applicant(application, TOLD_HEARING_SCHEDULED, f"{hearing_date.isoformat()} {hearing.place}")
            # ALL art. 48: the time and place go to the 利害关系人 as well.
            sms_neighbours(
                application,
                list(application.affected_parties.filter(kind=NEIGHBOUR)),
                spec.neighbour_texts.hearing_date,
                date=hearing_date.isoformat(),
                place=hearing.place,
            )
        data = {
            "hearing_date": hearing_date.isoformat() if hearing_date else None,
            "place": place,
            "notice_sent_on": notice_sent_on.isoformat() if notice_sent_on else None,
        }
        record_opinion(
            application=application,
            step="hearing",
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
) -> Any:
    """The hearing record is completed: the overall clock resumes."""
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.hearing) as (activation, application):
        hearing = spec.model("Hearing").objects.select_for_update(no_key=True).get(application=application)
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
            _require_no_neighbour_hearing(spec, hearing)
        application.status = application.Status.DECIDING
        application.save(update_fields=["status"])
        resume_overall_clock(application, acting_user)
        record_opinion(
            application=application,
            step="hearing",
            decision=decision,
            comment=comment,
            author=acting_user,
            data={"held_on": held_on.isoformat() if held_on else None},
        )
        audit.record(actor=acting_user, action=f"application.hearing.{decision}", obj=application, reason=comment)
    return application


@transaction.atomic
def application_request_hearing(*, application: Any, acting_user: User) -> Any:
    spec = spec_for(application)
    require_applicant(application, acting_user)
    application = lock_application(application)
    process = process_of(application)
    hearing = spec.model("Hearing").objects.select_for_update(no_key=True).filter(application=application).first()
    if hearing is not None and application.status == application.Status.HEARING and hearing.scheduled_for is None:
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
def application_hearing_waive(*, application: Any, acting_user: User, statement: str) -> Any:
    """The applicant's own written waiver of the hearing (ALL art. 47); staff then record it in the step."""
    spec = spec_for(application)
    require_applicant(application, acting_user)
    if not statement.strip():
        raise ValidationError({"reason": WAIVER_STATEMENT_REQUIRED})
    application = lock_application(application)
    hearing = spec.model("Hearing").objects.select_for_update(no_key=True).filter(application=application).first()
    if hearing is None or application.status != application.Status.HEARING or hearing.held_on or hearing.waived_on:
        raise ValidationError(HEARING_NOT_WAIVABLE)
    hearing.waived_on = clock.today()
    hearing.waiver_statement = statement.strip()
    hearing.save(update_fields=["waived_on", "waiver_statement"])
    audit.record(actor=acting_user, action="application.hearing.waive", obj=application, reason=statement.strip())
    tell_chiefs(application, TOLD_HEARING_WAIVED, statement.strip())
    return hearing


def may_waive_hearing(application: Any) -> bool:
    hearing = spec_for(application).model("Hearing").objects.filter(application=application).first()
    return bool(
        hearing and application.status == application.Status.HEARING and not hearing.held_on and not hearing.waived_on
    )
