"""Construction-waste disposal approval (城市建筑垃圾处置核准), read top to bottom.

Accept → review → (hearing, when requested or flagged) → decide → deliver, in the order the Licensing
Law sets. Every human
step runs through ``workflows.flowviews.StepView`` with the kernel's form and service
(licensing.steps); withdrawal, extension, ratings and the permit's later life are kernel
services outside the graph.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow, lock

from licensing.flows import LicenceFlowMixin
from workflows import gates
from workflows.flowviews import StepView, View
from workflows.sla.flow import SlaFlowMixin

from .clocks import STEP_LIMITS
from .models import WasteProcess


class WasteDisposalFlow(LicenceFlowMixin, SlaFlowMixin, flow.Flow):
    """Construction-waste disposal approval"""

    process_class = WasteProcess
    process_title = _("Construction-waste disposal approval")
    lock_impl = lock.select_for_update_lock
    step_limits = STEP_LIMITS

    # --- Applicant: applies online (construction_waste.services.application_submit) ---
    start = flow.StartHandle(this.start_application).Annotation(title=_("Apply online")).Next(this.accept)

    # --- Acceptance clerk: accept | one-time supplement notice | refuse to accept (ALL art. 32) ---
    accept = (
        View(StepView.as_view())
        .Annotation(title=_("Decide on acceptance"))
        .Permission("construction_waste.accept_permit")
        .Next(this.route_acceptance)
    )
    route_acceptance = (
        gates.Switch()
        .Annotation(title=_("Acceptance decided"))
        .Case(this.review, act.process.is_accepted)
        .Case(this.supplement, act.process.needs_supplement)
        .Default(this.not_accepted)
    )
    supplement = flow.Handle().Annotation(title=_("Applicant supplements the materials")).Next(this.route_supplement)
    route_supplement = (
        gates.If(act.process.is_supplement_answered)
        .Annotation(title=_("Supplement answered in time?"))
        .Then(this.accept)
        .Else(this.withdrawn)
    )

    # --- Reviewer: checks the transport, route and disposal site (ALL art. 34) ---
    review = (
        View(StepView.as_view())
        .Annotation(title=_("Review"))
        .Permission("construction_waste.review_permit")
        .Next(this.route_hearing)
    )
    route_hearing = (
        gates.If(act.process.hearing_required)
        .Annotation(title=_("Hearing required or requested?"))
        .Then(this.schedule_hearing)
        .Else(this.decide)
    )

    # --- Hearing chair, never the reviewer (ALL art. 46-48; the clock is paused meanwhile) ---
    schedule_hearing = (
        View(StepView.as_view())
        .Annotation(title=_("Schedule the hearing"))
        .Permission("construction_waste.hear_permit")
        .Restrict(this.not_a_reviewer)
        .Next(this.route_hearing_scheduled)
    )
    route_hearing_scheduled = (
        gates.If(act.process.is_hearing_scheduled)
        .Annotation(title=_("Hearing scheduled (not waived)?"))
        .Then(this.hearing)
        .Else(this.decide)
    )
    hearing = (
        View(StepView.as_view())
        .Annotation(title=_("Hold the hearing"))
        .Permission("construction_waste.hear_permit")
        .Restrict(this.not_a_reviewer)
        .Next(this.decide)
    )

    # --- Section chief: grant or refuse (ALL art. 37-38) ---
    decide = (
        View(StepView.as_view())
        .Annotation(title=_("Decide"))
        .Permission("construction_waste.decide_permit")
        .Next(this.route_decision)
    )
    route_decision = (
        gates.If(act.process.is_granted).Annotation(title=_("Granted?")).Then(this.deliver).Else(this.refused)
    )

    # --- Acceptance clerk: delivers the approval within 10 working days (ALL art. 44) ---
    deliver = (
        View(StepView.as_view())
        .Annotation(title=_("Deliver the permit"))
        .Permission("construction_waste.deliver_permit")
        .Next(this.granted)
    )

    granted = gates.End().Annotation(title=_("Permit granted"))
    refused = gates.End().Annotation(title=_("Permit refused"))
    not_accepted = gates.End().Annotation(title=_("Not accepted"))
    withdrawn = gates.End().Annotation(title=_("Withdrawn"))
