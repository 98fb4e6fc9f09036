"""The illegal-construction case process (domain §3), node by node in legal order.

Each human step's legality is decided by its service (gates), not by the diagram: the
diagram only says what comes next. Routing conditions are properties of ``CaseProcess``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows import gates
from workflows.counties import county_by_pk
from workflows.flowviews import StepView, View
from workflows.requestcache import memo
from workflows.sla.flow import SlaFlowMixin, StepLimit

from .models import Case, CaseProcess

OFFICER = "illegal_building.investigate_case"
SQUADLEAD = "illegal_building.approve_case"
LEGAL = "illegal_building.review_case"
CHIEF = "illegal_building.decide_case"
LEADER = "illegal_building.sign_coercive_case"


def step() -> Any:
    """Every human step: the shared step page, driven by the form and service in ``steps.py``."""
    return StepView.as_view()


class CaseFlow(SlaFlowMixin, flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    # Staff steps; the party's periods and the statutory limits are case clocks (clocks.py).
    step_limits = {
        "verify": StepLimit(working_days=1, escalate_to="squadlead"),
        "approve_filing": StepLimit(working_days=2, escalate_to="chief"),
        "legal_review": StepLimit(working_days=5, escalate_to="squadlead"),
        "decision": StepLimit(working_days=5, escalate_to="squadlead"),
        "coercive_decision": StepLimit(working_days=5, escalate_to="squadlead"),
        "closing_report": StepLimit(working_days=5, escalate_to="squadlead"),
        "approve_closing": StepLimit(working_days=3, escalate_to="chief"),
    }
    process_title = _("Illegal-construction case")
    process_description = _("Detect, stop, decide, demolish and close, lawfully and on the record.")

    # --- Report: patrol, citizens and imports start a case from code (services.case_report)
    start = flow.StartHandle(this.start_case).Annotation(title=_("Report")).Next(this.verify)

    # --- Enforcement officers: on-site verification by two officers
    verify = (
        View(step())
        .Annotation(title=_("Verify on site"))
        .Permission(OFFICER)
        .Next(this.check_illegal)
    )
    check_illegal = (
        gates.If(lambda activation: activation.process.found_illegal)
        .Annotation(title=_("Illegal?"))
        .Then(this.approve_filing)
        .Else(this.end_not_illegal)
    )

    # --- Squad leader: approve filing (case number)
    approve_filing = (
        View(step())
        .Annotation(title=_("Approve filing"))
        .Permission(SQUADLEAD)
        .Next(this.check_filed)
    )
    check_filed = (
        gates.If(lambda activation: activation.process.filing_approved)
        .Annotation(title=_("Filed?"))
        .Then(this.stop_order)
        .Else(this.end_not_filed)
    )

    # --- Enforcement officers: stop order, investigation
    stop_order = (
        View(step())
        .Annotation(title=_("Serve the stop order"))
        .Permission(OFFICER)
        .Next(this.investigate)
    )
    investigate = (
        View(step())
        .Annotation(title=_("Investigate"))
        .Permission(OFFICER)
        .Next(this.check_correctable)
    )
    check_correctable = (
        gates.If(lambda activation: activation.process.orders_correction_directly)
        .Annotation(title=_("Order to correct without a fine?"))
        .Then(this.correction_decision)
        .Else(this.prior_notice)
    )

    # --- Chief: correctable path, order to correct (a fine only after the penalty procedure below)
    correction_decision = (
        View(step())
        .Annotation(title=_("Decide correction within a deadline"))
        .Permission(CHIEF)
        .Next(this.serve_correction)
    )
    serve_correction = (
        View(step())
        .Annotation(title=_("Serve the correction decision"))
        .Permission(OFFICER)
        .Next(this.correction_check)
    )
    correction_check = (
        View(step())
        .Annotation(title=_("Check the correction on site"))
        .Permission(OFFICER)
        .Next(this.check_corrected)
    )
    check_corrected = (
        gates.If(lambda activation: activation.process.complied)
        .Annotation(title=_("Corrected?"))
        .Then(this.closing_report)
        .Else(this.prior_notice)
    )

    # --- Enforcement officers: prior notice, defence period, hearing if requested
    prior_notice = (
        View(step())
        .Annotation(title=_("Serve the prior notice"))
        .Permission(OFFICER)
        .Next(this.defence)
    )
    defence = (
        View(step())
        .Annotation(title=_("Close the defence period"))
        .Permission(OFFICER)
        .Next(this.check_hearing)
    )
    check_hearing = (
        gates.If(lambda activation: activation.process.hearing_requested)
        .Annotation(title=_("Hearing requested?"))
        .Then(this.hearing)
        .Else(this.legal_review)
    )
    hearing = (
        View(step())
        .Annotation(title=_("Hold the hearing"))
        .Permission(OFFICER)
        .Next(this.legal_review)
    )

    # --- Legal reviewer: legal review by someone who did not investigate
    legal_review = (
        View(step())
        .Annotation(title=_("Legal review"))
        .Permission(LEGAL)
        .Next(this.check_legal)
    )
    check_legal = (
        gates.If(lambda activation: activation.process.legal_approved)
        .Annotation(title=_("Legal review approved?"))
        .Then(this.check_major)
        .Else(this.investigate)
    )
    check_major = (
        gates.If(lambda activation: activation.process.is_major)
        .Annotation(title=_("Major case?"))
        .Then(this.collective)
        .Else(this.check_decision_kind)
    )

    # --- Chief: collective discussion for major cases, the demolition decision
    collective = (
        View(step())
        .Annotation(title=_("Record the collective discussion"))
        .Permission(CHIEF)
        .Next(this.check_decision_kind)
    )
    check_decision_kind = (
        gates.If(lambda activation: activation.process.decides_correction)
        .Annotation(title=_("Correction with a fine?"))
        .Then(this.correction_decision)
        .Else(this.decision)
    )
    decision = (
        View(step())
        .Annotation(title=_("Decide demolition within a deadline"))
        .Permission(CHIEF)
        .Next(this.serve_decision)
    )

    # --- Enforcement officers: service, disclosure, site check, reminder
    serve_decision = (
        View(step())
        .Annotation(title=_("Serve the demolition decision"))
        .Permission(OFFICER)
        .Next(this.disclose)
    )
    disclose = (
        View(step())
        .Annotation(title=_("Publish the decision"))
        .Permission(OFFICER)
        .Next(this.site_check)
    )
    site_check = (
        View(step())
        .Annotation(title=_("Check demolition on site"))
        .Permission(OFFICER)
        .Next(this.check_demolished)
    )
    check_demolished = (
        gates.If(lambda activation: activation.process.complied)
        .Annotation(title=_("Demolished?"))
        .Then(this.closing_report)
        .Else(this.reminder)
    )
    reminder = (
        View(step())
        .Annotation(title=_("Serve the reminder"))
        .Permission(OFFICER)
        .Next(this.reminder_check)
    )
    reminder_check = (
        View(step())
        .Annotation(title=_("Check on site after the reminder"))
        .Permission(OFFICER)
        .Next(this.check_demolished_after_reminder)
    )
    check_demolished_after_reminder = (
        gates.If(lambda activation: activation.process.complied)
        .Annotation(title=_("Demolished after the reminder?"))
        .Then(this.closing_report)
        .Else(this.coercive_decision)
    )

    # --- Bureau leader: coercive decision and its public announcement
    coercive_decision = (
        View(step())
        .Annotation(title=_("Sign the coercive decision and announcement"))
        .Permission(LEADER)
        .Next(this.serve_coercive)
    )

    # --- Enforcement officers: service, execution after the waiting periods, closing report
    serve_coercive = (
        View(step())
        .Annotation(title=_("Serve the coercive decision"))
        .Permission(OFFICER)
        .Next(this.execute)
    )
    execute = (
        View(step())
        .Annotation(title=_("Execute the demolition"))
        .Permission(OFFICER)
        .Next(this.closing_report)
    )
    closing_report = (
        View(step())
        .Annotation(title=_("Write the closing report"))
        .Permission(OFFICER)
        .Next(this.approve_closing)
    )

    # --- Squad leader: approve closing, archive
    approve_closing = (
        View(step())
        .Annotation(title=_("Approve closing"))
        .Permission(SQUADLEAD)
        .Next(this.check_closing)
    )
    check_closing = (
        gates.If(lambda activation: activation.process.closing_approved)
        .Annotation(title=_("Closing approved?"))
        .Then(this.end)
        .Else(this.closing_report)
    )

    end_not_illegal = gates.End().Annotation(title=_("Closed: not illegal"))
    end_not_filed = gates.End().Annotation(title=_("Closed: not filed"))
    end = gates.End().Annotation(title=_("Archived"))

    def sla_subject(self, process: Any) -> Any:
        return memo(
            ("cases.process_case", process.pk),
            lambda: CaseProcess.objects.select_related("case").get(pk=process.pk).case,
        )

    def sla_county(self, process: Any) -> Any:
        return county_by_pk(self.sla_subject(process).county_id)

    def start_case(self, activation: Any, case: Case) -> CaseProcess:
        activation.process.case = case
        return activation.process
