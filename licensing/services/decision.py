"""Decision (ALL art. 37-40), delivery of the permit (art. 44) and withdrawal by the applicant."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows import audit, clock
from workflows.bulk import row_update, update_together
from workflows.documents.services import NumberOf
from workflows.jurisdiction import is_visible
from workflows.models import User

from ..selectors import statement_period_open
from ..spec import spec_for, spec_of_task
from .common import (
    issue,
    issue_together,
    licence_step,
    local_date,
    lock_application,
    process_of,
    record_opinion,
    require_applicant,
    stop_overall_clock,
    stop_supplement_clock,
    tell_applicant,
    validity_limit,
)
from .messages import (
    ALREADY_DECIDED,
    NOT_OPEN,
    REASON_REQUIRED,
    STATEMENT_PERIOD_OPEN,
    TOLD_GRANTED,
    TOLD_REFUSED,
    VALID_UNTIL_BEFORE_START,
)


def may_decide(user: Any, application: Any) -> bool:
    spec = spec_for(application)
    return bool(user.has_perm(spec.perm("decide_permit")) and is_visible(user, type(application), application.pk))


@transaction.atomic
def application_decide(
    *,
    task: Any,
    acting_user: User,
    decision: str,
    comment: str,
    valid_until: Any = None,
    conditions: str = "",
) -> Any:
    """The chief grants (decision + permit into the registry) or refuses (reasons and rights)."""
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.decide) as (activation, application):
        process = activation.process
        now = clock.now()
        granted = decision == "grant"
        if not comment:
            raise ValidationError({"comment": REASON_REQUIRED})
        if statement_period_open(application):
            raise ValidationError(STATEMENT_PERIOD_OPEN, params={"date": str(application.statement_period_until)})
        process.granted = granted  # written with the application below
        application.decided_at = now
        if granted:
            # The requested period, never starting before the decision, within the type's maximum.
            start = max(clock.today(), application.period_from or clock.today())
            limit = validity_limit(application, start)
            requested = application.period_until or limit
            until = min(valid_until or requested, limit)
            if until < start:
                raise ValidationError({"valid_until": VALID_UNTIL_BEFORE_START % {"date": start.isoformat()}})
            application.status = application.Status.GRANTED
            permit_document, _grant = issue_together(
                application,
                acting_user,
                [
                    (spec.documents.permit, spec.permit_data(application)),
                    (
                        spec.documents.grant,
                        {
                            **spec.grant_data(application),
                            "permit_number": NumberOf(spec.documents.permit),
                            "reasons": comment,
                            "conditions": conditions.strip(),
                        },
                    ),
                ],
                valid_from=start,
                valid_until=until,
            )
            spec.model("Permit").objects.create(
                number=permit_document.number,
                application=application,
                holder=application.applicant,
                county_id=application.county_id,
                valid_from=start,
                valid_until=until,
                **{name: getattr(application, name) for name in spec.permit_fields},
            )
        else:
            application.status = application.Status.REFUSED
            application.refusal_reason = comment
            application.closed_at = now
            issue(
                application,
                spec.documents.refusal,
                acting_user,
                {"submitted_on": local_date(application.submitted_at), "reasons": comment},
            )
        update_together(row_update(process, ["granted"]), row_update(application))
        stop_overall_clock(application, acting_user)
        tell_applicant(application, TOLD_GRANTED if granted else TOLD_REFUSED, comment)
        record_opinion(application=application, step="decision", decision=decision, comment=comment, author=acting_user)
        audit.record(actor=acting_user, action=f"application.decision.{decision}", obj=application, reason=comment)
    return application


@transaction.atomic
def application_deliver(*, task: Any, acting_user: User, method: str, comment: str = "") -> Any:
    spec = spec_of_task(task)
    with licence_step(task=task, acting_user=acting_user, node=spec.flow.deliver) as (activation, application):
        now = clock.now()
        application.status = application.Status.DELIVERED
        application.closed_at = now
        update_together(
            row_update(application, ["status", "closed_at"]),
            (
                spec.model("Permit").objects.filter(application=application),
                {"delivered_at": now, "delivery_method": method},
            ),
        )
        record_opinion(application=application, step="delivery", decision=method, comment=comment, author=acting_user)
        audit.record(actor=acting_user, action="application.deliver", obj=application, data={"method": method})
    return application


@transaction.atomic
def application_withdraw(*, application: Any, acting_user: User, reason: str = "") -> Any:
    """The applicant withdraws before the decision: every open step is cancelled."""
    spec = spec_for(application)
    require_applicant(application, acting_user)
    application = lock_application(application)
    status = application.Status
    if application.decided_at is not None or application.status in (status.GRANTED, status.DELIVERED, status.REFUSED):
        raise ValidationError(ALREADY_DECIDED)
    if not application.is_open:
        raise ValidationError(NOT_OPEN)
    application.status = status.WITHDRAWN
    application.closed_at = clock.now()
    application.save(update_fields=["status", "closed_at"])
    audit.record(actor=acting_user, action="application.withdraw", obj=application, reason=reason)
    stop_overall_clock(application, acting_user)
    stop_supplement_clock(application, acting_user)
    spec.flow.instance.cancel(process_of(application))
    return application
