"""Work lists people with deadlines can use: what the task is about and when it is due.

viewflow's inbox, queue and archive show ``#process/task | step | step``. Ours show the business
key (application or case number, linking to the task), the subject (``worklist_summary`` of the
subject model: applicant or party, address), the step, the assignee, the due date with its light
and the working days left, sorted by due date (undated last). Filters: step, light and county;
text search over the subject's ``worklist_search`` fields.

Every value comes from the page's one query (process, subject and owner joined) plus one
prefetch of the page's step clocks: the cost of a page does not depend on how many tasks exist.
The due date that orders the page and the light filters read the task's open step clock by a
LEFT JOIN (``with_step_clock``, served by the unique index ``sla_clock_open_task`` on
``task_id`` of open clocks), not by a subquery per task.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import clock
from .models import County


def _subject_path(flow_class: Any) -> tuple[str, Any] | None:
    from .flowviews import _subject_of, task_process_link

    found = _subject_of(flow_class.process_class)
    if found is None:
        return None
    field_name, model = found
    return f"{task_process_link(flow_class)}{field_name}__", model


def decorate(qs: QuerySet[Any], flow_class: Any) -> QuerySet[Any]:
    """Join what the columns show and attach the step clocks; order by due date."""
    from workflows.sla.models import Clock

    related = ["owner"]
    path = _subject_path(flow_class)
    if path is not None:
        prefix, model = path
        related.append(prefix[:-2])
        related.extend(f"{prefix}{name}" for name in getattr(model, "worklist_related", ()))
    return (
        with_step_clock(qs.select_related(*related))
        .prefetch_related(Prefetch("sla_clocks", queryset=Clock.objects.order_by("-id"), to_attr="clocks_newest_first"))
        .order_by(F("clock_due").asc(nulls_last=True), "-created", "-pk")
    )


STEP_CLOCK = "step_clock"


def open_task_candidates(user: Any, flow_classes: Any) -> Q | None:
    """Where the database finds the open tasks ``user`` may see, for a county's staff; None = no narrowing.

    The visibility predicate (``county_id = <county>`` on each flow's subject, three joins away
    from ``viewflow_task``) stays the rule and is applied as well: this only says where to look,
    so that a queue does not join every open task of the city to its process and subject to keep
    its county's. An open task is either
    - one of a step with a time limit: it has an open step clock (``on_task_saved`` starts it
      with the task, ``clock_stop_task`` stops it when the task closes) carrying the subject's
      county (``sla_county``; a subject never changes county) — the county's open step clocks,
      by the index ``listcost_clock_open_county``; or
    - one of a step without a step clock: the open tasks of those nodes, by the index
      ``listcost_task_node_status``.
    None (the predicate alone) when it is not a county alone: city-wide staff, accounts that see
    what they own, a person holding an exception on some object of one of the flows' subjects.
    For lists of open human tasks only (``workflows.sla.flow.OPEN_STATUSES``, ``task_type`` HUMAN).
    """
    from workflows.sla.flow import OPEN_STATUSES, SlaFlowMixin
    from workflows.sla.models import Clock

    from .flowviews import _subject_of
    from .jurisdiction import _AnyOf, has_exceptions, sees_everything
    from .models import User

    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    if getattr(user, "kind", None) != User.Kind.STAFF or user.county_id is None:
        return None
    without_clock: list[Any] = []
    for flow_class in flow_classes:
        found = _subject_of(flow_class.process_class)
        if found is None or sees_everything(user, found[1]) or has_exceptions(user, found[1]):
            return None
        limits = flow_class.step_limits if issubclass(flow_class, SlaFlowMixin) else {}
        without_clock.extend(
            node
            for node in flow_class.instance.nodes()
            if getattr(node, "task_type", "") == "HUMAN" and node.name not in limits
        )
    # Every open clock of the county (a process's own clocks add an empty task id, never a match).
    clocks = Clock.objects.filter(stopped_at__isnull=True, county_id=user.county_id)
    candidates = clocks.order_by().values_list("task_id", flat=True)
    if without_clock:
        unclocked = Task.objects.filter(flow_task__in=without_clock, status__in=sorted(OPEN_STATUSES))
        candidates = candidates.union(unclocked.order_by().values_list("pk", flat=True), all=True)
    # ``pk = ANY(ARRAY(…))``: one list of ids computed first (an InitPlan), then the tasks by
    # primary key; a semi-join (``IN``) lets PostgreSQL hash-join every open task instead.
    return Q(_AnyOf(F("pk"), Subquery(candidates)))


def with_step_clock(qs: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` (tasks) with its open step clock LEFT JOINed as ``step_clock`` and ``clock_due``.

    A task has at most one open clock (``workflows.sla.flow.on_task_saved`` starts one only when
    none is open; the unique index ``sla_clock_open_task`` holds it), so the join adds no rows.
    A finished task's clock is stopped: its ``clock_due`` is empty (archives sort by age).
    """
    return qs.annotate(
        **{STEP_CLOCK: FilteredRelation("sla_clocks", condition=Q(sla_clocks__stopped_at__isnull=True))}
    ).annotate(clock_due=F(f"{STEP_CLOCK}__due_date"))


def step_light_q(light: str, today: Any) -> Q:
    """Tasks of a ``with_step_clock`` queryset whose open step clock shows ``light``.

    The same rule as ``_light_q`` (and Clock.light), on the joined clock's columns.
    """
    from workflows.sla.models import Light

    reference = Coalesce(f"{STEP_CLOCK}__paused_on", Value(today, output_field=DateField()))
    due, yellow = F(f"{STEP_CLOCK}__due_date"), F(f"{STEP_CLOCK}__yellow_date")
    if light == Light.RED:
        return Q(GreaterThan(reference, due))
    if light == Light.YELLOW:
        return Q(GreaterThanOrEqual(reference, yellow)) & Q(LessThanOrEqual(reference, due))
    return Q(LessThan(reference, yellow))


def _clock_of(task: Any) -> Any:
    clocks = getattr(task, "clocks_newest_first", None)
    return clocks[0] if clocks else None


def _subject(task: Any) -> Any:
    process = task.process.coerced
    get_subject = getattr(process, "get_subject", None)
    return get_subject() if get_subject is not None else None


def _light_q(light: str, today: Any) -> Q:
    from workflows.sla.models import Clock, Light

    # The same reference day as Clock.reference_date for an open clock: paused day, else today.
    reference = Coalesce("paused_on", Value(today, output_field=DateField()))
    clocks = Clock.objects.filter(task_id=OuterRef("pk"), stopped_at__isnull=True).annotate(reference=reference)
    if light == Light.RED:
        clocks = clocks.filter(reference__gt=F("due_date"))
    elif light == Light.YELLOW:
        clocks = clocks.filter(reference__gte=F("yellow_date"), reference__lte=F("due_date"))
    else:
        clocks = clocks.filter(reference__lt=F("yellow_date"))
    return Q(Exists(clocks))


def light_counts(qs: QuerySet[Any]) -> dict[str, int]:
    """Tasks of ``qs`` in all (``total``) and per light of their open step clock: one aggregate query."""
    from workflows.sla.models import Light

    today = clock.today()
    lights = (Light.RED, Light.YELLOW, Light.GREEN)
    counts = with_step_clock(qs.order_by()).aggregate(
        total=Count("pk"), **{lt.value: Count("pk", filter=step_light_q(lt.value, today)) for lt in lights}
    )
    return {key: int(value or 0) for key, value in counts.items()}


def light_choices() -> list[tuple[str, Any]]:
    from workflows.sla.models import Light

    return list(Light.choices)


class WorkListFilter(django_filters.FilterSet):
    """Step, light and county; no per-process choice list (it would grow with the queue)."""

    flow_task = django_filters.ChoiceFilter(label=_("Step"))
    light = django_filters.ChoiceFilter(label=_("Light"), choices=light_choices, method="filter_light")
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), method="filter_county"
    )

    flow_class: Any = None

    class Meta:
        model = Task
        fields = ("flow_task",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = [node for node in self.flow_class.instance.nodes() if getattr(node, "task_type", "") == "HUMAN"]
        self.filters["flow_task"].field.choices = [(get_task_ref(node), node.task_title or node.name) for node in nodes]

    def filter_light(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(step_light_q(value, clock.today())) if value else queryset

    def filter_county(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        path = _subject_path(self.flow_class)
        if value is None or path is None:
            return queryset
        return queryset.filter(**{f"{path[0]}county": value})


def _summary(task: Any, user: Any) -> str:
    """Who and where: the subject masks a natural person's name unless ``user`` owns the subject."""
    subject = _subject(task)
    if subject is None:
        return ""
    summary_for = getattr(subject, "worklist_summary_for", None)
    return str(summary_for(user) if summary_for is not None else getattr(subject, "worklist_summary", "") or "")


def number_link(task: Any) -> Any:
    subject = _subject(task)
    url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
    return format_html('<a href="{}">{}</a>', url, str(subject) if subject is not None else f"#{task.process_id}")


def assignee_name(task: Any) -> str:
    owner = task.owner
    return str(getattr(owner, "display_name", owner)) if owner is not None else ""


def due_badge(task: Any) -> Any:
    item = _clock_of(task)
    if item is None:
        return ""
    return format_html(
        '<span class="light light-{}" data-light="{}" title="{}">●</span> {}',
        item.light,
        item.light,
        item.get_light_display(),
        item.due_date.isoformat(),
    )


def working_days_left(task: Any) -> Any:
    item = _clock_of(task)
    if item is None or item.stopped_at is not None:
        return ""
    return item.working_days_left  # negative once overdue


def claim_or_release(task: Any, user: Any) -> Any:
    """Claim from the queue, release from the inbox: links to viewflow's confirmation pages."""
    if task.status == STATUS.NEW and task.owner_id is None:
        return format_html('<a href="{}" data-action="claim">{}</a>', task.reverse("assign"), _("Claim"))
    if task.status == STATUS.ASSIGNED and task.owner_id == user.pk:
        return format_html('<a href="{}" data-action="release">{}</a>', task.reverse("unassign"), _("Release"))
    return ""


def worklist_rows(tasks: Any, *, user: Any) -> list[dict[str, Any]]:
    """The work-list columns of already decorated tasks, for pages other than viewflow's lists."""
    return [
        {
            "task": task,
            "process": task.flow_task.flow_class.process_title,
            "number": number_link(task),
            "subject": _summary(task, user),
            "step": str(task.title),
            "assignee": assignee_name(task),
            "due": due_badge(task),
            "days_left": working_days_left(task),
            "action": claim_or_release(task, user),
        }
        for task in tasks
    ]


class WorkListColumns:
    """Columns and filters for a flow's inbox, queue and archive (mixed into viewflow's list views)."""

    flow_class: Any
    request: Any
    columns = ("business_key", "subject_summary", "step", "assignee", "due", "days_left", "action")

    def get_filterset_class(self) -> Any:
        return type("FlowWorkListFilter", (WorkListFilter,), {"flow_class": self.flow_class})

    @property
    def search_fields(self) -> list[str] | None:
        path = _subject_path(self.flow_class)
        if path is None:
            return None
        prefix, model = path
        return [f"{prefix}{name}" for name in getattr(model, "worklist_search", ())] or None

    def business_key(self, task: Any) -> Any:
        return number_link(task)

    business_key.short_description = _("Number")  # type: ignore[attr-defined]

    def subject_summary(self, task: Any) -> str:
        return _summary(task, self.request.user)

    subject_summary.short_description = _("Subject")  # type: ignore[attr-defined]

    def step(self, task: Any) -> str:
        return str(task.title)

    step.short_description = _("Step")  # type: ignore[attr-defined]

    def assignee(self, task: Any) -> str:
        return assignee_name(task)

    assignee.short_description = _("Assignee")  # type: ignore[attr-defined]

    def due(self, task: Any) -> Any:
        return due_badge(task)

    due.short_description = _("Due date")  # type: ignore[attr-defined]
    due.orderby_column = "clock_due"  # type: ignore[attr-defined]

    def days_left(self, task: Any) -> Any:
        return working_days_left(task)

    days_left.short_description = _("Working days left")  # type: ignore[attr-defined]

    def action(self, task: Any) -> Any:
        return claim_or_release(task, self.request.user)

    action.short_description = _("Action")  # type: ignore[attr-defined]
