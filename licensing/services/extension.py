"""Extension (ALL art. 42): once, 10 working days, before the 20 expire, approved by the bureau head."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows import audit, clock
from workflows.jurisdiction import is_visible
from workflows.models import User
from workflows.roles import has_role

from ..spec import spec_for
from .common import issue, lock_application, overall_clock, tell_applicant
from .messages import (
    EXTENSION_AFTER_LIMIT,
    EXTENSION_LEADER_ONLY,
    EXTENSION_NOT_OPEN,
    EXTENSION_ONCE,
    EXTENSION_WORKING_DAYS,
    REASON_REQUIRED,
    TOLD_EXTENDED,
)


def may_extend(user: Any, application: Any) -> bool:
    """ALL art. 42: the extension needs the approval of the head of the bureau (本行政机关负责人)."""
    return has_role(user, "leader") and is_visible(user, type(application), application.pk)


@transaction.atomic
def application_extend(*, application: Any, acting_user: User, reason: str) -> Any:
    """The bureau head extends the statutory limit once by 10 working days, before it expires (ALL art. 42)."""
    spec = spec_for(application)
    if not may_extend(acting_user, application):
        raise PermissionDenied(EXTENSION_LEADER_ONLY)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    application = lock_application(application)
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

    item = clock_extend(clock=item, working_days=EXTENSION_WORKING_DAYS, reason=reason, acting_user=acting_user)
    issue(
        application,
        spec.documents.extension,
        acting_user,
        {
            "accepted_on": item.start_date.isoformat(),
            "extension_days": EXTENSION_WORKING_DAYS,
            "reason": reason,
            "new_due_on": (item.statutory_due_date or item.due_date).isoformat(),
        },
    )
    application.extended_at = clock.now()
    application.extension_reason = reason
    application.save(update_fields=["extended_at", "extension_reason"])
    tell_applicant(application, TOLD_EXTENDED, reason)
    audit.record(
        actor=acting_user,
        action="application.extend",
        obj=application,
        reason=reason,
        data={"working_days": EXTENSION_WORKING_DAYS},
    )
    return application
