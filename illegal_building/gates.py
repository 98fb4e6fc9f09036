"""The refusal messages of a case, each citing its article, and the exception that carries them.

The rules themselves (which act each message guards, and the check) are in ``rules.py``.
Messages are module constants so tests assert them exactly.
"""

from __future__ import annotations

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
HEARING_ALREADY_REQUESTED = _("A hearing has already been requested after this prior notice (APL art. 64).")
NO_HEARING_PENDING = _("No requested hearing is waiting to be held on this case (APL art. 64).")
ALREADY_DECIDED = _("The decision has already been made; a hearing can no longer be requested (APL art. 64).")
HEARING_CHAIR_INVESTIGATED = _(
    "The hearing must be chaired by someone who did not investigate the case (APL art. 64)."
)
LEGAL_REVIEW_MISSING = _(
    "A penalty or demolition decision needs an approving legal review made after the prior notice (APL art. 58)."
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
DECISION_REVOKED = _("The decision has been revoked and can no longer be enforced (ACL art. 40).")
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


FINE_NOT_NOTIFIED = _(
    "A fine may only be imposed after a served prior notice proposed it, and not above the amount proposed "
    "(APL arts. 44, 45 and 62)."
)
HEARING_RIGHT_REQUIRED = _(
    "The proposed fine reaches the amount from which the party may request a hearing; the prior notice must "
    "give that right (APL art. 63)."
)
HEARING_WINDOW_OPEN = _(
    "The party's 5 working days to request a hearing after service of the prior notice have not ended; no "
    "decision may be made before (APL art. 64)."
)
HEARING_NOTICE_TOO_SHORT = _(
    "The party must be told the time and place of the hearing at least 7 working days before it "
    "(APL arts. 64 and 85)."
)
SERVICE_LEFT_PROOF = _(
    "Service by leaving the document needs the witnesses' names or a photo or video of the service "
    "(Civil Procedure Law art. 89)."
)
SERVICE_ELECTRONIC_CONSENT = _(
    "Electronic service needs the party's recorded consent (Civil Procedure Law art. 90)."
)
SERVICE_ELECTRONIC_CONSENT_LATE = _(
    "The party consented to electronic service only after the date of service; it needs the party's prior "
    "consent (Civil Procedure Law art. 90)."
)
SERVICE_ANNOUNCEMENT_LAST_RESORT = _(
    "Service by announcement is allowed only after a recorded failed attempt by another method "
    "(Civil Procedure Law art. 95)."
)
OUTCOME_SERVICE_MISSING = _(
    "Record the date the review decision or judgment was served; the period to sue or appeal runs from it "
    "(Administrative Litigation Law arts. 45 and 85)."
)
LAWSUIT_AFTER_REVIEW_OPEN = _(
    "The party may still sue within 15 days of service of the review decision; coercive execution must wait "
    "(Administrative Litigation Law art. 45; ACL art. 44)."
)
APPEAL_WINDOW_OPEN = _(
    "The party may still appeal within 15 days of service of the first-instance judgment; coercive execution "
    "must wait (Administrative Litigation Law art. 85; ACL art. 44)."
)
GOVERNMENT_ORDER_MISSING = _(
    "Forced demolition needs the county-level government's order on record (issuer, number, date, scan) "
    "before it is planned (UPL art. 68)."
)
GOVERNMENT_ORDER_TOO_EARLY = _(
    "The county-level government's order on record was issued before the party let the deadline of the "
    "decision pass (or is dated in the future); forced demolition needs an order issued after it (UPL art. 68)."
)
PLANNED_AT_NIGHT = _(
    "The planned execution time falls at night (22:00–06:00); only a recorded emergency approved by the bureau "
    "leader allows it (ACL art. 43)."
)
PLANNED_ON_HOLIDAY = _(
    "The planned execution date is a statutory holiday or rest day; only a recorded emergency approved by the "
    "bureau leader allows it (ACL art. 43)."
)
EXECUTION_BEFORE_LAST_DAY = _(
    "Forced demolition may only take place after the last day the announcement gave the party (ACL art. 44)."
)
EXECUTION_WINDOW = _("The planned execution must end after it starts, on the same day.")
OUTCOME_SERVED_REQUIRED = _("Give the date the review decision or judgment was served on the party.")


class GateRefused(Exception):
    """A step the law does not allow yet; ``message`` says which rule, in the user's language."""

    def __init__(self, message: str | Promise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
