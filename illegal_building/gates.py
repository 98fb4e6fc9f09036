"""The legal gates of a case (domain §3): each refuses with a message that cites its rule.

The checks are pure: they take the dates and facts as data, so the same rule answers the
web form, the API and the case page's list of gates, and is easy to test on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TWO_OFFICERS = _(
    "An on-site record needs two different enforcement officers, each with a law-enforcement "
    "certificate number (APL art. 42)."
)
DEFENCE_WINDOW_OPEN = _(
    "The party's period to state a defence has not ended; no decision may be made before it "
    "(APL arts. 44, 45 and 62)."
)
PRIOR_NOTICE_NOT_SERVED = _(
    "The prior notice has not been served; the defence period runs from proven service (APL art. 44)."
)
HEARING_NOT_HELD = _(
    "The party requested a hearing that has not been held; no decision may be made before it (APL arts. 63–65)."
)
HEARING_REQUEST_WINDOW_CLOSED = _(
    "The period to request a hearing (5 working days from service of the prior notice) has passed "
    "(APL arts. 64 and 85)."
)
NO_HEARING_RIGHT = _("The prior notice gave no right to a hearing for this case (APL art. 63).")
HEARING_ALREADY_REQUESTED = _("A hearing has already been requested after this prior notice.")
NO_HEARING_PENDING = _("No requested hearing is waiting to be held on this case.")
ALREADY_DECIDED = _("The decision has already been made; a hearing can no longer be requested.")
HEARING_CHAIR_INVESTIGATED = _(
    "The hearing must be chaired by someone who did not investigate the case (APL art. 64)."
)
LEGAL_REVIEW_MISSING = _(
    "A demolition decision needs an approving legal review first (APL art. 58)."
)
LEGAL_REVIEWER_INVESTIGATED = _(
    "The legal reviewer must not be one of the officers who investigated the case (APL art. 58)."
)
COLLECTIVE_DISCUSSION_MISSING = _(
    "A major case needs the record of the leadership's collective discussion before the decision (APL art. 57)."
)
DECISION_NOT_SERVED = _("The decision has not been served; its deadlines run from proven service (APL art. 61).")
COMPLIANCE_DEADLINE_OPEN = _(
    "The deadline to comply has not passed; only compliance can be recorded before it (ACL art. 35)."
)
REMINDER_NOT_SERVED = _("The reminder has not been served; its period runs from proven service (ACL art. 35).")
REMINDER_WINDOW_OPEN = _(
    "The period given in the reminder has not passed; no coercive decision may be made before it (ACL arts. 35–37)."
)
ANNOUNCEMENT_MISSING = _("Forced demolition needs the public announcement first (ACL art. 44).")
CHALLENGE_PERIODS_OPEN = _(
    "The periods for administrative review (60 days) and lawsuit (6 months) have not passed; "
    "forced demolition must wait (ACL art. 44)."
)
CHALLENGE_PENDING = _(
    "An administrative review or lawsuit against the decision is pending; execution must wait for its outcome "
    "(ACL art. 44)."
)
EXECUTION_AT_NIGHT = _("Coercive execution may not take place at night (ACL art. 43).")
EXECUTION_ON_HOLIDAY = _("Coercive execution may not take place on a non-working day (ACL art. 43).")
EXECUTION_IN_FUTURE = _("An execution can only be recorded after it has taken place.")
DECISION_REVOKED = _("The decision has been revoked and can no longer be enforced.")
NO_DECISION_TO_CHALLENGE = _("A challenge can only be recorded against a decision that has been made.")
CHALLENGE_ALREADY_DECIDED = _("This challenge already has an outcome; a new outcome is a new record.")
SIGNER_NOT_ALLOWED = _("This document must be signed by the holder of the required role.")
PLANNING_OPINION_MISSING = _(
    "The planning department's opinion on whether the construction can be corrected is required (UPL art. 64)."
)
NOTHING_TO_SERVE = _("There is no signed decision of this kind waiting to be served.")
EXECUTION_DATES = _(
    "The announcement's last deadline must be after today and before the planned execution date (ACL art. 44)."
)
NOT_AN_ENFORCEMENT_MATTER = _("Only an expired permit that was neither renewed nor cancelled becomes a case.")
CASE_ALREADY_OPEN = _("An open case already exists for this facility.")
UNKNOWN_COUNTY = _("Unknown county: %(county)s")
NO_DECISION_CLOCK = _("Only a filed case that awaits its decision has a 90-day clock to pause.")
PERMIT_NOT_VISIBLE = _("There is no advertising permit record with this id that you may see.")
PERMIT_OTHER_COUNTY = _("The advertising permit record belongs to another county than the case.")
PARTY_REQUIRED = _("The party's name and address are required before the case is filed (APL art. 59).")


class GateRefused(Exception):
    """A step the law does not allow yet; ``message`` says which rule, in the user's language."""

    def __init__(self, message: str | Promise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class GateState:
    """One gate as shown on the case page and in the API."""

    code: str
    title: str
    open: bool  # True: the step it guards is allowed now
    detail: str


def daytime_hours() -> tuple[int, int]:
    start, end = getattr(settings, "XIUHUA_CASES_DAYTIME", (8, 18))
    return int(start), int(end)


def check_two_officers(officer1: object, officer2: object) -> None:
    if officer1 is None or officer2 is None or officer1 == officer2:
        raise GateRefused(TWO_OFFICERS, field="officer2")
    for officer in (officer1, officer2):
        if not getattr(officer, "certificate_number", ""):
            raise GateRefused(TWO_OFFICERS, field="officer2")


def check_defence_closed(*, today: dt.date, served: bool, defence_deadline: dt.date | None) -> None:
    if not served or defence_deadline is None:
        raise GateRefused(PRIOR_NOTICE_NOT_SERVED)
    if today <= defence_deadline:
        raise GateRefused(DEFENCE_WINDOW_OPEN)


def check_hearing(*, requested: bool, held: bool) -> None:
    if requested and not held:
        raise GateRefused(HEARING_NOT_HELD)


def check_hearing_request_window(*, today: dt.date, deadline: dt.date) -> None:
    if today > deadline:
        raise GateRefused(HEARING_REQUEST_WINDOW_CLOSED)


def check_not_investigator(
    *, user: object, investigators: set[object], message: Promise = LEGAL_REVIEWER_INVESTIGATED
) -> None:
    if user in investigators:
        raise GateRefused(message)


def check_legal_review(*, approved_review: bool) -> None:
    if not approved_review:
        raise GateRefused(LEGAL_REVIEW_MISSING)


def check_collective(*, is_major: bool, discussed: bool) -> None:
    if is_major and not discussed:
        raise GateRefused(COLLECTIVE_DISCUSSION_MISSING)


def check_compliance_check(*, today: dt.date, deadline: dt.date | None, complied: bool) -> None:
    if deadline is None:
        raise GateRefused(DECISION_NOT_SERVED)
    if not complied and today <= deadline:
        raise GateRefused(COMPLIANCE_DEADLINE_OPEN)


def check_reminder_passed(*, today: dt.date, deadline: dt.date | None) -> None:
    if deadline is None:
        raise GateRefused(REMINDER_NOT_SERVED)
    if today <= deadline:
        raise GateRefused(REMINDER_WINDOW_OPEN)


def check_execution(
    *,
    at: dt.datetime,
    now: dt.datetime,
    is_working_day: bool,
    decision_revoked: bool,
    announced: bool,
    review_period_end: dt.date,
    lawsuit_period_end: dt.date,
    pending_challenge: bool,
    favourable_outcome: bool,
) -> None:
    """ACL arts. 43–44: after the challenge periods, never while challenged, by day, on working days."""
    if decision_revoked:
        raise GateRefused(DECISION_REVOKED)
    if pending_challenge:
        raise GateRefused(CHALLENGE_PENDING)
    if not announced:
        raise GateRefused(ANNOUNCEMENT_MISSING)
    day = timezone.localtime(at).date()
    if not favourable_outcome and (day <= review_period_end or day <= lawsuit_period_end):
        raise GateRefused(CHALLENGE_PERIODS_OPEN)
    if at > now:
        raise GateRefused(EXECUTION_IN_FUTURE, field="executed_at")
    if not is_working_day:
        raise GateRefused(EXECUTION_ON_HOLIDAY, field="executed_at")
    start, end = daytime_hours()
    hour = timezone.localtime(at).hour
    if hour < start or hour >= end:
        raise GateRefused(EXECUTION_AT_NIGHT, field="executed_at")
