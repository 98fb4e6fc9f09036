"""The ad application page's neighbour hearing actions: thin views over the action registry.

The ALL art. 45 special procedures are the kernel's (licensing.lawviews); this page adds the
neighbours' own hearing rights and the hearing reschedule, posted to the same URL.
"""

from __future__ import annotations

from typing import Any

from licensing import lawviews as kernel

from . import hearings, lawforms
from .lawactions import HEARING_RESCHEDULE, NAMES, NEIGHBOUR_HEARING
from .models import Hearing, PermitApplication


def law_context(
    *, application: PermitApplication, user: Any, law_errors: list[Any], bound: dict[str, Any]
) -> dict[str, Any]:
    """What the application page shows of the parties' hearing rights (added to the kernel's pause context)."""
    hearing = Hearing.objects.filter(application=application).first()
    may_record = hearings.may_record_neighbour(user, application)
    may_reschedule = bool(
        hearing
        and hearing.scheduled_for
        and not hearing.held_on
        and application.status == PermitApplication.Status.HEARING
        and hearings.may_reschedule(user, application)
    )
    # Neighbours' names are personal data: only the staff who may record for them see the list.
    rights = hearings.rights_of(application) if may_record else []
    shown = {
        NEIGHBOUR_HEARING: bool(rights) and application.status == PermitApplication.Status.HEARING,
        HEARING_RESCHEDULE: may_reschedule,
    }
    return {
        "law_errors": [*law_errors, *kernel.refusals_not_shown(bound, shown)],
        "neighbour_rights": rights,
        "may_record_neighbour": may_record and application.status == PermitApplication.Status.HEARING,
        "neighbour_hearing_form": bound.get(NEIGHBOUR_HEARING)
        or lawforms.NeighbourHearingForm(application=application),
        "may_reschedule": may_reschedule,
        "reschedule_form": bound.get(HEARING_RESCHEDULE) or lawforms.HearingRescheduleForm(),
    }


class LawActionView(kernel.LawActionView):
    app_label = "outdoor_ads"
    namespace = "ads"
    collection = "permits"
    names = NAMES

    @property
    def detail_view(self) -> Any:  # type: ignore[override]
        from .views import ApplicationDetailView

        return ApplicationDetailView
