"""Reads of the time engine: clocks of a subject, lights in the database, the calendar overlay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from workflows import calendar, clock

from .models import Clock, Escalation, HolidaySchedule, Light, Notification


def calendar_overlay() -> dict[int, calendar.Overlay]:
    """Administrators' schedules for the calendar module (its loader)."""
    return {
        row.year: calendar.Overlay(
            holidays=frozenset(HolidaySchedule.parse_dates(row.holidays)),
            workdays=frozenset(HolidaySchedule.parse_dates(row.workdays)),
        )
        for row in HolidaySchedule.objects.all()
    }


def clocks_for(subject: Any) -> QuerySet[Clock]:
    return (
        Clock.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk))
        .select_related("rule", "assignee", "county")
        .prefetch_related("pauses")
        .order_by("started_at", "id")
    )


def open_clock(subject: Any, rule: str) -> Clock | None:
    return clocks_for(subject).filter(rule__code=rule, stopped_at__isnull=True).first()


def with_light(qs: QuerySet[Clock], *, today: dt.date | None = None) -> QuerySet[Clock]:
    """Annotate ``light_db``: the same rule as ``Clock.light`` (models.light_for), in SQL."""
    today = today or clock.today()
    return qs.annotate(
        reference=Coalesce(F("stopped_on"), F("paused_on"), Value(today)),
    ).annotate(
        light_db=Case(
            When(reference__gt=F("due_date"), then=Value(Light.RED.value)),
            When(reference__gte=F("yellow_date"), then=Value(Light.YELLOW.value)),
            default=Value(Light.GREEN.value),
            output_field=CharField(),
        )
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def escalations_for(user: Any) -> QuerySet[Escalation]:
    """Red clocks escalated to a role the user holds, in the user's county (city-wide staff: all)."""
    from workflows.roles import roles_of

    codes = [role.code for role in roles_of(user)]
    qs = Escalation.objects.filter(role__in=codes, clock__stopped_at__isnull=True).select_related(
        "clock", "clock__assignee", "clock__rule", "county"
    )
    if getattr(user, "county_id", None) is not None:
        qs = qs.filter(county_id=user.county_id)
    return qs.order_by("clock__due_date", "id")


def take_over_possible(escalation: Escalation) -> bool:
    """Whether the escalated step's policy and its task still allow taking it over (no query)."""
    from viewflow.workflow.status import STATUS

    from .flow import ON_RED_TAKE_OVER, OPEN_STATUSES, step_limit_of

    task = escalation.clock.task
    limit = step_limit_of(task)
    return (
        limit is not None
        and limit.on_red == ON_RED_TAKE_OVER
        and task is not None
        and task.flow_task_type == "HUMAN"
        and task.status in OPEN_STATUSES - {STATUS.SCHEDULED}
    )


def sla_home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    if not getattr(user, "is_authenticated", False):
        return sections
    from django.urls import reverse

    unread = unread_count(user)
    latest = list(notifications_of(user).filter(read_at__isnull=True)[:5])
    sections.append(
        {
            "key": "notifications",
            "title": _("Notifications (%(count)s unread)") % {"count": unread},
            "items": [
                {"url": reverse("sla:notifications"), "label": n.title, "note": n.created_at.strftime("%Y-%m-%d %H:%M")}
                for n in latest
            ],
            "empty": _("No unread notifications."),
        }
    )
    escalated = list(escalations_for(user)[:20])
    if escalated or role_codes & {"chief", "squadlead", "leader"}:
        sections.append(
            {
                "key": "escalations",
                "title": _("Overdue items escalated to me"),
                "items": [
                    {
                        "url": e.clock.subject_url or reverse("sla:escalations"),
                        "label": f"{e.clock.rule.display_title} · {e.clock.subject_label}",
                        "note": _("due %(date)s, held by %(holder)s")
                        % {"date": e.clock.due_date, "holder": e.clock.assignee or _("nobody")},
                    }
                    for e in escalated
                ],
                "empty": _("Nothing is overdue."),
            }
        )
    if user.has_perm("workflows.view_supervision"):
        sections.append(
            {
                "key": "supervision",
                "title": _("Supervision"),
                "items": [{"url": reverse("sla:index"), "label": _("Supervision dashboard"), "note": ""}],
                "empty": "",
            }
        )
    return sections
