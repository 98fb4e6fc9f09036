"""Reads of cases: what is in force, who investigated, the timeline and the state of each gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.jurisdiction import visible

from .models import (
    Act,
    Case,
    CaseProcess,
    Challenge,
    ClosingReport,
    CollectiveDiscussion,
    Defence,
    Disclosure,
    EvidenceFile,
    Execution,
    GovernmentOrder,
    Hearing,
    HearingWithdrawal,
    InquiryRecord,
    LegalReview,
    Measurement,
    PlanningOpinion,
    ServiceAttempt,
    ServiceConsent,
    ServiceRecord,
    SiteInspection,
)
from .rules import RuleState, states

DECISION_KINDS = (Act.Kind.DEMOLITION_DECISION, Act.Kind.CORRECTION_DECISION)


CASE_ROLES = ("patrol", "officer", "squadlead", "legal", "chief", "leader", "supervisor", "admin")


def works_on_cases(user: Any) -> bool:
    """Enforcement staff (and supervisors); asked once per request, remembered on the user."""
    from workflows.roles import roles_of

    # The roles come with the user's permissions in one query per request (workflows.backends).
    return any(role.code in CASE_ROLES for role in roles_of(user))


def visible_cases(user: Any) -> QuerySet[Case]:
    """The cases a user may see: enforcement roles only, then by county (guardian)."""
    if not works_on_cases(user):
        return Case.objects.none()
    return visible(user, Case)


def case_list(*, user: Any) -> QuerySet[Case]:
    return visible_cases(user).select_related("county")


def process_of(case: Case) -> CaseProcess | None:
    return CaseProcess.objects.filter(case=case).first()


def current_act(case: Case, kind: str) -> Act | None:
    return Act.objects.filter(case=case, kind=kind).order_by("-created_at", "-id").first()


def decision(case: Case) -> Act | None:
    """The latest decision on the case (a revoked one included, so callers can refuse it)."""
    return Act.objects.filter(case=case, kind__in=DECISION_KINDS).order_by("-created_at", "-id").first()


def investigators(case: Case) -> set[Any]:
    """Everyone who took part in the investigation (APL art. 58 excludes them from legal review)."""
    people: set[Any] = set()
    for inspection in SiteInspection.objects.filter(case=case).select_related("officer1", "officer2"):
        people.update({inspection.officer1, inspection.officer2})
    for inquiry in InquiryRecord.objects.filter(case=case).select_related("officer1", "officer2"):
        people.update({inquiry.officer1, inquiry.officer2})
    for model in (Measurement, PlanningOpinion):
        people.update(r.created_by for r in model.objects.filter(case=case).select_related("created_by"))
    for act in Act.objects.filter(case=case, kind__in=[Act.Kind.STOP_ORDER, Act.Kind.PRIOR_NOTICE]):
        people.add(act.created_by)
    return people


def active_tasks(case: Case) -> QuerySet[Task]:
    return (
        Task.objects.filter(process__caseprocess__case=case)
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED])
        .select_related("owner", "process")
        .order_by("id")
    )


def task_url(task: Task) -> str:
    return task.flow_task.reverse("index", args=[task.process_id, task.pk])


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    actor: str
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _officers(record: Any) -> str:
    """Both officers with the certificate numbers recorded at the time (not today's)."""
    first = getattr(record, "officer1_certificate", "") or record.officer1.certificate_number
    second = getattr(record, "officer2_certificate", "") or record.officer2.certificate_number
    return f"{record.officer1.display_name}({first})、{record.officer2.display_name}({second})"


def timeline(case: Case) -> list[TimelineEntry]:
    """Every step, act, record and file of the case in the order it happened."""
    entries: list[TimelineEntry] = [
        TimelineEntry(case.reported_at, "report", _("Reported"), _("(reporter protected)"), case.description)
    ]
    for s in SiteInspection.objects.filter(case=case).select_related("officer1", "officer2", "created_by"):
        entries.append(
            TimelineEntry(
                s.created_at,
                "inspection",
                str(s.get_purpose_display()),
                s.created_by.display_name,
                s.findings + " · " + _("Officers") + f": {_officers(s)}",
                {"outcome": s.outcome},
            )
        )
    for act in Act.objects.filter(case=case).select_related("created_by", "signed_by"):
        detail = act.content
        if act.last_day:
            detail += " · " + _("Last day") + f": {act.last_day:%Y-%m-%d}"
        if act.planned_start:
            detail += " · " + _("Planned execution") + f": {timezone.localtime(act.planned_start):%Y-%m-%d %H:%M}"
        if act.revoked_at:
            detail += " · " + _("Revoked") + f": {act.revoke_reason}"
        entries.append(
            TimelineEntry(act.created_at, f"act:{act.kind}", str(act.get_kind_display()), act.created_by.display_name,
                          detail, {"act": act.pk})
        )
    for sr in ServiceRecord.objects.filter(case=case).select_related("act", "created_by"):
        entries.append(
            TimelineEntry(
                sr.created_at,
                "service",
                _("Record of service"),
                sr.created_by.display_name,
                f"{sr.act.get_kind_display()} · {sr.get_method_display()} · "
                f"{timezone.localtime(sr.served_at):%Y-%m-%d %H:%M} · {sr.recipient} · "
                + _("Deemed served")
                + f": {timezone.localtime(sr.effective_at):%Y-%m-%d}",
            )
        )
    simple: list[tuple[Any, str, str]] = [
        (InquiryRecord, "inquiry", _("Inquiry record")),
        (Measurement, "measurement", _("Measurement")),
        (PlanningOpinion, "planning", _("Planning opinion")),
        (Defence, "defence", _("Statement and defence")),
        (Hearing, "hearing", _("Hearing")),
        (HearingWithdrawal, "hearing_withdrawal", _("Hearing request withdrawn")),
        (ServiceAttempt, "service_attempt", _("Failed attempt at service")),
        (ServiceConsent, "service_consent", _("Consent to electronic service")),
        (GovernmentOrder, "government_order", _("County government order")),
        (LegalReview, "legal_review", _("Legal review")),
        (CollectiveDiscussion, "collective", _("Collective discussion")),
        (Disclosure, "disclosure", _("Public disclosure")),
        (Challenge, "challenge", _("Challenge")),
        (Execution, "execution", _("Execution record")),
        (ClosingReport, "closing", _("Closing report")),
    ]
    for model, kind, title in simple:
        for r in model.objects.filter(case=case).select_related("created_by"):
            entries.append(TimelineEntry(r.created_at, kind, title, r.created_by.display_name, _describe(r)))
    for e in EvidenceFile.objects.filter(case=case).select_related("created_by"):
        entries.append(
            TimelineEntry(
                e.created_at,
                "evidence",
                _("Evidence file"),
                e.created_by.display_name,
                f"{e.original_name} · SHA-256 {e.sha256}",
                {"evidence": e.pk},
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def _describe(record: Any) -> str:
    if isinstance(record, InquiryRecord):
        return f"{record.interviewee}: {record.content}"
    if isinstance(record, Measurement):
        return f"{record.area_m2} m² · {record.height_m} m · {record.floors}"
    if isinstance(record, PlanningOpinion):
        verdict = _("can be corrected") if record.correctable else _("cannot be corrected")
        return f"{record.authority}: {verdict} · {record.opinion}"
    if isinstance(record, Defence):
        hearing = _("hearing requested") if record.hearing_requested else _("no hearing requested")
        return f"{record.statement} · {hearing}"
    if isinstance(record, Hearing):
        notified = _("notified on") + f" {record.notified_on:%Y-%m-%d} · " if record.notified_on else ""
        held = timezone.localtime(record.held_at)
        return f"{notified}{held:%Y-%m-%d} · {record.chair.display_name} · {record.minutes}"
    if isinstance(record, HearingWithdrawal):
        return record.statement
    if isinstance(record, ServiceAttempt):
        return f"{record.get_act_kind_display()} · {record.get_method_display()} · {record.reason}"
    if isinstance(record, ServiceConsent):
        return f"{record.channel} · {record.consented_on:%Y-%m-%d}"
    if isinstance(record, GovernmentOrder):
        return f"{record.issuer} · {record.number} · {record.issued_on:%Y-%m-%d}"
    if isinstance(record, LegalReview):
        verdict = _("approved") if record.approved else _("returned")
        return f"{verdict} · {record.opinion}"
    if isinstance(record, CollectiveDiscussion):
        return f"{record.participants} · {record.conclusion}"
    if isinstance(record, Disclosure):
        state = _("withdrawn") if record.withdrawn_at else _("published")
        return f"{state} · {record.summary}"
    if isinstance(record, Challenge):
        served = " · " + _("served on") + f" {record.outcome_served_on:%Y-%m-%d}" if record.outcome_served_on else ""
        return f"{record.get_kind_display()} · {record.body} · {record.get_outcome_display()}{served}"
    if isinstance(record, Execution):
        return f"{record.executed_at:%Y-%m-%d %H:%M} · {record.record}"
    if isinstance(record, ClosingReport):
        return record.summary
    return ""


def next_acts(case: Case) -> list[str]:
    """The acts the case waits for: its open steps."""
    return [task.flow_task.name for task in active_tasks(case)]


def rule_states(case: Case) -> list[RuleState]:
    """Every rule guarding the case's next acts, with its state now (met / not yet, from when / refused)."""
    return states(case, next_acts(case))


@dataclass(frozen=True)
class GateSummary:
    """One next act: allowed now or not, and the first rule that holds it back."""

    code: str
    open: bool
    detail: str
    from_date: dt.date | None


def gate_summary(rule_states: list[RuleState]) -> list[GateSummary]:
    acts: dict[str, GateSummary] = {}
    for item in rule_states:
        if item.act not in acts:
            acts[item.act] = GateSummary(item.act, True, "", None)
        if acts[item.act].open and item.state != "met":
            acts[item.act] = GateSummary(item.act, False, item.detail, item.from_date)
    return list(acts.values())


def challenges(case: Case) -> QuerySet[Challenge]:
    return Challenge.objects.filter(case=case).order_by("created_at")


def public_disclosures() -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(withdrawn_at__isnull=True).select_related("case", "act", "case__county")


def home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    from django.urls import reverse

    staff = {"patrol", "officer", "squadlead", "legal", "chief", "leader", "supervisor", "admin"}
    if not role_codes & staff:
        return []
    items = [
        {
            "url": reverse("cases:case_detail", kwargs={"pk": c.pk}),
            "label": str(c),
            "note": f"{c.get_stage_display()} · {c.address}",
        }
        for c in case_list(user=user).exclude(stage__in=[Case.Stage.CLOSED, Case.Stage.ARCHIVED])[:20]
    ]
    return [
        {
            "key": "cases-open",
            "title": _("Open illegal-construction cases"),
            "items": items,
            "empty": _("No open cases."),
        }
    ]


def evidence_for(case: Case) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(case=case).order_by("created_at", "id")


def records_for(case: Case) -> dict[str, Any]:
    return {
        "acts": Act.objects.filter(case=case).select_related("signed_by").order_by("created_at"),
        "inspections": SiteInspection.objects.filter(case=case).order_by("created_at"),
        "executions": Execution.objects.filter(case=case),
        "closing": ClosingReport.objects.filter(case=case),
        "disclosures": Disclosure.objects.filter(case=case),
    }


def expired_permits_without_case(*, user: Any) -> list[Any]:
    """Expired advertising permits in the user's jurisdiction that no open case covers yet."""
    from outdoor_ads.selectors import expired_permits

    covered = Case.objects.exclude(stage__in=[Case.Stage.CLOSED, Case.Stage.ARCHIVED]).filter(
        permit_application__isnull=False
    ).values("permit_application_id")
    return list(expired_permits(user=user).exclude(application_id__in=covered)[:50])
