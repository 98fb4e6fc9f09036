"""Time limits of the waste disposal approval, kept as admin-editable clock rules.

Statutory 20 working days from acceptance, extendable once by 10 (ALL art. 42); the city
promises 10. Acceptance has its 5 working days before the clock starts (art. 32).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.sla.flow import StepLimit
from workflows.sla.rules import ClockRuleSpec, register_rule

OVERALL = "waste.overall"

register_rule(
    ClockRuleSpec(
        code=OVERALL,
        title=_("Construction-waste disposal approval: decision"),
        unit="working",
        limit=10,
        statutory_limit=20,
        extension_limit=10,
        escalate_to="chief",
        process_code="construction_waste",
    )
)

ACCEPTANCE_WORKING_DAYS = 5

STEP_LIMITS = {
    "accept": StepLimit(working_days=ACCEPTANCE_WORKING_DAYS, escalate_to="chief"),
    "review": StepLimit(working_days=5, escalate_to="chief"),
    # Scheduling must leave the 7-working-day notice inside the 20-day hearing window.
    "schedule_hearing": StepLimit(working_days=5, escalate_to="chief"),
    "hearing": StepLimit(working_days=20, escalate_to="chief"),
    "decide": StepLimit(working_days=5, escalate_to="chief"),
    "deliver": StepLimit(working_days=10, escalate_to="chief"),
}
