"""The applicant's and the bureau's off-graph acts on an application and its permit, over the API.

``/api/<collection>/<application id>/actions/<name>/`` runs the kernel's form and service; the
services check who may act. A permit app calls ``register_actions`` with its collection name,
its spec and the form and fields of a change request (the fields a change may alter are its own).
"""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from workflows.actions import register_action, register_collection
from workflows.jurisdiction import get_visible_or_404

from . import forms
from .services import extension, hearing, pauses, rating, registry
from .spec import LicenceSpec


class EmptyForm(djforms.Form):
    """An action that takes no input."""


def _permit(application: Any) -> Any:
    permit = getattr(application, "permit", None)
    if permit is None:
        raise Http404
    return permit


def _is_applicant(*, subject: Any, user: Any) -> bool:
    return bool(subject.applicant_id == user.pk)


def _is_staff(*, subject: Any, user: Any) -> bool:
    return bool(getattr(user, "kind", "") == "staff")


def _has_permit(*, subject: Any, user: Any) -> bool:
    return hasattr(subject, "permit")


def _holder_with_permit(*, subject: Any, user: Any) -> bool:
    return _is_applicant(subject=subject, user=user) and _has_permit(subject=subject, user=user)


def _staff_with_permit(*, subject: Any, user: Any) -> bool:
    return _is_staff(subject=subject, user=user) and _has_permit(subject=subject, user=user)


def register_actions(
    collection: str, *, spec: LicenceSpec, change_form: type[djforms.Form], change_fields: tuple[str, ...]
) -> None:
    def lookup(user: Any, pk: int) -> Any:
        return get_visible_or_404(user, spec.application_model, pk=pk)

    def open_follow_up(subject: Any) -> Any:
        return spec.model("FollowUp").objects.filter(rating__application=subject, resolved_at__isnull=True).first()

    def follow_up(subject: Any) -> Any:
        found = open_follow_up(subject)
        if found is None:
            raise Http404
        return found

    register_collection(collection, lookup=lookup)
    register_action(
        collection,
        "hearing_request",
        title=_("Request a hearing"),
        form_class=EmptyForm,
        perform=lambda *, subject, acting_user, data: hearing.application_request_hearing(
            application=subject, acting_user=acting_user
        ),
        allowed=_is_applicant,
    )
    register_action(
        collection,
        "rating",
        title=_("Rate the service"),
        form_class=forms.RatingForm,
        perform=lambda *, subject, acting_user, data: rating.application_rate(
            application=subject, acting_user=acting_user, score=data["score"], comment=data["comment"]
        ),
        allowed=_is_applicant,
    )
    register_action(
        collection,
        "extension",
        title=_("Extend the decision period"),
        form_class=forms.ReasonForm,
        perform=lambda *, subject, acting_user, data: extension.application_extend(
            application=subject, acting_user=acting_user, reason=data["reason"]
        ),
        allowed=_is_staff,
    )
    register_action(
        collection,
        "renewal",
        title=_("Request renewal of the permit"),
        form_class=forms.RenewalForm,
        perform=lambda *, subject, acting_user, data: registry.permit_request_renewal(
            permit=_permit(subject),
            acting_user=acting_user,
            requested_until=data["requested_until"],
            reason=data["reason"],
        ),
        allowed=_holder_with_permit,
    )
    register_action(
        collection,
        "change",
        title=_("Request a change of the permit"),
        form_class=change_form,
        perform=lambda *, subject, acting_user, data: registry.permit_request_change(
            permit=_permit(subject),
            acting_user=acting_user,
            changes={k: data[k] for k in change_fields},
            reason=data["reason"],
        ),
        allowed=_holder_with_permit,
    )
    register_action(
        collection,
        "cancellation",
        title=_("Cancel the permit"),
        form_class=forms.ReasonForm,
        perform=lambda *, subject, acting_user, data: registry.permit_cancel(
            permit=_permit(subject), acting_user=acting_user, reason=data["reason"]
        ),
        allowed=_staff_with_permit,
    )
    register_action(
        collection,
        "follow_up",
        title=_("Resolve the follow-up of an unsatisfied rating"),
        form_class=forms.FollowUpForm,
        perform=lambda *, subject, acting_user, data: rating.followup_resolve(
            follow_up=follow_up(subject), acting_user=acting_user, note=data["note"]
        ),
        allowed=lambda *, subject, user: user.has_perm(spec.perm("resolve_followup"))
        and open_follow_up(subject) is not None,
    )
    if spec.documents.pause_notice:
        register_pause_actions(collection)


PAUSE_START = "pause_start"
PAUSE_STOP = "pause_stop"
PAUSE_ACTIONS = (PAUSE_START, PAUSE_STOP)


def register_pause_actions(collection: str) -> None:
    """ALL art. 45: start and end a special procedure (the page posts the same actions)."""
    register_action(
        collection,
        PAUSE_START,
        title=_("Start a special procedure (ALL art. 45)"),
        form_class=forms.PauseStartForm,
        perform=lambda *, subject, acting_user, data: pauses.pause_start(
            application=subject,
            acting_user=acting_user,
            kind=data["kind"],
            reason=data["reason"],
            expected_working_days=data["expected_working_days"],
        ),
        allowed=lambda *, subject, user: pauses.may_pause(user, subject),
    )
    register_action(
        collection,
        PAUSE_STOP,
        title=_("End the special procedure (ALL art. 45)"),
        form_class=forms.PauseStopForm,
        perform=lambda *, subject, acting_user, data: pauses.pause_stop(
            application=subject, acting_user=acting_user, outcome=data["outcome"]
        ),
        allowed=lambda *, subject, user: pauses.may_pause(user, subject),
    )
