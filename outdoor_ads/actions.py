"""The applicant's and the bureau's off-graph actions on an application and its permit, over the API.

``/api/permits/<application id>/actions/<name>/`` runs the same form and service as the
application and permit pages (outdoor_ads.views); the services check who may act.
"""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from workflows.actions import register_action, register_collection
from workflows.jurisdiction import get_visible_or_404

from . import forms, services
from .models import FollowUp, PermitApplication


def _application(user: Any, pk: int) -> PermitApplication:
    return get_visible_or_404(user, PermitApplication, pk=pk)  # type: ignore[no-any-return]


def _permit(application: PermitApplication) -> Any:
    permit = getattr(application, "permit", None)
    if permit is None:
        raise Http404
    return permit


def _is_applicant(*, subject: PermitApplication, user: Any) -> bool:
    return bool(subject.applicant_id == user.pk)


def _is_staff(*, subject: PermitApplication, user: Any) -> bool:
    return bool(getattr(user, "kind", "") == "staff")


def _has_permit(*, subject: PermitApplication, user: Any) -> bool:
    return hasattr(subject, "permit")


def _open_follow_up(subject: PermitApplication) -> FollowUp | None:
    return FollowUp.objects.filter(rating__application=subject, resolved_at__isnull=True).first()


def _follow_up(subject: PermitApplication) -> FollowUp:
    follow_up = _open_follow_up(subject)
    if follow_up is None:
        raise Http404
    return follow_up


class EmptyForm(djforms.Form):
    """An action that takes no input."""




def register() -> None:
    register_collection("permits", lookup=_application)
    register_action(
        "permits",
        "hearing_request",
        title=_("Request a hearing"),
        form_class=EmptyForm,
        perform=lambda *, subject, acting_user, data: services.application_request_hearing(
            application=subject, acting_user=acting_user
        ),
        allowed=_is_applicant,
    )
    register_action(
        "permits",
        "rating",
        title=_("Rate the service"),
        form_class=forms.RatingForm,
        perform=lambda *, subject, acting_user, data: services.application_rate(
            application=subject, acting_user=acting_user, score=data["score"], comment=data["comment"]
        ),
        allowed=_is_applicant,
    )
    register_action(
        "permits",
        "extension",
        title=_("Extend the decision period"),
        form_class=forms.ReasonForm,
        perform=lambda *, subject, acting_user, data: services.application_extend(
            application=subject, acting_user=acting_user, reason=data["reason"]
        ),
        allowed=_is_staff,
    )
    register_action(
        "permits",
        "renewal",
        title=_("Request renewal of the permit"),
        form_class=forms.RenewalForm,
        perform=lambda *, subject, acting_user, data: services.permit_request_renewal(
            permit=_permit(subject),
            acting_user=acting_user,
            requested_until=data["requested_until"],
            reason=data["reason"],
        ),
        allowed=lambda *, subject, user: _is_applicant(subject=subject, user=user)
        and _has_permit(subject=subject, user=user),
    )
    register_action(
        "permits",
        "change",
        title=_("Request a change of the permit"),
        form_class=forms.ChangeForm,
        perform=lambda *, subject, acting_user, data: services.permit_request_change(
            permit=_permit(subject),
            acting_user=acting_user,
            changes={k: data[k] for k in ("content", "material", "lighting")},
            reason=data["reason"],
        ),
        allowed=lambda *, subject, user: _is_applicant(subject=subject, user=user)
        and _has_permit(subject=subject, user=user),
    )
    register_action(
        "permits",
        "cancellation",
        title=_("Cancel the permit"),
        form_class=forms.ReasonForm,
        perform=lambda *, subject, acting_user, data: services.permit_cancel(
            permit=_permit(subject), acting_user=acting_user, reason=data["reason"]
        ),
        allowed=lambda *, subject, user: _is_staff(subject=subject, user=user)
        and _has_permit(subject=subject, user=user),
    )
    register_action(
        "permits",
        "follow_up",
        title=_("Resolve the follow-up of an unsatisfied rating"),
        form_class=forms.FollowUpForm,
        perform=lambda *, subject, acting_user, data: services.followup_resolve(
            follow_up=_follow_up(subject), acting_user=acting_user, note=data["note"]
        ),
        allowed=lambda *, subject, user: user.has_perm("outdoor_ads.resolve_followup")
        and _open_follow_up(subject) is not None,
    )
