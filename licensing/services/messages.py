"""Refusal messages and notification titles of the licensing kernel (tests assert them exactly)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOT_YOUR_APPLICATION = _("Only the applicant may do this.")
NOT_OPEN = _("This application is no longer open.")
ALREADY_DECIDED = _("The decision has been made; the application can no longer be withdrawn.")
NO_SUPPLEMENT_PENDING = _("No supplement is awaited for this application.")
SUPPLEMENT_ONCE = _("Materials may be requested only once (一次性告知); accept or refuse to accept now.")
MISSING_ITEMS_REQUIRED = _("List every missing item in the supplement notice.")
SUPPLEMENT_WINDOW_PASSED = _(
    "ALL art. 32: the 5 working days to notify a supplement have passed (materials arrived on %(date)s); the"
    " application counts as accepted from that day — accept it now."
)
REASON_REQUIRED = _("Give the reason.")
AUTHORITY_REQUIRED = _("Say where the applicant should apply instead.")
NOT_A_STAFF_DECISION = _("You may not decide this.")
EXTENSION_ONCE = _("The statutory limit may be extended only once.")
EXTENSION_NOT_OPEN = _("Only an application under review can be extended.")
EXTENSION_LEADER_ONLY = _("ALL art. 42: only the head of the bureau may approve extending the time limit.")
EXTENSION_AFTER_LIMIT = _(
    "ALL art. 42: the 20 working days ended on %(date)s; the time limit can be extended only before it expires."
)
HEARING_TOO_LATE = _("A hearing can be requested only before the review is countersigned.")
HEARING_REQUEST_LATE = _("A hearing must be requested within 5 working days of the hearing notice.")
HEARING_ALREADY_REQUESTED = _("A hearing has already been requested.")
HEARING_RIGHT_OPEN = _(
    "ALL art. 47: the applicant may request a hearing until %(date)s; before then only the applicant's own written"
    " waiver ends that right."
)
HEARING_REQUESTED_NOT_WAIVABLE = _(
    "ALL art. 47: the applicant has requested a hearing; only the applicant's own written waiver cancels it."
)
HEARING_NOT_WAIVABLE = _("There is no pending hearing to waive.")
HEARING_SCHEDULED_NOT_WAIVABLE = _(
    "ALL art. 47: before the hearing date (%(date)s) only the applicant's own written waiver cancels the hearing."
)
WAIVER_STATEMENT_REQUIRED = _("Write the waiver statement in your own words.")
HEARING_NOTICE_IN_FUTURE = _("The notice of the hearing cannot be dated in the future.")
HEARING_NOTICE_BEFORE_INFORMED = _("The notice of time and place cannot precede the hearing notice.")
HEARING_NOTICE_TOO_SHORT = _(
    "The hearing must be at least 7 working days after the notice of its time and place (on or after %(date)s)."
)
HEARING_BEYOND_WINDOW = _("The hearing must be held within 20 working days of the request (by %(date)s).")
HEARING_PLACE_REQUIRED = _("Give the place of the hearing.")
HEARING_DATE_REQUIRED = _("Give the date of the hearing and the day its notice was sent.")
HEARING_HELD_ON_MISMATCH = _("Enter the scheduled hearing date (%(date)s).")
NEIGHBOURS_REQUIRED = _("Enter every affected neighbour: name, address and phone.")
STATEMENT_PERIOD_OPEN = _(
    "The applicant and the neighbours may still make statements until %(date)s; decide once every statement is"
    " recorded or the period has ended."
)
STATEMENT_PERIOD_CLOSED = _("The statement period has ended.")
STATEMENT_REQUIRED = _("Enter the statement.")
STATEMENT_ALREADY_RECORDED = _("This statement has already been recorded.")
HEARING_NOT_YET = _("A hearing cannot be recorded before it is held.")
RATING_NOT_FINISHED = _("An application can be rated once it is finished.")
RATING_ONCE = _("This application has already been rated.")
RENEWAL_TOO_LATE = _("A renewal must be applied for at least 30 days before the permit expires.")
RENEWAL_PENDING = _("A renewal of this permit is already pending.")
# The generic wording; a type's spec may name its own object (LicenceSpec.renewal_until_invalid_text).
RENEWAL_UNTIL_INVALID = _("The renewed validity must end after the current one and within the permit type's limit.")
PERMIT_NOT_ACTIVE = _("This permit is not active.")
REQUEST_DECIDED = _("This request has already been decided.")
NOTHING_TO_CHANGE = _("Nothing would change.")
VALID_UNTIL_BEFORE_START = _("The permit would end before it starts (%(date)s).")
# Notification titles to the applicant and the chief.
# The promise is the type's clock rule (LicenceSpec.overall_rule), read from the clock at acceptance.
TOLD_ACCEPTED = _("has been accepted; the decision is due within %(days)s working days.")
TOLD_SUPPLEMENT = _("is incomplete: submit the listed materials online within 10 working days.")
TOLD_NOT_ACCEPTED = _("has not been accepted.")
TOLD_SUPPLEMENT_EXPIRED = _("is treated as withdrawn: no supplement within the period.")
TOLD_HEARING = _("goes to a hearing; the time limit is paused meanwhile.")
TOLD_HEARING_SCHEDULED = _("hearing scheduled: date and place below.")
TOLD_HEARING_WAIVED = _("the applicant waived the hearing in writing.")
TOLD_NEIGHBOURS = _(
    "directly affects neighbours' major interests: you and the neighbours may make statements until the date below."
)
TOLD_EXTENDED = _("the statutory time limit has been extended by 10 working days.")
TOLD_GRANTED = _("has been granted; the permit can be downloaded.")
TOLD_REFUSED = _("has been refused; see the reasons and your rights.")
TOLD_UNSATISFIED = _("was rated unsatisfied: follow up with the applicant.")
TOLD_RENEWAL_DECIDED = _("renewal or change decided.")
TOLD_EXPIRY = _("expires within 30 days: apply for renewal or stop the permitted activity.")

# Periods of the law (ALL art. 32, 42, 47, 48, 50; art. 82 counts them in working days).
SUPPLEMENT_WORKING_DAYS = 10
EXTENSION_WORKING_DAYS = 10
RENEWAL_MIN_DAYS_BEFORE_EXPIRY = 30
EXPIRY_REMINDER_DAYS = 30
HEARING_REQUEST_WORKING_DAYS = 5
HEARING_WINDOW_WORKING_DAYS = 20
HEARING_NOTICE_WORKING_DAYS = 7
STATEMENT_WORKING_DAYS = 5

# Document data is the text printed on the Chinese official form, not UI text: it stays Chinese.
HEARING_REQUESTED_TEXT = "申请人依法提出听证申请"
HEARING_BY_LAW_TEXT = "依法应当听证"
CHANGE_REASON_TEXT = "持证人申请变更许可事项"
