"""django-filter filter sets of the API's lists: tasks, and the subjects of every process.

One set of query parameters across lists: ``status``, ``county`` (id), ``step`` (node name or
``step_key``), ``light`` (green/yellow/red of an open step clock), ``due_before`` / ``due_after``
(an open step clock's due date), ``q`` (text in number, address, party) and ``ordering``.
Each is one indexed predicate on the list's one query (``Exists`` for what lives in other
tables), so a filtered page costs the same number of queries as an unfiltered one.

The engine knows no process: a subject list names its model's fields (``status_field``,
``search_fields``), and which flow it belongs to is read from the registered steps.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .flowviews import task_process_link
from .taskapi import registered_flows, registered_steps, step_key
from .worklist import _light_q, light_choices, step_light_q

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def _nodes_named(value: str) -> list[Any]:
    return [step.node for step in registered_steps() if value in (step.node.name, step_key(step.node))]


def _any_node(nodes: list[Any]) -> Q:
    q = Q(pk__in=[])
    for node in nodes:
        q |= Q(flow_task=node)
    return q


def _subject_paths() -> list[tuple[Any, str, Any]]:
    """(flow class, lookup from a Task to its subject, subject model) of every registered flow."""
    paths = []
    for flow_class in registered_flows():
        field_name = getattr(flow_class.process_class, "subject_field", "")
        if field_name:
            model = flow_class.process_class._meta.get_field(field_name).related_model
            paths.append((flow_class, f"{task_process_link(flow_class)}{field_name}", model))
    return paths


def _text_q(prefix: str, fields: tuple[str, ...], value: str) -> Q:
    q = Q(pk__in=[])
    for name in fields:
        q |= Q(**{f"{prefix}{name}__icontains": value})
    return q


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(STATUS.NEW, STATUS.NEW), (STATUS.ASSIGNED, STATUS.ASSIGNED)]
    )
    step = django_filters.CharFilter(label=_("Step"), method="filter_step")
    county = django_filters.NumberFilter(label=_("County"), method="filter_county")
    light = django_filters.ChoiceFilter(label=_("Light"), choices=light_choices, method="filter_light")
    due_before = django_filters.DateFilter(label=_("Due on or before"), field_name="clock_due", lookup_expr="lte")
    due_after = django_filters.DateFilter(label=_("Due on or after"), field_name="clock_due", lookup_expr="gte")
    q = django_filters.CharFilter(label=_("Number, address or party contains"), method="filter_text")
    ordering = django_filters.OrderingFilter(fields=(("clock_due", "due_date"), ("created", "created")))

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_step(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_any_node(_nodes_named(value)))

    def filter_county(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        q = Q(pk__in=[])
        for flow_class, path, model in _subject_paths():
            if any(f.name == "county" for f in model._meta.get_fields()):
                q |= Q(process__flow_class=flow_class, **{f"{path}__county_id": int(value)})
        return queryset.filter(q)

    def filter_light(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from . import clock

        return queryset.filter(step_light_q(value, clock.today()))  # open_tasks_for joins the step clock

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        q = Q(pk__in=[])
        for flow_class, path, model in _subject_paths():
            fields = tuple(getattr(model, "api_search_fields", ()) or getattr(model, "worklist_search", ()))
            q |= Q(process__flow_class=flow_class) & _text_q(f"{path}__", fields, value)
        return queryset.filter(q)


class SubjectFilter(django_filters.FilterSet):
    """Base of a process subject's list filter; a subclass sets ``Meta.model``, ``status_field``,
    ``search_fields`` and its ``ordering`` fields."""

    status_field = "status"
    search_fields: tuple[str, ...] = ()

    status = django_filters.CharFilter(label=_("Status"), method="filter_status")
    county = django_filters.NumberFilter(label=_("County"), field_name="county_id")
    step = django_filters.CharFilter(label=_("Step"), method="filter_step")
    light = django_filters.ChoiceFilter(label=_("Light"), choices=light_choices, method="filter_light")
    due_before = django_filters.DateFilter(label=_("Due on or before"), method="filter_due_before")
    due_after = django_filters.DateFilter(label=_("Due on or after"), method="filter_due_after")
    q = django_filters.CharFilter(label=_("Number, address or party contains"), method="filter_text")

    def _open_task_q(self, prefix: str = "") -> Q:
        """The subject's open tasks (``OuterRef("pk")`` is the subject), over every flow about it."""
        q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
        for flow_class, path, model in _subject_paths():
            if model is self._meta.model:
                q |= Q(**{f"{prefix}process__flow_class": flow_class, f"{prefix}{path}": OuterRef("pk")})
        return q & Q(**{f"{prefix}status__in": OPEN})

    def _open_tasks(self) -> QuerySet[Any]:
        return Task.objects.filter(self._open_task_q())

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{self.status_field: value})

    def filter_step(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Exists(self._open_tasks().filter(_any_node(_nodes_named(value)))))

    def filter_light(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from . import clock

        return queryset.filter(Exists(self._open_tasks().filter(_light_q(value, clock.today()))))

    def _due(self, queryset: QuerySet[Any], lookup: str, value: Any) -> QuerySet[Any]:
        from .sla.models import Clock

        clocks = Clock.objects.filter(self._open_task_q("task__"), stopped_at__isnull=True, **{lookup: value})
        return queryset.filter(Exists(clocks))

    def filter_due_before(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return self._due(queryset, "due_date__lte", value)

    def filter_due_after(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return self._due(queryset, "due_date__gte", value)

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_text_q("", self.search_fields, value))
