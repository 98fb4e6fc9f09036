from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from licensing import selectors as kernel
from licensing.selectors import (  # noqa: F401 - the application page reads the kernel
    TIMELINE_LABELS,
    application_context,
    current_step,
    open_tasks,
    overall_clock_of,
    parties_shown,
    timeline,
)
from workflows import clock
from workflows.jurisdiction import visible
from workflows.roles import has_role

from .models import FacilityType, FollowUp, Permit, PermitApplication, PermitRequest, Rating

STAFF_ROLES = {"clerk", "reviewer", "surveyor", "chief", "supervisor", "leader", "admin"}


def application_list(*, user: Any) -> QuerySet[PermitApplication]:
    return visible(user, PermitApplication).select_related("county", "applicant")


def lookup(*, number: str, code: str) -> PermitApplication | None:
    return kernel.lookup(model=PermitApplication, number=number, code=code)  # type: ignore[no-any-return]


def permit_list(*, user: Any) -> QuerySet[Permit]:
    return visible(user, Permit).select_related("application", "holder", "county")


def expired_permits(*, user: Any) -> QuerySet[Permit]:
    """Expired, not renewed, not cancelled: facilities to be removed (a source for enforcement cases)."""
    return permit_list(user=user).filter(status=Permit.Status.ACTIVE, valid_until__lt=clock.today())


EXPIRING_WITHIN_DAYS = 30


def permit_registry(*, user: Any, show: str) -> QuerySet[Permit]:
    """Registry slices: active (still valid), expiring (within 30 days) and expired (to be removed)."""
    today = clock.today()
    active = permit_list(user=user).filter(status=Permit.Status.ACTIVE)
    if show == "expired":
        qs = expired_permits(user=user)
    elif show == "expiring":
        qs = active.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS))
    else:
        qs = active.filter(valid_until__gte=today)
    return qs.order_by("valid_until", "number")


def pending_requests(*, user: Any) -> QuerySet[PermitRequest]:
    return visible(user, PermitRequest).filter(status=PermitRequest.Status.PENDING).select_related("permit")


def open_follow_ups(*, user: Any) -> QuerySet[FollowUp]:
    return visible(user, FollowUp).filter(resolved_at__isnull=True).select_related("rating__application")


def rating_counts(*, user: Any) -> list[tuple[Any, int]]:
    """好差评 in the user's jurisdiction: (level, count) for every level, best first; one query."""
    from django.db.models import Count

    counted = dict(
        Rating.objects.filter(application__in=visible(user, PermitApplication))
        .values_list("score")
        .annotate(n=Count("id"))
        .values_list("score", "n")
    )
    return [(score, counted.get(score.value, 0)) for score in Rating.Score]


def dashboard_panels(*, user: Any) -> list[dict[str, Any]]:
    """The supervision dashboard's 好差评 panel: ratings per level and bad ones still to follow up."""
    return [
        {
            "key": "ads-ratings",
            "title": _("Ratings (好差评) in my jurisdiction"),
            "rows": [(score.label, count) for score, count in rating_counts(user=user)],
            "note": _("Unsatisfied ratings still to follow up: %(count)s")
            % {"count": open_follow_ups(user=user).count()},
        }
    ]


def home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    sections = []
    if "applicant" in role_codes or role_codes & STAFF_ROLES:
        recent = list(application_list(user=user)[:20])
        # One query for the facility names of the whole section, not one per row.
        names = dict(
            FacilityType.objects.filter(code__in={a.facility_type for a in recent}).values_list("code", "name")
        )
        items = [
            {
                "url": reverse("ads:application_detail", kwargs={"pk": a.pk}),
                "label": a.number,
                "note": f"{names.get(a.facility_type, a.facility_type)} · {a.address} · {a.get_status_display()}",
            }
            for a in recent
        ]
        title = _("My applications") if "applicant" in role_codes else _("Applications in my jurisdiction")
        sections.append({"key": "ads-applications", "title": title, "items": items, "empty": _("No applications yet.")})
    if "applicant" in role_codes:
        sections.append(
            {
                "key": "ads-apply",
                "title": _("Apply for an outdoor-advertising permit"),
                "items": [{"url": reverse("ads:apply"), "label": _("Apply online"), "note": ""}],
                "empty": "",
            }
        )
    if has_role(user, "chief"):
        follow_ups = [
            {
                "url": reverse("ads:followup", kwargs={"pk": f.pk}),
                "label": f.rating.application.number,
                "note": f.rating.comment,
            }
            for f in open_follow_ups(user=user)[:20]
        ]
        follow_up_url = follow_ups[0]["url"] if follow_ups else ""
        sections.append(
            {
                "key": "ads-ratings",
                "title": _("Ratings (好差评) in my jurisdiction"),
                "items": [
                    {
                        "url": follow_up_url if score in Rating.FOLLOW_UP_SCORES and count else "",
                        "label": score.label,
                        "note": str(count),
                    }
                    for score, count in rating_counts(user=user)
                ],
                "empty": "",
            }
        )
        sections.append(
            {
                "key": "ads-followups",
                "title": _("Unsatisfied ratings to follow up"),
                "items": follow_ups,
                "empty": _("Nothing to follow up."),
            }
        )
        requests = [
            {
                "url": reverse("ads:permit_detail", kwargs={"pk": r.permit_id}),
                "label": r.permit.number,
                "note": r.get_kind_display(),
            }
            for r in pending_requests(user=user)[:20]
        ]
        sections.append(
            {
                "key": "ads-permit-requests",
                "title": _("Permit requests to decide"),
                "items": requests,
                "empty": _("No pending requests."),
            }
        )
    return sections
