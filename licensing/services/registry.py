"""The permit after the grant: renewal (ALL art. 50, deemed granted if not decided before expiry),
change (art. 49), cancellation (art. 70) and the expiry reminder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from workflows import audit, clock
from workflows.models import User

from ..spec import all_specs, spec_for
from .common import issue, permit_documents, tell_holder, validity_limit
from .decision import may_decide
from .messages import (
    CHANGE_REASON_TEXT,
    EXPIRY_REMINDER_DAYS,
    NOT_A_STAFF_DECISION,
    NOT_YOUR_APPLICATION,
    NOTHING_TO_CHANGE,
    PERMIT_NOT_ACTIVE,
    REASON_REQUIRED,
    RENEWAL_MIN_DAYS_BEFORE_EXPIRY,
    RENEWAL_PENDING,
    RENEWAL_TOO_LATE,
    REQUEST_DECIDED,
    TOLD_RENEWAL_DECIDED,
)

ACTIVE = "active"
PENDING = "pending"
RENEWAL = "renewal"
CHANGE = "change"


def _require_holder(permit: Any, user: User) -> None:
    if permit.holder_id != user.pk:
        raise PermissionDenied(NOT_YOUR_APPLICATION)


def _lock_active_permit(permit: Any, acting_user: User) -> Any:
    _require_holder(permit, acting_user)
    permit = type(permit).objects.select_for_update(no_key=True).get(pk=permit.pk)
    if permit.status != ACTIVE or permit.is_expired():
        raise ValidationError(PERMIT_NOT_ACTIVE)
    return permit


@transaction.atomic
def permit_request_renewal(*, permit: Any, acting_user: User, requested_until: dt.date, reason: str = "") -> Any:
    permit = _lock_active_permit(permit, acting_user)
    if (permit.valid_until - clock.today()).days < RENEWAL_MIN_DAYS_BEFORE_EXPIRY:
        raise ValidationError(RENEWAL_TOO_LATE)
    if permit.requests.filter(kind=RENEWAL, status=PENDING).exists():
        raise ValidationError(RENEWAL_PENDING)
    if requested_until <= permit.valid_until or requested_until > validity_limit(
        permit.application, permit.valid_until
    ):
        raise ValidationError({"requested_until": spec_for(permit).renewal_until_invalid_text})
    request = spec_for(permit).model("PermitRequest").objects.create(
        permit=permit,
        county=permit.county,
        kind=RENEWAL,
        requested_by=acting_user,
        requested_at=clock.now(),
        requested_until=requested_until,
        reason=reason,
    )
    audit.record(actor=acting_user, action="permit.renewal.request", obj=permit, data={"until": requested_until})
    return request


@transaction.atomic
def permit_request_change(*, permit: Any, acting_user: User, changes: dict[str, str], reason: str = "") -> Any:
    permit = _lock_active_permit(permit, acting_user)
    effective = {k: v for k, v in changes.items() if v and getattr(permit, k) != v}
    if not effective:
        raise ValidationError(NOTHING_TO_CHANGE)
    request = spec_for(permit).model("PermitRequest").objects.create(
        permit=permit,
        county=permit.county,
        kind=CHANGE,
        requested_by=acting_user,
        requested_at=clock.now(),
        changes=effective,
        reason=reason,
    )
    audit.record(actor=acting_user, action="permit.change.request", obj=permit, data=effective)
    return request


def _apply_request(request: Any, acting_user: User | None) -> None:
    from workflows.documents.services import document_supersede

    permit = request.permit
    application = permit.application
    spec = spec_for(permit)
    if request.kind == RENEWAL and request.requested_until:
        renewed_from = permit.valid_until + dt.timedelta(days=1)
        permit.valid_until = request.requested_until
        permit.reminder_sent_for = None
        permit.save(update_fields=["valid_until", "reminder_sent_for"])
        # A renewal is a new certificate for the new period; the current one runs out as issued.
        issue(
            application,
            spec.documents.permit,
            acting_user,
            spec.permit_data(application, permit),
            valid_from=renewed_from,
            valid_until=request.requested_until,
        )
    elif request.kind == CHANGE:
        for field_name, value in request.changes.items():
            setattr(permit, field_name, value)
        permit.save(update_fields=list(request.changes))
        for document in permit_documents(application):
            document_supersede(
                document=document,
                data=spec.permit_data(application, permit),
                acting_user=acting_user,
                reason=request.reason or CHANGE_REASON_TEXT,
            )


@transaction.atomic
def permit_request_decide(*, request: Any, acting_user: User, decision: str, comment: str) -> Any:
    if not may_decide(acting_user, request.permit.application):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    request = type(request).objects.select_for_update(no_key=True).select_related("permit").get(pk=request.pk)
    if request.status != PENDING:
        raise ValidationError(REQUEST_DECIDED)
    if not comment.strip():
        raise ValidationError({"comment": REASON_REQUIRED})
    request.status = request.Status.GRANTED if decision == "grant" else request.Status.REFUSED
    request.decided_by = acting_user
    request.decided_at = clock.now()
    request.decision_comment = comment
    request.save()
    if request.status == request.Status.GRANTED:
        _apply_request(request, acting_user)
    tell_holder(request.permit, TOLD_RENEWAL_DECIDED, comment)
    audit.record(
        actor=acting_user, action=f"permit.{request.kind}.{request.status}", obj=request.permit, reason=comment
    )
    return request


def renewals_deem_granted() -> int:
    """Sweeper (ALL art. 50): a renewal not decided by the expiry date is deemed granted, every type."""
    count = 0
    today = clock.today()
    for spec in all_specs():
        model: Any = spec.model("PermitRequest")
        for request_id in model.objects.filter(
            kind=RENEWAL, status=PENDING, permit__valid_until__lt=today
        ).values_list("pk", flat=True):
            with transaction.atomic():
                request = model.objects.select_for_update(no_key=True).select_related("permit").get(pk=request_id)
                if request.status != PENDING or request.permit.valid_until >= today:
                    continue
                request.status = model.Status.DEEMED
                request.decided_at = clock.now()
                request.save(update_fields=["status", "decided_at"])
                _apply_request(request, None)
                tell_holder(request.permit, TOLD_RENEWAL_DECIDED, request.get_status_display())
                audit.record(
                    actor=None,
                    action="permit.renewal.deemed",
                    obj=request.permit,
                    data={"until": request.requested_until},
                )
                count += 1
    return count


@transaction.atomic
def permit_cancel(*, permit: Any, acting_user: User, reason: str) -> Any:
    """Cancellation (注销) by the holder, or by the chief with a reason."""
    if permit.holder_id != acting_user.pk and not may_decide(acting_user, permit.application):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    permit = type(permit).objects.select_for_update(no_key=True).get(pk=permit.pk)
    if permit.status != ACTIVE:
        raise ValidationError(PERMIT_NOT_ACTIVE)
    permit.status = permit.Status.CANCELLED
    permit.cancelled_at = clock.now()
    permit.cancel_reason = reason
    permit.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    from workflows.documents.services import document_revoke

    for document in permit_documents(permit.application):
        document_revoke(document=document, acting_user=None, reason=reason)
    audit.record(actor=acting_user, action="permit.cancel", obj=permit, reason=reason)
    return permit


def expiry_reminders_send() -> int:
    """Sweeper: tell holders 30 days before expiry, once per validity end date, every type."""
    count = 0
    horizon = clock.today() + dt.timedelta(days=EXPIRY_REMINDER_DAYS)
    for spec in all_specs():
        model: Any = spec.model("Permit")
        for permit_id in (
            model.objects.filter(status=ACTIVE, valid_until__lte=horizon, valid_until__gte=clock.today())
            .exclude(reminder_sent_for=F("valid_until"))
            .values_list("pk", flat=True)
        ):
            with transaction.atomic():
                permit = model.objects.select_for_update(no_key=True).get(pk=permit_id)
                if permit.reminder_sent_for == permit.valid_until:
                    continue
                permit.reminder_sent_for = permit.valid_until
                permit.save(update_fields=["reminder_sent_for"])
                audit.record(actor=None, action="permit.expiry.remind", obj=permit, data={"until": permit.valid_until})
                tell_holder(permit, spec_for(permit).expiry_text, str(permit.valid_until))
                count += 1
    return count
