"""Review by at least two staff, and the site survey where the type's rule asks for one (its time counts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows import audit
from workflows.bulk import row_update, update_together
from workflows.models import User

from ..spec import spec_for, spec_of_task
from ..uploads import CheckedUpload
from .common import discard_files, licence_step, record_opinion, store_attachments
from .hearing import hearing_opened
from .messages import NEIGHBOURS_REQUIRED
from .parties import NEIGHBOUR, neighbours_notify


def _after_review(application: Any, process: Any) -> str:
    """The status once the review is agreed: survey, hearing or decision, as the type's rules say."""
    status = application.Status
    flow = spec_for(application).flow
    if process.survey_required and hasattr(flow, "survey"):
        return str(status.SURVEY)
    # A type whose flow has no hearing steps goes to the decision (its hearing rights: see README).
    hearing = process.hearing_required and hasattr(flow, "schedule_hearing")
    return str(status.HEARING if hearing else status.DECIDING)


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
) -> Any:
    """The (first) reviewer's opinion; where the type has no countersign step, the review moves on."""
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.review) as (activation, application):
        process = activation.process
        if neighbours_affected:
            if not neighbours and not application.affected_parties.filter(kind=NEIGHBOUR).exists():
                raise ValidationError({"neighbours": NEIGHBOURS_REQUIRED})
            neighbours_notify(application=application, neighbours=neighbours or [], acting_user=acting_user)
        # Without a countersign step the review is the last opinion before the decision: it moves on.
        agreed = "countersign" not in spec.review_steps
        process.countersigned = agreed
        process.hearing_flagged = bool(hearing_flag)
        if agreed:
            application.status = _after_review(application, process)
            update_together(
                row_update(process, ["countersigned", "hearing_flagged"]), row_update(application, ["status"])
            )
        else:
            process.save(update_fields=["countersigned", "hearing_flagged"])
        record_opinion(
            application=application,
            step="review",
            decision=decision,
            comment=comment,
            author=acting_user,
            data={"hearing_flag": bool(hearing_flag)},
        )
        audit.record(actor=acting_user, action=f"application.review.{decision}", obj=application, reason=comment)
    if agreed and application.status == application.Status.HEARING:
        hearing_opened(application=application, acting_user=acting_user)
    return application


@transaction.atomic
def application_countersign(*, task: Any, acting_user: User, decision: str, comment: str) -> Any:
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.countersign) as (activation, application):
        process = activation.process
        agreed = decision == "agree"
        process.countersigned = agreed
        if agreed:
            application.status = _after_review(application, process)
        update_together(row_update(process, ["countersigned"]), row_update(application, ["status"]))
        record_opinion(
            application=application,
            step="countersign",
            decision=decision,
            comment=comment,
            author=acting_user,
        )
        audit.record(actor=acting_user, action=f"application.countersign.{decision}", obj=application, reason=comment)
    if agreed and application.status == application.Status.HEARING:
        hearing_opened(application=application, acting_user=acting_user)
    return application


@transaction.atomic
def application_survey(
    *, task: Any, acting_user: User, decision: str, comment: str, photos: Iterable[CheckedUpload] = ()
) -> Any:
    spec = spec_of_task(task)
    stored: list[Any] = []
    try:
        with licence_step(task=task, acting_user=acting_user, node=spec.flow.survey) as (activation, application):
            process = activation.process
            store_attachments(
                application=application,
                uploads=[("survey", photo) for photo in photos],
                purpose="survey",
                acting_user=acting_user,
                stored=stored,
            )
            status = application.Status
            application.status = status.HEARING if process.hearing_required else status.DECIDING
            application.save(update_fields=["status"])
            record_opinion(
                application=application,
                step="survey",
                decision=decision,
                comment=comment,
                author=acting_user,
                data={"photos": len(stored)},
            )
            audit.record(actor=acting_user, action=f"application.survey.{decision}", obj=application, reason=comment)
        if process.hearing_required:
            hearing_opened(application=application, acting_user=acting_user)
    except BaseException:
        discard_files(stored)
        raise
    return application
