"""One entry per human step of the case flow: its form and the one service it calls.

The web task view and the API read this registry, so both run the same services and
refuse the same steps with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows.actions import register_action, register_collection
from workflows.calendar import CalendarDataMissing
from workflows.flowviews import task_execution
from workflows.models import User
from workflows.taskapi import register_rules, register_step

from . import forms, services
from .gates import GateRefused
from .models import Act, Case

# perform(case, acting_user, cleaned_data): calls the one service of the step.
Perform = Callable[[Case, User, dict[str, Any]], object]


@dataclass(frozen=True)
class Step:
    form_class: type[forms.CaseForm]
    perform: Perform
    roles: tuple[str, ...]
    title: str | Promise = ""


def _yes(data: dict[str, Any], name: str) -> bool:
    return data[name] == "yes"


def _plain(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names}


def _service(data: dict[str, Any]) -> dict[str, Any]:
    """The record of service (送达回证) entered with an act."""
    service = {"method": data["service_method"], "served_at": data["served_at"], "recipient": data["recipient"]}
    for name in ("note", "witnesses", "evidence"):
        if data.get(name):
            service[name] = data[name]
    return service


STEPS: dict[str, Step] = {
    "verify": Step(
        forms.VerifyForm,
        lambda case, user, f: services.case_verify(
            case=case,
            acting_user=user,
            illegal=_yes(f, "illegal"),
            **_plain(f, "officer2", "inspected_at", "findings", "party_name", "party_is_person", "party_id_number",
                     "party_address"),
        ),
        ("officer", "patrol", "squadlead"),
    ),
    "approve_filing": Step(
        forms.ApproveForm,
        lambda case, user, f: services.case_file(
            case=case, acting_user=user, approve=_yes(f, "approve"), comment=f["comment"]
        ),
        ("squadlead",),
    ),
    "stop_order": Step(
        forms.StopOrderForm,
        lambda case, user, f: services.case_stop_order(
            case=case, acting_user=user, service=_service(f), **_plain(f, "content", "legal_basis")
        ),
        ("officer", "squadlead"),
    ),
    "investigate": Step(
        forms.InvestigateForm,
        lambda case, user, f: services.case_finish_investigation(
            case=case, acting_user=user, **_plain(f, "is_major", "summary", "proposed_fine")
        ),
        ("officer", "squadlead"),
    ),
    "correction_decision": Step(
        forms.CorrectionDecisionForm,
        lambda case, user, f: services.case_correction_decision(
            case=case, acting_user=user, **_plain(f, "content", "legal_basis", "fine_amount")
        ),
        ("chief",),
    ),
    "serve_correction": Step(
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.CORRECTION_DECISION, service=_service(f)
        ),
        ("officer", "squadlead"),
    ),
    "correction_check": Step(
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"),
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
        ("officer", "squadlead"),
    ),
    "prior_notice": Step(
        forms.PriorNoticeForm,
        lambda case, user, f: services.case_prior_notice(
            case=case, acting_user=user, service=_service(f),
            **_plain(f, "content", "legal_basis", "hearing_right", "fine_amount"),
        ),
        ("officer", "squadlead"),
    ),
    "defence": Step(
        forms.DefenceForm,
        lambda case, user, f: services.case_close_defence(
            case=case, acting_user=user, **_plain(f, "statement", "hearing_requested")
        ),
        ("officer", "squadlead"),
    ),
    "hearing": Step(
        forms.HearingStepForm,
        lambda case, user, f: services.case_hold_hearing(
            case=case, acting_user=user, **_plain(f, "chair", "notified_on", "held_at", "minutes", "withdrawn")
        ),
        ("officer", "squadlead", "legal"),
    ),
    "legal_review": Step(
        forms.LegalReviewForm,
        lambda case, user, f: services.case_legal_review(
            case=case, acting_user=user, approved=_yes(f, "approved"), opinion=f["opinion"]
        ),
        ("legal",),
    ),
    "collective": Step(
        forms.CollectiveForm,
        lambda case, user, f: services.case_collective_discussion(
            case=case, acting_user=user, **_plain(f, "held_at", "participants", "conclusion")
        ),
        ("chief", "leader"),
    ),
    "decision": Step(
        forms.DecisionForm,
        lambda case, user, f: services.case_decide(case=case, acting_user=user, **_plain(f, "content", "legal_basis")),
        ("chief",),
    ),
    "serve_decision": Step(
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.DEMOLITION_DECISION, service=_service(f)
        ),
        ("officer", "squadlead"),
    ),
    "disclose": Step(
        forms.DiscloseForm,
        lambda case, user, f: services.case_disclose(case=case, acting_user=user, summary=f["summary"]),
        ("officer", "squadlead"),
    ),
    "site_check": Step(
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"),
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
        ("officer", "squadlead"),
    ),
    "reminder": Step(
        forms.ReminderForm,
        lambda case, user, f: services.case_remind(
            case=case, acting_user=user, service=_service(f), content=f["content"]
        ),
        ("officer", "squadlead"),
    ),
    "reminder_check": Step(
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"), after_reminder=True,
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
        ("officer", "squadlead"),
    ),
    "coercive_decision": Step(
        forms.CoerciveDecisionForm,
        lambda case, user, f: services.case_coercive_decision(
            case=case, acting_user=user,
            **_plain(f, "content", "legal_basis", "defence_considered", "announcement", "final_deadline",
                     "execution_date", "execution_start", "execution_end", "emergency_reason"),
        ),
        ("leader",),
    ),
    "serve_coercive": Step(
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.COERCIVE_DECISION, service=_service(f)
        ),
        ("officer", "squadlead"),
    ),
    "execute": Step(
        forms.ExecuteForm,
        lambda case, user, f: services.case_execute(
            case=case, acting_user=user,
            **_plain(f, "officer2", "executed_at", "plan", "record", "inventory", "witnesses"),
        ),
        ("officer", "squadlead"),
    ),
    "closing_report": Step(
        forms.ClosingReportForm,
        lambda case, user, f: services.case_closing_report(
            case=case, acting_user=user, summary=f["summary"]
        ),
        ("officer",),
    ),
    "approve_closing": Step(
        forms.ApproveForm,
        lambda case, user, f: services.case_closing_approve(
            case=case, acting_user=user, approve=_yes(f, "approve"), comment=f["comment"]
        ),
        ("squadlead",),
    ),
}


# Records that are not steps of the flow: added from the case page while the case is open.
RECORDS: dict[str, Step] = {
    "inquiry": Step(
        forms.InquiryForm,
        lambda case, user, f: services.case_record_inquiry(
            case=case, acting_user=user, **_plain(f, "officer2", "interviewee", "asked_at", "content")
        ),
        ("officer", "squadlead"),
        _("Add an inquiry record"),
    ),
    "measurement": Step(
        forms.MeasurementForm,
        lambda case, user, f: services.case_record_measurement(
            case=case, acting_user=user, **_plain(f, "area_m2", "height_m", "floors", "construction_cost", "note")
        ),
        ("officer", "squadlead"),
        _("Add a measurement"),
    ),
    "planning_opinion": Step(
        forms.PlanningOpinionForm,
        lambda case, user, f: services.case_record_planning_opinion(
            case=case, acting_user=user, correctable=_yes(f, "correctable"),
            **_plain(f, "authority", "opinion", "received_on"),
        ),
        ("officer", "squadlead"),
        _("Record the planning opinion"),
    ),
    "evidence": Step(
        forms.EvidenceForm,
        lambda case, user, f: services.evidence_add(
            case=case, acting_user=user,
            **_plain(f, "file", "captured_at", "latitude", "longitude", "device", "description"),
        ),
        ("patrol", "officer", "squadlead"),
        _("Upload evidence"),
    ),
    "appraisal": Step(
        forms.AppraisalForm,
        lambda case, user, f: services.case_appraisal(
            case=case, acting_user=user, started=_yes(f, "started"), note=f["note"]
        ),
        ("officer", "squadlead"),
        _("Appraisal or testing (pauses the 90 days)"),
    ),
    "hearing_request": Step(
        forms.HearingRequestForm,
        lambda case, user, f: services.case_request_hearing(case=case, acting_user=user, statement=f["statement"]),
        ("officer", "squadlead"),
        _("Record a request for a hearing"),
    ),
    "hearing_held": Step(
        forms.HearingForm,
        lambda case, user, f: services.case_record_hearing(
            case=case, acting_user=user, **_plain(f, "chair", "notified_on", "held_at", "minutes")
        ),
        ("officer", "squadlead", "legal"),
        _("Record the requested hearing"),
    ),
    "hearing_withdrawal": Step(
        forms.HearingWithdrawalForm,
        lambda case, user, f: services.case_withdraw_hearing(case=case, acting_user=user, statement=f["statement"]),
        ("officer", "squadlead"),
        _("Record the withdrawal of a hearing request"),
    ),
    "service_attempt": Step(
        forms.ServiceAttemptForm,
        lambda case, user, f: services.case_record_service_attempt(
            case=case, acting_user=user, **_plain(f, "act_kind", "method", "attempted_at", "reason")
        ),
        ("officer", "squadlead"),
        _("Record a failed attempt at service"),
    ),
    "service_consent": Step(
        forms.ServiceConsentForm,
        lambda case, user, f: services.case_record_service_consent(
            case=case, acting_user=user, **_plain(f, "channel", "consented_on")
        ),
        ("officer", "squadlead"),
        _("Record the party's consent to electronic service"),
    ),
    "government_order": Step(
        forms.GovernmentOrderForm,
        lambda case, user, f: services.case_record_government_order(
            case=case, acting_user=user, **_plain(f, "issuer", "number", "issued_on", "scan")
        ),
        ("officer", "squadlead", "leader"),
        _("Record the county government's order (UPL art. 68)"),
    ),
    "challenge": Step(
        forms.ChallengeForm,
        lambda case, user, f: services.case_challenge_record(
            case=case, acting_user=user, **_plain(f, "kind", "filed_on", "body")
        ),
        ("officer", "squadlead", "legal"),
        _("Record a challenge"),
    ),
    "challenge_outcome": Step(
        forms.ChallengeOutcomeForm,
        lambda case, user, f: services.case_challenge_outcome(
            acting_user=user, **_plain(f, "challenge", "outcome", "outcome_on", "outcome_served_on", "note")
        ),
        ("officer", "squadlead", "legal"),
        _("Record a challenge's outcome"),
    ),
}


def _case_of(task: Any) -> Case:
    from .models import CaseProcess

    return CaseProcess.objects.select_related("case__county").get(pk=task.process_id).case


def _context(*, task: Any, user: Any) -> dict[str, Any]:
    from . import selectors

    case = _case_of(task)
    return {
        "case": case,
        "title": task.flow_task.task_title,
        "rule_states": selectors.rule_states(case),
        "acts": selectors.records_for(case)["acts"],
    }


def _case_url(*, task: Any) -> str:
    return reverse("cases:case_detail", kwargs={"pk": _case_of(task).pk})


def _complete_for(name: str) -> Callable[..., None]:
    step = STEPS[name]

    @transaction.atomic  # the step's own boundary, like every service (task_execution makes none)
    def complete(*, task: Any, acting_user: User, data: dict[str, Any]) -> None:
        from .flows import CaseFlow

        with task_execution(task=task, acting_user=acting_user, node=getattr(CaseFlow, name)) as activation:
            case = _case_of(activation.task)
            try:
                step.perform(case, acting_user, data)
            except GateRefused as refused:
                # The whole step rolls back: nothing of a refused step is written.
                raise ValidationError({refused.field or NON_FIELD_ERRORS: [str(refused.message)]}) from refused
            except CalendarDataMissing as missing:
                # A date counted into a year without a holiday schedule: a readable refusal, never a 500.
                raise ValidationError({NON_FIELD_ERRORS: [str(missing)]}) from missing

    return complete


def _rules(*, task: Any) -> list[dict[str, Any]]:
    """The rules guarding this task's act, judged now (the same ones the service checks)."""
    from .rules import states

    return [
        {"code": r.code, "title": r.title, "article": r.citation, "state": r.state, "open": r.state == "met",
         "detail": r.detail, "from_date": r.from_date}
        for r in states(_case_of(task), [task.flow_task.name])
    ]


def _visible_case(user: Any, pk: int) -> Case:
    from workflows.jurisdiction import get_visible_or_404

    from . import selectors

    return get_visible_or_404(user, selectors.visible_cases(user), pk=pk)  # type: ignore[no-any-return]


def _record_action(name: str, record: Step) -> None:
    def form(data: Any, files: Any, *, subject: Case, user: Any) -> Any:
        return record.form_class(data, files, case=subject, user=user)  # type: ignore[arg-type]

    def perform(*, subject: Case, acting_user: User, data: dict[str, Any]) -> object:
        try:
            return record.perform(subject, acting_user, data)
        except GateRefused as refused:
            raise ValidationError({refused.field or NON_FIELD_ERRORS: [str(refused.message)]}) from refused

    def allowed(*, subject: Case, user: Any) -> bool:
        from workflows.roles import has_role

        open_case = subject.stage not in {Case.Stage.CLOSED, Case.Stage.ARCHIVED}
        return open_case and any(has_role(user, role) for role in record.roles)

    register_action(
        "cases", name, title=record.title, form_class=record.form_class, form=form, perform=perform, allowed=allowed
    )


def register() -> None:
    """Give every human node its form and service in the shared registry (web page and task API),
    and every record (RECORDS, the case page's record forms) to the action registry (API)."""
    from .flows import CaseFlow

    register_rules(CaseFlow, _rules)
    register_collection("cases", lookup=_visible_case)
    for name, record in RECORDS.items():
        _record_action(name, record)
    for name, step in STEPS.items():
        register_step(
            getattr(CaseFlow, name),
            form_class=step.form_class,
            complete=_complete_for(name),
            template_name="illegal_building/step.html",
            context=_context,
            success_url=_case_url,
        )
