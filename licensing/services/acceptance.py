"""Acceptance (ALL art. 32): accept, one single supplement notice, or refuse to accept — within 5 working days.

A late decision counts as acceptance on the day the complete materials arrived; after a
supplement the window restarts on the day it arrived. No answer to the supplement notice
within 10 working days → treated as withdrawn (sweeper).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from viewflow.workflow.status import STATUS

from workflows import audit, clock
from workflows.bulk import row_update, update_together
from workflows.documents.corrections import quoting
from workflows.models import User

from ..clocks import SUPPLEMENT
from ..spec import all_specs, spec_for, spec_of_task
from ..uploads import CheckedUpload
from .common import (
    acceptance_window_passed,
    discard_files,
    issue,
    licence_step,
    local_date,
    lock_application,
    materials_arrived_at,
    record_opinion,
    require_applicant,
    start_overall_clock,
    start_supplement_clock,
    stop_supplement_clock,
    store_attachments,
    supplement_clock,
    tell_applicant,
)
from .messages import (
    AUTHORITY_REQUIRED,
    MISSING_ITEMS_REQUIRED,
    NO_SUPPLEMENT_PENDING,
    REASON_REQUIRED,
    SUPPLEMENT_ONCE,
    SUPPLEMENT_WINDOW_PASSED,
    TOLD_ACCEPTED,
    TOLD_NOT_ACCEPTED,
    TOLD_SUPPLEMENT,
    TOLD_SUPPLEMENT_EXPIRED,
)


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
) -> Any:
    """The clerk's acceptance decision: accept, one-time supplement notice, or refuse to accept."""
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.accept) as (activation, application):
        process = activation.process
        status = application.Status
        now = clock.now()
        if decision == "supplement":
            if application.supplement_requested_at is not None:
                raise ValidationError({"decision": SUPPLEMENT_ONCE})
            if acceptance_window_passed(application):
                arrived = local_date(materials_arrived_at(application))
                raise ValidationError({"decision": SUPPLEMENT_WINDOW_PASSED % {"date": arrived}})
            if not missing_items:
                raise ValidationError({"missing_items": MISSING_ITEMS_REQUIRED})
            application.status = status.SUPPLEMENT
            application.supplement_items = list(missing_items)
            application.supplement_note = supplement_note
            application.supplement_requested_at = now
        elif decision == "refuse":
            if not comment:
                raise ValidationError({"comment": REASON_REQUIRED})
            if not competent_authority:
                raise ValidationError({"competent_authority": AUTHORITY_REQUIRED})
            application.status = status.NOT_ACCEPTED
            application.refusal_reason = comment
            application.competent_authority = competent_authority
            application.closed_at = now
        else:
            application.status = status.ACCEPTED
            application.accepted_at = now
        # The application's row is written with the process's at the end of the step (one statement).
        submitted_on = local_date(application.submitted_at)
        supplement_clock = start_supplement_clock(application, acting_user) if decision == "supplement" else None
        if decision == "accept":
            item = start_overall_clock(application, acting_user)
            issue(
                application,
                spec.documents.acceptance,
                acting_user,
                {
                    "submitted_on": submitted_on,
                    "materials_complete_on": local_date(application.supplement_answered_at)
                    if application.supplement_answered_at
                    else "",
                    "accepted_on": item.start_date.isoformat(),
                    "due_on": item.due_date.isoformat(),
                    "statutory_due_on": item.statutory_due_date.isoformat() if item.statutory_due_date else "",
                },
            )
            tell_applicant(application, TOLD_ACCEPTED % {"days": item.rule.limit})
        elif decision == "supplement":
            titles = spec.requirement_titles(application)
            items = [titles[code] for code in missing_items or [] if code in titles]
            if supplement_note:
                items.append(supplement_note)
            issue(
                application,
                spec.documents.supplement,
                acting_user,
                quoting(
                    {
                        "submitted_on": submitted_on,
                        "missing_items": items,
                        "supplement_deadline": supplement_clock.due_date.isoformat() if supplement_clock else "",
                    },
                    supplement_deadline=supplement_clock,
                ),
            )
            tell_applicant(application, TOLD_SUPPLEMENT, supplement_note)
        else:
            issue(
                application,
                spec.documents.refuse_acceptance,
                acting_user,
                {"submitted_on": submitted_on, "reason": comment, "competent_authority": competent_authority},
            )
            tell_applicant(application, TOLD_NOT_ACCEPTED, comment)
        process.acceptance = decision
        update_together(row_update(application), row_update(process, ["acceptance"]))
        record_opinion(
            application=application,
            step="acceptance",
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


def open_supplement_task(application: Any) -> Any:
    from viewflow.workflow.models import Task

    spec = spec_for(application)
    processes = spec.process_model.objects.filter(application=application).values("pk")
    return Task.objects.filter(process_id__in=processes, flow_task=spec.flow.supplement, status=STATUS.NEW).first()


@transaction.atomic
def application_supplement_answer(
    *, application: Any, acting_user: User, uploads: Iterable[tuple[str, CheckedUpload]], note: str = ""
) -> Any:
    """The applicant answers the supplement notice online; the clerk decides on acceptance again."""
    spec = spec_for(application)
    require_applicant(application, acting_user)
    application = lock_application(application)
    task = open_supplement_task(application)
    if application.status != application.Status.SUPPLEMENT or task is None:
        raise ValidationError(NO_SUPPLEMENT_PENDING)
    stored: list[Any] = []
    try:
        store_attachments(
            application=application,
            uploads=uploads,
            purpose="supplement",
            acting_user=acting_user,
            stored=stored,
        )
        application.status = application.Status.SUBMITTED
        application.supplement_answered_at = clock.now()
        application.save()
        stop_supplement_clock(application, acting_user)
        spec.process_model.objects.filter(application=application).update(supplement_answered=True)
        audit.record(
            actor=acting_user,
            action="application.supplement.answer",
            obj=application,
            reason=note,
            data={"files": len(stored)},
        )
        spec.flow.supplement.run(task)
    except BaseException:
        discard_files(stored)
        raise
    return application


@transaction.atomic
def application_supplement_expire(*, application: Any) -> bool:
    """No answer within the supplement period: the application is treated as withdrawn."""
    spec = spec_for(application)
    application = lock_application(application)
    task = open_supplement_task(application)
    if application.status != application.Status.SUPPLEMENT or task is None:
        return False
    item = supplement_clock(application)
    # The clock's due date, recomputed whenever a holiday schedule is entered, is the only truth.
    if item is None or clock.today() <= item.due_date:
        return False
    application.status = application.Status.WITHDRAWN
    application.closed_at = clock.now()
    application.save()
    spec.process_model.objects.filter(application=application).update(supplement_answered=False)
    audit.record(
        actor=None,
        action="application.supplement.expired",
        obj=application,
        data={"due": item.due_date.isoformat()},
    )
    stop_supplement_clock(application, None)
    tell_applicant(application, TOLD_SUPPLEMENT_EXPIRED)
    spec.flow.supplement.run(task)
    return True


def supplements_expire_due() -> int:
    """Sweeper: withdraw every application whose supplement period has passed (idempotent), every type."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.sla.models import Clock

    count = 0
    for spec in all_specs():
        model = spec.application_model
        # Open supplement clocks past their due date: one indexed query per type, whatever the count.
        due = Clock.objects.filter(
            rule__code=SUPPLEMENT,
            content_type=ContentType.objects.get_for_model(model),
            stopped_at__isnull=True,
            due_date__lt=clock.today(),
        ).values_list("object_id", flat=True)
        for application in model.objects.filter(status=model.Status.SUPPLEMENT, pk__in=[int(pk) for pk in due]).only(
            "pk"
        ):
            if application_supplement_expire(application=application):
                count += 1
    return count
