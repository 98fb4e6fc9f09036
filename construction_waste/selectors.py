"""Reads of the waste disposal approval: its section on the home page (scoped like every list)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.jurisdiction import visible

from .models import PermitApplication

STAFF_ROLES = {"clerk", "waste_reviewer", "chief", "supervisor", "leader", "admin"}


def home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    if not ("applicant" in role_codes or role_codes & STAFF_ROLES):
        return []
    recent = visible(user, PermitApplication).select_related("county")[:20]
    items = [
        {
            "url": reverse("waste:application_detail", kwargs={"pk": a.pk}),
            "label": a.number,
            "note": f"{a.project_name} · {a.get_status_display()}",
        }
        for a in recent
    ]
    if "applicant" in role_codes:
        apply_label = _("Apply for a construction-waste disposal approval")
        items.append({"url": reverse("waste:apply"), "label": apply_label, "note": ""})
    return [
        {
            "key": "waste-applications",
            "title": _("Construction-waste disposal approvals"),
            "items": items,
            "empty": _("No applications yet."),
        }
    ]
