"""The applicant's 好差评 rating of a finished application, and the chief's follow-up of a poor one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows import audit, clock
from workflows.jurisdiction import is_visible
from workflows.models import User

from ..spec import spec_for
from .common import lock_application, require_applicant, tell_chiefs
from .messages import NOT_A_STAFF_DECISION, RATING_NOT_FINISHED, RATING_ONCE, REASON_REQUIRED, TOLD_UNSATISFIED


@transaction.atomic
def application_rate(*, application: Any, acting_user: User, score: str, comment: str = "") -> Any:
    spec = spec_for(application)
    rating_model: Any = spec.model("Rating")
    require_applicant(application, acting_user)
    application = lock_application(application)
    if not application.is_final and application.status != application.Status.GRANTED:
        raise ValidationError(RATING_NOT_FINISHED)
    if rating_model.objects.filter(application=application).exists():
        raise ValidationError(RATING_ONCE)
    rating = rating_model.objects.create(application=application, score=score, comment=comment, at=clock.now())
    if score in rating_model.FOLLOW_UP_SCORES:
        spec.model("FollowUp").objects.create(rating=rating, county=application.county, created_at=clock.now())
        tell_chiefs(application, TOLD_UNSATISFIED, comment)
    audit.record(actor=acting_user, action=f"application.rate.{score}", obj=application, reason=comment)
    return rating


@transaction.atomic
def followup_resolve(*, follow_up: Any, acting_user: User, note: str) -> Any:
    spec = spec_for(follow_up)
    if not acting_user.has_perm(spec.perm("resolve_followup")) or not is_visible(
        acting_user, type(follow_up), follow_up.pk
    ):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not note.strip():
        raise ValidationError({"note": REASON_REQUIRED})
    follow_up = type(follow_up).objects.select_for_update(no_key=True).get(pk=follow_up.pk)
    follow_up.resolved_at = clock.now()
    follow_up.resolved_by = acting_user
    follow_up.note = note
    follow_up.save()
    audit.record(actor=acting_user, action="followup.resolve", obj=follow_up.rating.application, reason=note)
    return follow_up
