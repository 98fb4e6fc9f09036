"""The kernel's own time limits: the applicant's supplement period (ALL art. 32).

The period the one-time supplement notice gives the applicant is a clock like every other
deadline, so a holiday schedule entered later moves it, the notice gets a correction, and the
page, API and the expiry sweeper read the clock's due date, never a stored copy. It is the
applicant's period: nobody on staff holds it and nothing escalates.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.sla.rules import ClockRuleSpec, register_rule

from .services.messages import SUPPLEMENT_WORKING_DAYS

SUPPLEMENT = "licensing.supplement"

register_rule(
    ClockRuleSpec(
        code=SUPPLEMENT,
        title=_("Licence application: supplementary materials"),
        unit="working",
        limit=SUPPLEMENT_WORKING_DAYS,
        process_code="licensing",
    )
)
