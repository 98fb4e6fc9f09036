"""The ALL art. 45 and hearing actions in the action registry: one form and service for web and API.

``/api/permits/<id>/actions/<name>/`` and ``/ads/applications/<id>/law/<name>/`` both run them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.actions import register_action

from . import hearings, lawforms, pauses

PAUSE_START = "pause_start"
PAUSE_STOP = "pause_stop"
NEIGHBOUR_HEARING = "neighbour_hearing"
HEARING_RESCHEDULE = "hearing_reschedule"
NAMES = (PAUSE_START, PAUSE_STOP, NEIGHBOUR_HEARING, HEARING_RESCHEDULE)


def register() -> None:
    register_action(
        "permits",
        PAUSE_START,
        title=_("Start a special procedure (ALL art. 45)"),
        form_class=lawforms.PauseStartForm,
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
        "permits",
        PAUSE_STOP,
        title=_("End the special procedure (ALL art. 45)"),
        form_class=lawforms.PauseStopForm,
        perform=lambda *, subject, acting_user, data: pauses.pause_stop(
            application=subject, acting_user=acting_user, outcome=data["outcome"]
        ),
        allowed=lambda *, subject, user: pauses.may_pause(user, subject),
    )
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
