"""A minimal flow that declares a step limit, used to exercise step clocks end to end.

It has no views or URLs; the process apps' real flows declare their limits the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

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


class SlaTakeOverDrillFlow(SlaFlowMixin, flow.Flow):
    """Take-over drill

    One human step of five working days; when it goes red the chief may take it over.
    """

    lock_impl = lock.select_for_update_lock
    step_limits = {"decide": StepLimit(working_days=5, escalate_to="chief")}

    # -- started from code
    start = flow.StartHandle(this.start_drill).Annotation(title=_("Start")).Next(this.decide)
    # -- reviewer: assigned from code; the drill's task view is mounted by the tests only
    decide = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title=_("Decide"))
        .Permission("workflows.view_supervision")
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("End"))

    def start_drill(self, activation: Any, *, county_id: int, label: str = "") -> Any:
        activation.process.data = {"county_id": county_id, "label": label}
        return activation.process

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        # Bureau staff see the drill in their viewflow inbox; the product flows decide their own.
        return bool(user.is_authenticated and getattr(user, "kind", "") == "staff")


class SlaListOnlyDrillFlow(SlaFlowMixin, flow.Flow):
    """List-only drill

    The same step, but red is only listed and notified: nobody may take it over.
    (viewflow nodes belong to one flow class, so the drill is declared again, not inherited.)
    """

    lock_impl = lock.select_for_update_lock
    step_limits = {"decide": StepLimit(working_days=5, escalate_to="chief", on_red="list")}

    # -- started from code
    start = flow.StartHandle(this.start_drill).Annotation(title=_("Start")).Next(this.decide)
    # -- reviewer: assigned from code
    decide = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title=_("Decide"))
        .Permission("workflows.view_supervision")
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("End"))

    start_drill = SlaTakeOverDrillFlow.start_drill
    has_view_permission = SlaTakeOverDrillFlow.has_view_permission
