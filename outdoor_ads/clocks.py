"""Time limits of the permit process (domain §2), declared here and kept as admin-editable rules.

The overall clock starts at acceptance: promised 13 working days (20 cut by one third),
statutory 20, extendable once by 10. The step limits inside it — review 4, countersign 2,
site survey 3, decision 4 — add up to the promised 13 (PermitFlow.step_limits). Acceptance
(5 working days, before the licensing clock starts), the hearing (the overall clock is
paused meanwhile) and delivery (10 working days after the decision) have their own limits.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.sla.flow import StepLimit
from workflows.sla.rules import ClockRuleSpec, register_rule

OVERALL = "ads.overall"

register_rule(
    ClockRuleSpec(
        code=OVERALL,
        title=_("Outdoor-advertising permit: decision"),
        unit="working",
        limit=13,
        statutory_limit=20,
        extension_limit=10,
        escalate_to="chief",
        process_code="outdoor_ads",
    )
)

ACCEPTANCE_WORKING_DAYS = 5

STEP_LIMITS = {
    "accept": StepLimit(working_days=ACCEPTANCE_WORKING_DAYS, escalate_to="chief"),
    "review": StepLimit(working_days=4, escalate_to="chief"),
    "countersign": StepLimit(working_days=2, escalate_to="chief"),
    "survey": StepLimit(working_days=3, escalate_to="chief"),
    # Scheduling must leave the 7-working-day notice inside the 20-day hearing window.
    "schedule_hearing": StepLimit(working_days=5, escalate_to="chief"),
    "hearing": StepLimit(working_days=20, escalate_to="chief"),
    "decide": StepLimit(working_days=4, escalate_to="chief"),
    "deliver": StepLimit(working_days=10, escalate_to="chief"),
}
PROMISED_STEPS = ("review", "countersign", "survey", "decide")
