"""The case flow's human steps and off-graph records, declared once in the engine's registries.

``step(name, form, perform)`` gives a human node of CaseFlow its form and the one service it
calls (``workflows.taskapi``: the web task page and ``/api/tasks/{id}/complete/``).
``record(name, title, form, roles, perform)`` declares an act beside the flow (inquiry, evidence,
hearing held…) (``workflows.actions``: the case page's record forms and
``/api/cases/{id}/actions/<name>/``). Web and API read the same entry, so both run the same
services and refuse the same acts with the same messages; a new entry is in both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.actions import register_action, register_collection
from workflows.calendar import CalendarDataMissing
from workflows.flowviews import task_execution
from workflows.models import User
from workflows.taskapi import register_rules, register_step

from . import forms, services
from .gates import GateRefused
from .models import Act, Case

# perform(case, acting_user, cleaned_data): calls the one service of the step or record.
Perform = Callable[[Case, User, dict[str, Any]], object]


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


def _refusals_as_errors(perform: Perform, case: Case, acting_user: User, data: dict[str, Any]) -> object:
    """A refused rule or a year without a holiday schedule: a field-level refusal, never a 500.
    Raised inside the act's transaction, so nothing of a refused act is written."""
    try:
        return perform(case, acting_user, data)
    except GateRefused as refused:
        raise ValidationError({refused.field or NON_FIELD_ERRORS: [str(refused.message)]}) from refused
    except CalendarDataMissing as missing:
        raise ValidationError({NON_FIELD_ERRORS: [str(missing)]}) from missing


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


def step(name: str, form_class: type[forms.CaseForm], perform: Perform) -> None:
    """Register the human node ``name`` of CaseFlow: its form and its service."""
    from .flows import CaseFlow

    node = getattr(CaseFlow, name)

    def complete(*, task: Any, acting_user: User, data: dict[str, Any]) -> None:
        with task_execution(task=task, acting_user=acting_user, node=node) as activation:
            _refusals_as_errors(perform, _case_of(activation.task), acting_user, data)

    register_step(
        node,
        form_class=form_class,
        complete=complete,
        template_name="illegal_building/step.html",
        context=_context,
        success_url=_case_url,
    )


def record(name: str, title: Any, form_class: type[forms.CaseForm], roles: tuple[str, ...], perform: Perform) -> None:
    """Register a record added to an open case by one of ``roles`` (the service still checks)."""

    def form(data: Any, files: Any, *, subject: Case, user: Any, prefix: str | None = None) -> Any:
        return form_class(data, files, case=subject, user=user, prefix=prefix)  # type: ignore[arg-type]

    def run(*, subject: Case, acting_user: User, data: dict[str, Any]) -> object:
        return _refusals_as_errors(perform, subject, acting_user, data)

    def allowed(*, subject: Case, user: Any) -> bool:
        from workflows.roles import has_role

        open_case = subject.stage not in {Case.Stage.CLOSED, Case.Stage.ARCHIVED}
        return open_case and any(has_role(user, role) for role in roles)

    register_action("cases", name, title=title, form_class=form_class, form=form, perform=run, allowed=allowed)


def register() -> None:
    """Every human node of CaseFlow and every record of the case page, once."""
    from .flows import CaseFlow

    register_rules(CaseFlow, _rules)
    register_collection("cases", lookup=_visible_case)

    # --- Steps of the flow ---------------------------------------------------------------------
    step(
        "verify",
        forms.VerifyForm,
        lambda case, user, f: services.case_verify(
            case=case,
            acting_user=user,
            illegal=_yes(f, "illegal"),
            **_plain(f, "officer2", "inspected_at", "findings", "party_name", "party_is_person", "party_id_number",
                     "party_address"),
        ),
    )
    step(
        "approve_filing",
        forms.ApproveForm,
        lambda case, user, f: services.case_file(
            case=case, acting_user=user, approve=_yes(f, "approve"), comment=f["comment"]
        ),
    )
    step(
        "stop_order",
        forms.StopOrderForm,
        lambda case, user, f: services.case_stop_order(
            case=case, acting_user=user, service=_service(f), **_plain(f, "content", "legal_basis")
        ),
    )
    step(
        "investigate",
        forms.InvestigateForm,
        lambda case, user, f: services.case_finish_investigation(
            case=case, acting_user=user, **_plain(f, "is_major", "summary", "proposed_fine")
        ),
    )
    step(
        "correction_decision",
        forms.CorrectionDecisionForm,
        lambda case, user, f: services.case_correction_decision(
            case=case, acting_user=user, **_plain(f, "content", "legal_basis", "fine_amount")
        ),
    )
    step(
        "serve_correction",
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.CORRECTION_DECISION, service=_service(f)
        ),
    )
    step(
        "correction_check",
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"),
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
    )
    step(
        "prior_notice",
        forms.PriorNoticeForm,
        lambda case, user, f: services.case_prior_notice(
            case=case, acting_user=user, service=_service(f),
            **_plain(f, "content", "legal_basis", "hearing_right", "fine_amount"),
        ),
    )
    step(
        "defence",
        forms.DefenceForm,
        lambda case, user, f: services.case_close_defence(
            case=case, acting_user=user, **_plain(f, "statement", "hearing_requested")
        ),
    )
    step(
        "hearing",
        forms.HearingStepForm,
        lambda case, user, f: services.case_hold_hearing(
            case=case, acting_user=user, **_plain(f, "chair", "notified_on", "held_at", "minutes", "withdrawn")
        ),
    )
    step(
        "legal_review",
        forms.LegalReviewForm,
        lambda case, user, f: services.case_legal_review(
            case=case, acting_user=user, approved=_yes(f, "approved"), opinion=f["opinion"]
        ),
    )
    step(
        "collective",
        forms.CollectiveForm,
        lambda case, user, f: services.case_collective_discussion(
            case=case, acting_user=user, **_plain(f, "held_at", "participants", "conclusion")
        ),
    )
    step(
        "decision",
        forms.DecisionForm,
        lambda case, user, f: services.case_decide(case=case, acting_user=user, **_plain(f, "content", "legal_basis")),
    )
    step(
        "serve_decision",
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.DEMOLITION_DECISION, service=_service(f)
        ),
    )
    step(
        "disclose",
        forms.DiscloseForm,
        lambda case, user, f: services.case_disclose(case=case, acting_user=user, summary=f["summary"]),
    )
    step(
        "site_check",
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"),
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
    )
    step(
        "reminder",
        forms.ReminderForm,
        lambda case, user, f: services.case_remind(
            case=case, acting_user=user, service=_service(f), content=f["content"]
        ),
    )
    step(
        "reminder_check",
        forms.SiteCheckForm,
        lambda case, user, f: services.case_site_check(
            case=case, acting_user=user, complied=_yes(f, "complied"), after_reminder=True,
            **_plain(f, "officer2", "inspected_at", "findings"),
        ),
    )
    step(
        "coercive_decision",
        forms.CoerciveDecisionForm,
        lambda case, user, f: services.case_coercive_decision(
            case=case, acting_user=user,
            **_plain(f, "content", "legal_basis", "defence_considered", "announcement", "final_deadline",
                     "execution_date", "execution_start", "execution_end", "emergency_reason"),
        ),
    )
    step(
        "serve_coercive",
        forms.ServeForm,
        lambda case, user, f: services.case_serve(
            case=case, acting_user=user, kind=Act.Kind.COERCIVE_DECISION, service=_service(f)
        ),
    )
    step(
        "execute",
        forms.ExecuteForm,
        lambda case, user, f: services.case_execute(
            case=case, acting_user=user,
            **_plain(f, "officer2", "executed_at", "plan", "record", "inventory", "witnesses"),
        ),
    )
    step(
        "closing_report",
        forms.ClosingReportForm,
        lambda case, user, f: services.case_closing_report(
            case=case, acting_user=user, summary=f["summary"]
        ),
    )
    step(
        "approve_closing",
        forms.ApproveForm,
        lambda case, user, f: services.case_closing_approve(
            case=case, acting_user=user, approve=_yes(f, "approve"), comment=f["comment"]
        ),
    )

    # --- Records beside the flow, added from the case page while the case is open --------------
    record(
        "inquiry",
        _("Add an inquiry record"),
        forms.InquiryForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_record_inquiry(
            case=case, acting_user=user, **_plain(f, "officer2", "interviewee", "asked_at", "content")
        ),
    )
    record(
        "measurement",
        _("Add a measurement"),
        forms.MeasurementForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_record_measurement(
            case=case, acting_user=user, **_plain(f, "area_m2", "height_m", "floors", "construction_cost", "note")
        ),
    )
    record(
        "planning_opinion",
        _("Record the planning opinion"),
        forms.PlanningOpinionForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_record_planning_opinion(
            case=case, acting_user=user, correctable=_yes(f, "correctable"),
            **_plain(f, "authority", "opinion", "received_on"),
        ),
    )
    record(
        "evidence",
        _("Upload evidence"),
        forms.EvidenceForm,
        ("patrol", "officer", "squadlead"),
        lambda case, user, f: services.evidence_add(
            case=case, acting_user=user,
            **_plain(f, "file", "captured_at", "latitude", "longitude", "device", "description"),
        ),
    )
    record(
        "appraisal",
        _("Appraisal or testing (pauses the 90 days)"),
        forms.AppraisalForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_appraisal(
            case=case, acting_user=user, started=_yes(f, "started"), note=f["note"]
        ),
    )
    record(
        "hearing_request",
        _("Record a request for a hearing"),
        forms.HearingRequestForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_request_hearing(case=case, acting_user=user, statement=f["statement"]),
    )
    record(
        "hearing_held",
        _("Record the requested hearing"),
        forms.HearingForm,
        ("officer", "squadlead", "legal"),
        lambda case, user, f: services.case_record_hearing(
            case=case, acting_user=user, **_plain(f, "chair", "notified_on", "held_at", "minutes")
        ),
    )
    record(
        "hearing_withdrawal",
        _("Record the withdrawal of a hearing request"),
        forms.HearingWithdrawalForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_withdraw_hearing(case=case, acting_user=user, statement=f["statement"]),
    )
    record(
        "service_attempt",
        _("Record a failed attempt at service"),
        forms.ServiceAttemptForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_record_service_attempt(
            case=case, acting_user=user, **_plain(f, "act_kind", "method", "attempted_at", "reason")
        ),
    )
    record(
        "service_consent",
        _("Record the party's consent to electronic service"),
        forms.ServiceConsentForm,
        ("officer", "squadlead"),
        lambda case, user, f: services.case_record_service_consent(
            case=case, acting_user=user, **_plain(f, "channel", "consented_on")
        ),
    )
    record(
        "government_order",
        _("Record the county government's order (UPL art. 68)"),
        forms.GovernmentOrderForm,
        ("officer", "squadlead", "leader"),
        lambda case, user, f: services.case_record_government_order(
            case=case, acting_user=user, **_plain(f, "issuer", "number", "issued_on", "scan")
        ),
    )
    record(
        "challenge",
        _("Record a challenge"),
        forms.ChallengeForm,
        ("officer", "squadlead", "legal"),
        lambda case, user, f: services.case_challenge_record(
            case=case, acting_user=user, **_plain(f, "kind", "filed_on", "body")
        ),
    )
    record(
        "challenge_outcome",
        _("Record a challenge's outcome"),
        forms.ChallengeOutcomeForm,
        ("officer", "squadlead", "legal"),
        lambda case, user, f: services.case_challenge_outcome(
            acting_user=user, **_plain(f, "challenge", "outcome", "outcome_on", "outcome_served_on", "note")
        ),
    )
