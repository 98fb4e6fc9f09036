"""The neighbours' hearing actions in the action registry: one form and service for web and API.

The ALL art. 45 actions (pause_start, pause_stop) are the kernel's (licensing.actions).

``/api/permits/<id>/actions/<name>/`` and ``/ads/applications/<id>/law/<name>/`` both run them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from licensing.actions import PAUSE_START, PAUSE_STOP
from workflows.actions import register_action

from . import hearings, lawforms

NEIGHBOUR_HEARING = "neighbour_hearing"
HEARING_RESCHEDULE = "hearing_reschedule"
NAMES = (PAUSE_START, PAUSE_STOP, NEIGHBOUR_HEARING, HEARING_RESCHEDULE)


def register() -> None:
    register_action(
        "permits",
        NEIGHBOUR_HEARING,
        title=_("Record a neighbour's written hearing request or waiver"),
        form_class=lawforms.NeighbourHearingForm,
        form=lambda data, files, *, subject, user: lawforms.NeighbourHearingForm(data, files, application=subject),
        perform=lambda *, subject, acting_user, data: hearings.neighbour_hearing_record(
            party=data["party"],
            acting_user=acting_user,
            decision=data["decision"],
            statement=data["statement"],
            received_on=data["received_on"],
        ),
        allowed=lambda *, subject, user: hearings.may_record_neighbour(user, subject),
    )
    register_action(
        "permits",
        HEARING_RESCHEDULE,
        title=_("Reschedule the hearing (new notice)"),
        form_class=lawforms.HearingRescheduleForm,
        perform=lambda *, subject, acting_user, data: hearings.hearing_reschedule(
            application=subject,
            acting_user=acting_user,
            hearing_date=data["hearing_date"],
            place=data["place"],
            reason=data["reason"],
        ),
        allowed=lambda *, subject, user: hearings.may_reschedule(user, subject),
    )
