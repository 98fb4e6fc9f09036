"""Reads of the licensing kernel: an application's page context, timeline, open steps, parties, deadlines.

Selectors never import services; the services read the periods from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import audit, calendar, clock

from .services.messages import HEARING_NOTICE_WORKING_DAYS, HEARING_WINDOW_WORKING_DAYS
from .spec import spec_for

# Timeline labels for the audit actions of an application (what the applicant and staff read).
TIMELINE_LABELS = {
    "application.submit": gettext_lazy("Application submitted online"),
    "application.acceptance.accept": gettext_lazy("Accepted"),
    "application.acceptance.supplement": gettext_lazy("Supplementary materials requested (one-time notice)"),
    "application.acceptance.refuse": gettext_lazy("Not accepted"),
    "application.supplement.answer": gettext_lazy("Supplementary materials submitted"),
    "application.supplement.expired": gettext_lazy("No supplement in time: treated as withdrawn"),
    "application.review.recommend_grant": gettext_lazy("Reviewed: recommends granting"),
    "application.review.recommend_refuse": gettext_lazy("Reviewed: recommends refusing"),
    "application.countersign.agree": gettext_lazy("Review countersigned"),
    "application.countersign.disagree": gettext_lazy("Countersign refused: back to review"),
    "application.survey.conforms": gettext_lazy("Site surveyed: conforms"),
    "application.survey.deviates": gettext_lazy("Site surveyed: deviates"),
    "application.hearing.request": gettext_lazy("Hearing requested by the applicant"),
    "application.hearing.open": gettext_lazy("Hearing notice issued; the time limit is paused"),
    "application.neighbours.notify": gettext_lazy("Applicant and neighbours told; statements awaited"),
    "application.statement.applicant": gettext_lazy("Statement of the applicant recorded"),
    "application.statement.neighbour": gettext_lazy("Statement of a neighbour recorded"),
    "application.hearing.scheduled": gettext_lazy("Hearing scheduled"),
    "application.hearing.held": gettext_lazy("Hearing held"),
    "application.hearing.waived": gettext_lazy("Hearing waived"),
    "application.decision.grant": gettext_lazy("Permit granted"),
    "application.decision.refuse": gettext_lazy("Permit refused"),
    "application.deliver": gettext_lazy("Permit delivered"),
    "application.withdraw": gettext_lazy("Withdrawn by the applicant"),
    "application.extend": gettext_lazy("Statutory time limit extended by 10 working days"),
    "application.rate.very_satisfied": gettext_lazy("Rated: very satisfied"),
    "application.rate.satisfied": gettext_lazy("Rated: satisfied"),
    "application.rate.basic": gettext_lazy("Rated: basically satisfied"),
    # Ratings given on the former three-level scale keep their audit code.
    "application.rate.fair": gettext_lazy("Rated: fairly satisfied"),
    "application.rate.unsatisfied": gettext_lazy("Rated: unsatisfied"),
    "application.rate.very_unsatisfied": gettext_lazy("Rated: very unsatisfied"),
    "followup.resolve": gettext_lazy("Rating followed up"),
}




def statement_period_open(application: Any) -> bool:
    """Open until its end date, or until every party told has made a statement."""
    until = application.statement_period_until
    if until is None or clock.today() > until:
        return False
    return bool(application.affected_parties.filter(statement_at__isnull=True).exists())


def hearing_latest_date(hearing: Any) -> dt.date:
    """ALL art. 47: within 20 days of the first standing request, the applicant's or a neighbour's."""
    hooks = spec_for(hearing).hearing_hooks
    if hooks is None:
        return calendar.add_working_days(hearing.window_start, HEARING_WINDOW_WORKING_DAYS)
    start = hooks.first_request_on(hearing) or hearing.informed_on
    return calendar.add_working_days(start, HEARING_WINDOW_WORKING_DAYS)


def hearing_earliest_date(notice_sent_on: dt.date) -> dt.date:
    return calendar.add_working_days(notice_sent_on, HEARING_NOTICE_WORKING_DAYS)


def timeline(application: Any) -> list[dict[str, Any]]:
    entries = []
    for entry in audit.history(application):
        label = TIMELINE_LABELS.get(entry.action)
        if label is None:
            continue
        entries.append({"at": entry.at, "label": str(label), "actor": entry.actor_name, "reason": entry.reason})
    return entries


def open_tasks(application: Any) -> QuerySet[Any]:
    processes = spec_for(application).process_model.objects.filter(application=application).values("pk")
    return Task.objects.filter(process_id__in=processes, status__in=[STATUS.NEW, STATUS.ASSIGNED]).select_related(
        "owner"
    )


def current_step(application: Any) -> str:
    titles = [str(task.flow_task.task_title) for task in open_tasks(application)]
    return ", ".join(titles)


def overall_clock_of(application: Any) -> Any:
    from workflows.sla.selectors import clocks_for

    return clocks_for(application).filter(rule__code=spec_for(application).overall_rule).order_by("-id").first()


def application_context(*, application: Any, user: Any) -> dict[str, Any]:
    """Everything an application page or a step page shows about the application."""
    from workflows.documents.selectors import documents_for
    from workflows.masking import mask_phone
    from workflows.sla.selectors import clocks_for

    spec = spec_for(application)
    process = spec.process_model.objects.filter(application=application).first()
    is_owner = application.applicant_id == getattr(user, "pk", None)
    applicant = application.applicant
    permit = spec.model("Permit").objects.filter(application=application).first()
    rating = getattr(application, "rating", None) if hasattr(application, "rating") else None
    hearing = spec.model("Hearing").objects.filter(application=application).first()
    clocks = list(clocks_for(application))
    overall = [c for c in clocks if c.rule.code == spec.overall_rule]
    return {
        "application": application,
        "spec": spec,
        **spec.page_names(),
        "overall_clock": overall[-1] if overall else None,
        "step_clocks": [c for c in clocks if c.rule.code != spec.overall_rule],
        "documents": list(documents_for(application)),
        "process": process,
        "is_owner": is_owner,
        "applicant_phone": application.contact_phone if is_owner else mask_phone(application.contact_phone),
        "applicant_name": applicant.display_name,
        "attachments": list(application.attachments.all()),
        "opinions": list(application.opinions.select_related("author")),
        "timeline": timeline(application),
        "open_tasks": list(open_tasks(application)),
        "permit": permit,
        "rating": rating,
        "requirement_titles": spec.requirement_titles(application),
        "hearing": hearing,
        "parties": parties_shown(application=application, user=user),
        "statement_period_open": statement_period_open(application),
        "hearing_latest": hearing_latest_date(hearing) if hearing is not None else None,
        "may_request_hearing": is_owner and may_request_hearing(application, process, hearing),
    }


def parties_shown(*, application: Any, user: Any) -> list[dict[str, Any]]:
    """Neighbours' phones are personal data: only the reviewer who entered them sees them whole."""
    from workflows.masking import mask_phone

    period_open = statement_period_open(application)
    review_perm = spec_for(application).perm("review_permit")
    may_record_neighbours = bool(getattr(user, "has_perm", None) and user.has_perm(review_perm))
    shown = []
    for party in application.affected_parties.all():
        if party.kind == party.Kind.APPLICANT:
            may_record = application.applicant_id == getattr(user, "pk", None)
        else:
            may_record = may_record_neighbours
        shown.append(
            {
                "party": party,
                "phone": party.phone if party.entered_by_id == getattr(user, "pk", None) else mask_phone(party.phone),
                "may_record": period_open and may_record and party.statement_at is None,
            }
        )
    return shown


def may_request_hearing(application: Any, process: Any, hearing: Any) -> bool:
    if not application.is_open:
        return False
    if hearing is not None and application.status == application.Status.HEARING:
        waiting = hearing.requested_on is None and hearing.scheduled_for is None
        return bool(waiting and clock.today() <= hearing.request_deadline)
    return not application.hearing_requested and not (process and process.countersigned)


def lookup(*, model: Any, number: str, code: str) -> Any:
    """The public progress lookup: the number plus the code given only to the applicant."""
    application = model.objects.filter(number=number.strip()).first()
    if application is None or not application.lookup_code or application.lookup_code != code.strip().upper():
        return None
    return application
