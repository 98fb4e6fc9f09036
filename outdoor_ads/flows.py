"""The outdoor-advertising permit process (domain §2), read top to bottom.

Every human step runs through ``workflows.flowviews.StepView`` with the form and service
registered for it in ``outdoor_ads.steps`` (the task API uses the same registry). Withdrawal
by the applicant and the chief's extension are services outside the graph: they may happen
at any step before the decision.
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
from .models import PermitProcess


class PermitFlow(LicenceFlowMixin, SlaFlowMixin, flow.Flow):
    """Outdoor-advertising permit"""

    process_class = PermitProcess
    process_title = _("Outdoor-advertising permit")
    lock_impl = lock.select_for_update_lock
    # One step clock per human step (outdoor_ads.clocks); red escalates to the chief.
    step_limits = STEP_LIMITS

    # --- Applicant: applies online (outdoor_ads.services.application_submit) ---
    start = flow.StartHandle(this.start_application).Annotation(title=_("Apply online")).Next(this.accept)

    # --- Acceptance clerk: accept | one-time supplement notice | refuse to accept (ALL art. 32) ---
    accept = (
        View(StepView.as_view())
        .Annotation(title=_("Decide on acceptance"))
        .Permission("outdoor_ads.accept_permit")
        .Next(this.route_acceptance)
    )
    route_acceptance = (
        gates.Switch()
        .Annotation(title=_("Acceptance decided"))
        .Case(this.review, act.process.is_accepted)
        .Case(this.supplement, act.process.needs_supplement)
        .Default(this.not_accepted)
    )

    # --- Applicant: answers the supplement notice online, or the deadline passes (sweeper) ---
    supplement = flow.Handle().Annotation(title=_("Applicant supplements the materials")).Next(this.route_supplement)
    route_supplement = (
        gates.If(act.process.is_supplement_answered)
        .Annotation(title=_("Supplement answered in time?"))
        .Then(this.accept)
        .Else(this.withdrawn)
    )

    # --- Reviewers: review, then countersign by a second reviewer ---
    review = (
        View(StepView.as_view())
        .Annotation(title=_("Review"))
        .Permission("outdoor_ads.review_permit")
        .Next(this.countersign)
    )
    countersign = (
        View(StepView.as_view())
        .Annotation(title=_("Countersign the review"))
        .Permission("outdoor_ads.review_permit")
        .Restrict(this.not_the_first_reviewer)
        .Next(this.route_countersign)
    )
    route_countersign = (
        gates.If(act.process.is_countersigned)
        .Annotation(title=_("Countersigned?"))
        .Then(this.route_survey)
        .Else(this.review)
    )
    route_survey = (
        gates.If(act.process.survey_required)
        .Annotation(title=_("Site survey required?"))
        .Then(this.survey)
        .Else(this.route_hearing)
    )

    # --- Site surveyor (the time counts against the limit) ---
    survey = (
        View(StepView.as_view())
        .Annotation(title=_("Survey the site"))
        .Permission("outdoor_ads.survey_permit")
        .Next(this.route_hearing)
    )
    route_hearing = (
        gates.If(act.process.hearing_required)
        .Annotation(title=_("Hearing required or requested?"))
        .Then(this.schedule_hearing)
        .Else(this.decide)
    )

    # --- Hearing chair, never one of the reviewers (the clock is paused meanwhile) ---
    # Time and place are notified >= 7 working days ahead, within 20 of the request (ALL art. 47-48).
    schedule_hearing = (
        View(StepView.as_view())
        .Annotation(title=_("Schedule the hearing"))
        .Permission("outdoor_ads.hear_permit")
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
        .Permission("outdoor_ads.hear_permit")
        .Restrict(this.not_a_reviewer)
        .Next(this.decide)
    )

    # --- Section chief: grant or refuse ---
    decide = (
        View(StepView.as_view())
        .Annotation(title=_("Decide"))
        .Permission("outdoor_ads.decide_permit")
        .Next(this.route_decision)
    )
    route_decision = (
        gates.If(act.process.is_granted).Annotation(title=_("Granted?")).Then(this.deliver).Else(this.refused)
    )

    # --- Acceptance clerk: delivers the permit ---
    deliver = (
        View(StepView.as_view())
        .Annotation(title=_("Deliver the permit"))
        .Permission("outdoor_ads.deliver_permit")
        .Next(this.granted)
    )

    granted = gates.End().Annotation(title=_("Permit granted"))
    refused = gates.End().Annotation(title=_("Permit refused"))
    not_accepted = gates.End().Annotation(title=_("Not accepted"))
    withdrawn = gates.End().Annotation(title=_("Withdrawn"))
