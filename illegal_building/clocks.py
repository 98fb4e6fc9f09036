"""The time limits of a case, declared as rules the administrator can edit (domain §1, §3).

Deadlines for staff escalate to the squad leader when red; the party's periods (defence,
compliance, reminder, review, lawsuit) are shown with their lights but escalate to nobody:
when they run out it is the bureau's turn, not a failure.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.sla.rules import ClockRuleSpec, register_rule

STOP_ORDER = "cases.stop_order"
DECISION = "cases.decision"
PERMITS = "cases.permits"
DEFENCE = "cases.defence"
HEARING_REQUEST = "cases.hearing_request"
COMPLY = "cases.comply"
DISCLOSURE = "cases.disclosure"
REMINDER = "cases.reminder"
REVIEW_PERIOD = "cases.review_period"
LAWSUIT_PERIOD = "cases.lawsuit_period"
SERVE_DECISION = "cases.serve_decision"
LAWSUIT_AFTER_REVIEW = "cases.lawsuit_after_review"
APPEAL_PERIOD = "cases.appeal_period"

for spec in [
    ClockRuleSpec(code=STOP_ORDER, title=_("Stop order after verification"), unit="working", limit=1,
                  escalate_to="squadlead", yellow_days_left=0),
    ClockRuleSpec(code=DECISION, title=_("Penalty decision within 90 days of filing"), unit="calendar", limit=90,
                  escalate_to="squadlead"),
    ClockRuleSpec(code=PERMITS, title=_("Party to produce permits after the stop order"), unit="working", limit=3,
                  yellow_days_left=0),
    ClockRuleSpec(code=DEFENCE, title=_("Party's period to state a defence"), unit="working", limit=5,
                  yellow_days_left=0),
    # APL art. 64: a hearing is requested within 5 days of being informed; art. 85: working days.
    ClockRuleSpec(code=HEARING_REQUEST, title=_("Party's period to request a hearing"), unit="working", limit=5,
                  yellow_days_left=0),
    ClockRuleSpec(code=COMPLY, title=_("Party's period to demolish or correct"), unit="working", limit=15,
                  yellow_days_left=0),
    ClockRuleSpec(code=DISCLOSURE, title=_("Public disclosure of the decision"), unit="working", limit=7,
                  escalate_to="squadlead"),
    ClockRuleSpec(code=REMINDER, title=_("Period given in the reminder"), unit="working", limit=10,
                  yellow_days_left=0),
    ClockRuleSpec(code=REVIEW_PERIOD, title=_("Period to apply for administrative review"), unit="calendar",
                  limit=60, yellow_days_left=0),
    ClockRuleSpec(code=LAWSUIT_PERIOD, title=_("Period to file an administrative lawsuit"), unit="calendar",
                  limit=0, months=6, yellow_days_left=0),
    # APL art. 61: a decision not served on the spot is served within 7 days (art. 85: working days).
    ClockRuleSpec(code=SERVE_DECISION, title=_("Serve the decision within 7 working days"), unit="working",
                  limit=7, escalate_to="squadlead"),
    # 行政诉讼法 art. 45: 15 days to sue from service of a review decision; art. 85: 15 days to appeal.
    ClockRuleSpec(code=LAWSUIT_AFTER_REVIEW, title=_("Period to sue after the review decision"), unit="calendar",
                  limit=15, yellow_days_left=0),
    ClockRuleSpec(code=APPEAL_PERIOD, title=_("Period to appeal the first-instance judgment"), unit="calendar",
                  limit=15, yellow_days_left=0),
]:
    register_rule(spec)
