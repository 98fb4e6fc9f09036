"""A minimal flow that declares a step limit, used to exercise step clocks end to end.

It has no views or URLs; the process apps' real flows declare their limits the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from .flow import SlaFlowMixin, StepLimit


class SlaDrillFlow(SlaFlowMixin, flow.Flow):
    """Time-limit drill

    One step of five working days that escalates to the section chief.
    """

    lock_impl = lock.select_for_update_lock
    step_limits = {"review": StepLimit(working_days=5, escalate_to="chief")}

    # -- started from code
    start = flow.StartHandle(this.start_drill).Annotation(title=_("Start")).Next(this.review)
    # -- reviewer
    review = flow.Handle(this.finish_review).Annotation(title=_("Review")).Next(this.end)
    end = flow.End().Annotation(title=_("End"))

    def start_drill(self, activation: Any, *, county_id: int, label: str = "") -> Any:
        activation.process.data = {"county_id": county_id, "label": label}
        return activation.process

    def finish_review(self, activation: Any) -> Any:
        return activation.process
