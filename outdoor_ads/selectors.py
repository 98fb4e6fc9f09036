from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import audit, clock
from workflows.jurisdiction import visible
from workflows.roles import has_role

from .models import FacilityType, FollowUp, Hearing, Permit, PermitApplication, PermitProcess, PermitRequest, Rating

STAFF_ROLES = {"clerk", "reviewer", "surveyor", "chief", "supervisor", "leader", "admin"}

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


def application_list(*, user: Any) -> QuerySet[PermitApplication]:
    return visible(user, PermitApplication).select_related("county", "applicant")


def timeline(application: PermitApplication) -> list[dict[str, Any]]:
    entries = []
    for entry in audit.history(application):
        label = TIMELINE_LABELS.get(entry.action)
        if label is None:
            continue
        entries.append({"at": entry.at, "label": str(label), "actor": entry.actor_name, "reason": entry.reason})
    return entries


def open_tasks(application: PermitApplication) -> QuerySet[Any]:
    return Task.objects.filter(
        process__permitprocess__application=application, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).select_related("owner")


def current_step(application: PermitApplication) -> str:
    titles = [str(task.flow_task.task_title) for task in open_tasks(application)]
    return ", ".join(titles)


def application_context(*, application: PermitApplication, user: Any) -> dict[str, Any]:
    """Everything an application page or a step page shows about the application."""
    process = PermitProcess.objects.filter(application=application).first()
    is_owner = application.applicant_id == getattr(user, "pk", None)
    applicant = application.applicant
    permit = Permit.objects.filter(application=application).first()
    rating = getattr(application, "rating", None) if hasattr(application, "rating") else None
    from workflows.documents.selectors import documents_for
    from workflows.sla.selectors import clocks_for

    from .clocks import OVERALL

    hearing = Hearing.objects.filter(application=application).first()
    clocks = list(clocks_for(application))
    overall = [c for c in clocks if c.rule.code == OVERALL]
    return {
        "application": application,
        "overall_clock": overall[-1] if overall else None,
        "step_clocks": [c for c in clocks if c.rule.code != OVERALL],
        "documents": list(documents_for(application)),
        "process": process,
        "is_owner": is_owner,
        "applicant_phone": application.contact_phone if is_owner else _mask_phone(application.contact_phone),
        "applicant_name": applicant.display_name,
        "attachments": list(application.attachments.all()),
        "opinions": list(application.opinions.select_related("author")),
        "timeline": timeline(application),
        "open_tasks": list(open_tasks(application)),
        "permit": permit,
        "rating": rating,
        "requirement_titles": _requirement_titles(application),
        "hearing": hearing,
        "parties": parties_shown(application=application, user=user),
        "statement_period_open": _statement_period_open(application),
        "hearing_latest": _hearing_latest(hearing),
        "may_request_hearing": is_owner and _may_request_hearing(application, process, hearing),
    }


def parties_shown(*, application: PermitApplication, user: Any) -> list[dict[str, Any]]:
    """Neighbours' phones are personal data: only the reviewer who entered them sees them whole."""
    from workflows.masking import mask_phone

    from .services import statement_period_open

    period_open = statement_period_open(application)
    may_record_neighbours = bool(getattr(user, "has_perm", None) and user.has_perm("outdoor_ads.review_permit"))
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


def _statement_period_open(application: PermitApplication) -> bool:
    from .services import statement_period_open

    return statement_period_open(application)


def _hearing_latest(hearing: Hearing | None) -> Any:
    from .services import hearing_latest_date

    return hearing_latest_date(hearing) if hearing is not None else None


def _may_request_hearing(application: PermitApplication, process: Any, hearing: Hearing | None) -> bool:
    if not application.is_open:
        return False
    if hearing is not None and application.status == PermitApplication.Status.HEARING:
        waiting = hearing.requested_on is None and hearing.scheduled_for is None
        return waiting and clock.today() <= hearing.request_deadline
    return not application.hearing_requested and not (process and process.countersigned)


def _requirement_titles(application: PermitApplication) -> dict[str, str]:
    from .services import requirement_titles

    return requirement_titles(application)


def _mask_phone(value: str) -> str:
    from workflows.masking import mask_phone

    return mask_phone(value)


def overall_clock_of(application: PermitApplication) -> Any:
    from workflows.sla.selectors import clocks_for

    from .clocks import OVERALL

    return clocks_for(application).filter(rule__code=OVERALL).order_by("-id").first()


def lookup(*, number: str, code: str) -> PermitApplication | None:
    application = PermitApplication.objects.filter(number=number.strip()).first()
    if application is None or not application.lookup_code or application.lookup_code != code.strip().upper():
        return None
    return application


def permit_list(*, user: Any) -> QuerySet[Permit]:
    return visible(user, Permit).select_related("application", "holder", "county")


def expired_permits(*, user: Any) -> QuerySet[Permit]:
    """Expired, not renewed, not cancelled: facilities to be removed (a source for enforcement cases)."""
    return permit_list(user=user).filter(status=Permit.Status.ACTIVE, valid_until__lt=clock.today())


EXPIRING_WITHIN_DAYS = 30


def permit_registry(*, user: Any, show: str) -> QuerySet[Permit]:
    """Registry slices: active (still valid), expiring (within 30 days) and expired (to be removed)."""
    today = clock.today()
    active = permit_list(user=user).filter(status=Permit.Status.ACTIVE)
    if show == "expired":
        qs = expired_permits(user=user)
    elif show == "expiring":
        qs = active.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS))
    else:
        qs = active.filter(valid_until__gte=today)
    return qs.order_by("valid_until", "number")


def pending_requests(*, user: Any) -> QuerySet[PermitRequest]:
    return visible(user, PermitRequest).filter(status=PermitRequest.Status.PENDING).select_related("permit")


def open_follow_ups(*, user: Any) -> QuerySet[FollowUp]:
    return visible(user, FollowUp).filter(resolved_at__isnull=True).select_related("rating__application")


def rating_counts(*, user: Any) -> list[tuple[Any, int]]:
    """好差评 in the user's jurisdiction: (level, count) for every level, best first; one query."""
    from django.db.models import Count

    counted = dict(
        Rating.objects.filter(application__in=visible(user, PermitApplication))
        .values_list("score")
        .annotate(n=Count("id"))
        .values_list("score", "n")
    )
    return [(score, counted.get(score.value, 0)) for score in Rating.Score]


def dashboard_panels(*, user: Any) -> list[dict[str, Any]]:
    """The supervision dashboard's 好差评 panel: ratings per level and bad ones still to follow up."""
    return [
        {
            "key": "ads-ratings",
            "title": _("Ratings (好差评) in my jurisdiction"),
            "rows": [(score.label, count) for score, count in rating_counts(user=user)],
            "note": _("Unsatisfied ratings still to follow up: %(count)s")
            % {"count": open_follow_ups(user=user).count()},
        }
    ]


def home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    sections = []
    if "applicant" in role_codes or role_codes & STAFF_ROLES:
        recent = list(application_list(user=user)[:20])
        # One query for the facility names of the whole section, not one per row.
        names = dict(
            FacilityType.objects.filter(code__in={a.facility_type for a in recent}).values_list("code", "name")
        )
        items = [
            {
                "url": reverse("ads:application_detail", kwargs={"pk": a.pk}),
                "label": a.number,
                "note": f"{names.get(a.facility_type, a.facility_type)} · {a.address} · {a.get_status_display()}",
            }
            for a in recent
        ]
        title = _("My applications") if "applicant" in role_codes else _("Applications in my jurisdiction")
        sections.append({"key": "ads-applications", "title": title, "items": items, "empty": _("No applications yet.")})
    if "applicant" in role_codes:
        sections.append(
            {
                "key": "ads-apply",
                "title": _("Apply for an outdoor-advertising permit"),
                "items": [{"url": reverse("ads:apply"), "label": _("Apply online"), "note": ""}],
                "empty": "",
            }
        )
    if has_role(user, "chief"):
        follow_ups = [
            {
                "url": reverse("ads:followup", kwargs={"pk": f.pk}),
                "label": f.rating.application.number,
                "note": f.rating.comment,
            }
            for f in open_follow_ups(user=user)[:20]
        ]
        follow_up_url = follow_ups[0]["url"] if follow_ups else ""
        sections.append(
            {
                "key": "ads-ratings",
                "title": _("Ratings (好差评) in my jurisdiction"),
                "items": [
                    {
                        "url": follow_up_url if score in Rating.FOLLOW_UP_SCORES and count else "",
                        "label": score.label,
                        "note": str(count),
                    }
                    for score, count in rating_counts(user=user)
                ],
                "empty": "",
            }
        )
        sections.append(
            {
                "key": "ads-followups",
                "title": _("Unsatisfied ratings to follow up"),
                "items": follow_ups,
                "empty": _("Nothing to follow up."),
            }
        )
        requests = [
            {
                "url": reverse("ads:permit_detail", kwargs={"pk": r.permit_id}),
                "label": r.permit.number,
                "note": r.get_kind_display(),
            }
            for r in pending_requests(user=user)[:20]
        ]
        sections.append(
            {
                "key": "ads-permit-requests",
                "title": _("Permit requests to decide"),
                "items": requests,
                "empty": _("No pending requests."),
            }
        )
    return sections
