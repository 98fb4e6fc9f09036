from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.jurisdiction import visible

from .models import PermitApplication

STAFF_ROLES = {"clerk", "reviewer", "surveyor", "chief", "supervisor", "leader", "admin"}


def application_list(*, user: Any) -> QuerySet[PermitApplication]:
    return visible(user, PermitApplication).select_related("county", "applicant")


def home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    sections = []
    if "applicant" in role_codes or role_codes & STAFF_ROLES:
        items = [
            {
                "url": reverse("ads:application_detail", kwargs={"pk": a.pk}),
                "label": a.number,
                "note": f"{a.facility_type} · {a.address}",
            }
            for a in application_list(user=user)[:20]
        ]
        title = _("My applications") if "applicant" in role_codes else _("Applications in my jurisdiction")
        sections.append(
            {"key": "ads-applications", "title": title, "items": items, "empty": _("No applications yet.")}
        )
    return sections
