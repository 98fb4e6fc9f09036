"""The task API over every process, and the per-node step registry it shares with the web UI.

A process app registers each human node once::

    register_step(
        PermitFlow.accept,
        form_class=AcceptanceForm,        # a django Form: form_class(data, files, task=task, user=user)
        complete=complete_acceptance,     # complete(*, task, acting_user, data: cleaned_data) -> None
        template_name="outdoor_ads/steps/accept.html",   # optional web template
        context=None,                     # optional (*, task, user) -> dict for the web template
        success_url=None,                 # optional (*, task) -> str after the web form
    )

The form's ``decision`` field (a ChoiceField), when present, lists the decisions the step
accepts; ``comment`` and any other fields are the step's fields. ``complete`` calls the app's
service, which runs the step through ``workflows.flowviews.task_execution`` (lock, claim or
TaskConflict, execute). The web page (``flowviews.StepView``) and
``POST /api/tasks/{id}/complete/`` both go through the same form and the same ``complete``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import requestcache
from .apiconv import errors_response, validation_errors
from .concurrency import retry_once
from .flowviews import (
    TASK_NOT_YOURS,
    TaskConflict,
    claim_task,
    note_subject_visible,
    release_task,
    task_process_link,
    task_related,
    tasks_visibility_q,
    visible_tasks,
)
from .formschema import form_schema
from .worklist import open_task_candidates, with_step_clock

WRONG_STEP = _("This body is for another step than the task's.")


@dataclass(frozen=True)
class Step:
    node: Any
    form_class: Any  # a django Form class: form_class(data, files, task=task, user=user)
    complete: Callable[..., Any]
    template_name: str = ""
    context: Callable[..., dict[str, Any]] | None = None
    success_url: Callable[..., str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def decisions(self) -> list[dict[str, str]]:
        decision = self.form_class.base_fields.get("decision")
        if decision is None:
            return []
        return [{"code": str(code), "label": str(label)} for code, label in decision.choices if code]  # type: ignore[attr-defined]

    @property
    def fields(self) -> list[str]:
        return list(self.form_class.base_fields)


_STEPS: dict[Any, Step] = {}

# flow class -> rules(task) -> [{"code", "title", "open", "detail"}]: the legal preconditions
# the process app checks before the step's service writes anything, with their current state.
_RULES: dict[Any, Callable[..., list[dict[str, Any]]]] = {}


def register_rules(flow_class: Any, provider: Callable[..., list[dict[str, Any]]]) -> None:
    """A process app tells the API which rules apply to a task of its flow (``provider(task=...)``)."""
    _RULES[flow_class] = provider


def rules_for(task: Any) -> list[dict[str, Any]]:
    provider = _RULES.get(task.flow_task.flow_class)
    return provider(task=task) if provider is not None else []


def step_key(node: Any) -> str:
    """Unique across processes: ``<app>/<flow>:<node>`` (the discriminator of /complete/ bodies)."""
    flow = node.flow_class.instance
    return f"{flow.app_label}/{flow.flow_label}:{node.name}"


def registered_steps() -> list[Step]:
    return list(_STEPS.values())


def register_step(
    node: Any,
    *,
    form_class: Any,
    complete: Callable[..., Any],
    template_name: str = "",
    context: Callable[..., dict[str, Any]] | None = None,
    success_url: Callable[..., str] | None = None,
) -> Step:
    step = Step(
        node=node,
        form_class=form_class,
        # The web page and the API both complete through here: a deadlock is retried once.
        complete=retry_once(complete),
        template_name=template_name,
        context=context,
        success_url=success_url,
    )
    _STEPS[node] = step
    return step


def step_for(node: Any) -> Step | None:
    return _STEPS.get(node)


def registered_flows() -> list[Any]:
    flows: list[Any] = []
    for node in _STEPS:
        if node.flow_class not in flows:
            flows.append(node.flow_class)
    return flows


def open_tasks_for(user: Any) -> models.QuerySet[Any]:
    """The caller's inbox and the queue it may claim from, across every registered process.

    One query (plus one for the page's clocks): each flow's tasks are scoped by the subject's
    visibility predicate, the queue by the node permission as in viewflow's queue. A node's named
    ``.Restrict`` (e.g. the countersign is not the first reviewer's) is checked when the task is
    claimed or completed, as on the web queue. Ordered by due date (undated last), then age.
    """
    from workflows.sla.models import Clock

    flows = registered_flows()
    scope = tasks_visibility_q(user, flows)
    related = ["process", "owner"]
    for flow_class in flows:
        link = task_process_link(flow_class)
        field_name = getattr(flow_class.process_class, "subject_field", "")
        related.append(f"{link}{field_name}" if field_name else link[:-2])
        if field_name:
            subject_model = flow_class.process_class._meta.get_field(field_name).related_model
            related.extend(f"{link}{field_name}__{name}" for name in getattr(subject_model, "worklist_related", ()))
    claimable = Q(status=STATUS.NEW, owner__isnull=True)
    if not user.is_superuser:
        claimable &= Q(owner_permission__isnull=True) | Q(owner_permission__in=user.get_all_permissions())
    tasks = (
        Task.objects.filter(flow_task_type="HUMAN")
        .filter(Q(status=STATUS.ASSIGNED, owner=user) | claimable)
        .filter(scope)
        .select_related(*related)
    )
    candidates = open_task_candidates(user, flows)  # where to look; the predicate decides
    if candidates is not None:
        tasks = tasks.filter(candidates)
    return (
        with_step_clock(tasks)  # the open step clock joined: due date and light without a subquery per task
        .prefetch_related(Prefetch("sla_clocks", queryset=Clock.objects.order_by("-id"), to_attr="clocks_newest_first"))
        .order_by(F("clock_due").asc(nulls_last=True), "created", "pk")
    )


def _task_or_404(user: Any, task_id: int) -> Any:
    """The task if it is a registered step whose subject ``user`` may see; 404 otherwise.

    Two narrow queries rather than one wide one: the task's node by primary key, then the task
    with its own flow's process row and subject (the checks, the form and the service read
    ``process.coerced`` and its subject without a query) AND that flow's visibility predicate.
    One query LEFT JOINing every registered flow's process and subject cost more than both
    (PostgreSQL planning seven joins under an OR, Django compiling ~150 columns: ~11 ms against
    ~2 ms). The found subject is remembered as visible, so ``can_assign``/``can_execute`` ask
    nothing more.
    """
    node = Task.objects.filter(pk=task_id).values_list("flow_task", flat=True).first()
    if node is None or step_for(node) is None:
        raise Http404
    flow_class = node.flow_class
    tasks = Task.objects.filter(pk=task_id).select_related(*task_related(flow_class))
    task = visible_tasks(user, flow_class, tasks).first()
    if task is None:
        raise Http404
    note_subject_visible(user, task.process.coerced)
    return task


def task_clock_info(task: Any) -> dict[str, Any]:
    """Due date and light of the task's step clock (the time engine keeps one per limited step)."""
    from workflows.sla.models import Clock

    prefetched = getattr(task, "clocks_newest_first", None)
    if prefetched is not None:
        item = prefetched[0] if prefetched else None
    else:
        item = Clock.objects.filter(task_id=task.pk).order_by("-id").first()
    if item is None:
        return {"due_date": None, "light": None}
    return {"due_date": item.due_date, "light": item.light}


def serialize_task(task: Any) -> dict[str, Any]:
    step = step_for(task.flow_task)
    process = task.process.coerced
    subject = process.get_subject() if hasattr(process, "get_subject") else None
    owner = task.owner
    flow = task.flow_task.flow_class.instance
    data: dict[str, Any] = {
        "id": task.pk,
        "process_type": f"{flow.app_label}/{flow.flow_label}",
        "process_title": str(task.flow_task.flow_class.process_title),
        "process_id": task.process_id,
        "subject": str(subject) if subject is not None else "",
        "summary": str(getattr(subject, "worklist_summary", "") or ""),
        "step": task.flow_task.name,
        "step_key": step_key(task.flow_task),
        "title": str(task.flow_task.task_title),
        "status": task.status,
        "assignee": owner.get_username() if owner else None,
        "decisions": step.decisions if step else [],
        "fields": step.fields if step else [],
        "created": task.created,
    }
    data.update(task_clock_info(task))
    return data


class DecisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process_type = serializers.CharField()
    process_title = serializers.CharField()
    process_id = serializers.IntegerField()
    subject = serializers.CharField()
    summary = serializers.CharField()
    step = serializers.CharField()
    step_key = serializers.CharField(help_text="`step` of the /complete/ body schema for this step")
    title = serializers.CharField()
    status = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    light = serializers.CharField(allow_null=True)
    decisions = DecisionSerializer(many=True)
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    created = serializers.DateTimeField()


ConflictSerializer = inline_serializer("TaskConflict", {"detail": serializers.CharField()})


class RuleStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    article = serializers.CharField(allow_blank=True, help_text="The legal article the rule cites")
    state = serializers.CharField(help_text="e.g. met, not_yet, refused")
    open = serializers.BooleanField(help_text="true: the rule lets the step through now")
    detail = serializers.CharField(allow_blank=True)
    from_date = serializers.DateField(allow_null=True, help_text="When a not-yet rule opens, if known")


class TaskDetailSerializer(TaskSerializer):
    form = serializers.JSONField(help_text="JSON Schema of the step's form (types, required, choices, files)")
    rules = RuleStateSerializer(many=True)


def describe_task(task: Any, user: Any) -> dict[str, Any]:
    step = step_for(task.flow_task)
    assert step is not None  # noqa: S101 (only registered steps reach here)
    data = serialize_task(task)
    form = step.form_class(task=task, user=user)
    data["form"] = form_schema(form, title=str(task.flow_task.task_title))
    data["decisions"] = step_decisions(form)
    data["rules"] = [
        {
            "code": r["code"],
            "title": str(r["title"]),
            "article": str(r.get("article") or ""),
            "state": str(r.get("state") or ("met" if r["open"] else "refused")),
            "open": bool(r["open"]),
            "detail": str(r.get("detail") or ""),
            "from_date": r.get("from_date"),
        }
        for r in rules_for(task)
    ]
    return data


def step_decisions(form: Any) -> list[dict[str, str]]:
    """The decisions this task accepts now (a form may narrow them, e.g. one supplement notice only)."""
    decision = form.fields.get("decision")
    if decision is None:
        return []
    return [{"code": str(code), "label": str(label)} for code, label in decision.choices if code]


class TaskDetailView(APIView):
    @extend_schema(
        summary="One task, self-described: its form as JSON Schema, its decisions and the rules that apply",
        responses={200: TaskDetailSerializer(), 404: OpenApiResponse(description="not found or not visible")},
    )
    def get(self, request: Request, task_id: int) -> Response:
        task = _task_or_404(request.user, task_id)
        return Response(describe_task(task, request.user))


class TaskListView(ListAPIView):
    """Paginated (``?page=``, ``?page_size=``) and filtered (workflows.apifilters.TaskFilter):
    a constant number of queries per page."""

    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend]

    @property
    def filterset_class(self) -> Any:  # imported late: apifilters reads this module's registry
        from .apifilters import TaskFilter

        return TaskFilter

    @extend_schema(summary="Open tasks: the caller's inbox and the queue it may claim, across every process")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Task.objects.none()
        return open_tasks_for(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([serialize_task(task) for task in page or []])


class TaskClaimView(APIView):
    @extend_schema(
        summary="Claim a task from the queue",
        request=None,
        responses={200: TaskSerializer(), 409: ConflictSerializer, 403: OpenApiResponse(), 404: OpenApiResponse()},
    )
    def post(self, request: Request, task_id: int) -> Response:
        task = _task_or_404(request.user, task_id)
        try:
            task = claim_task(task=task, acting_user=request.user)
        except TaskConflict as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(serialize_task(task))


class TaskReleaseView(APIView):
    @extend_schema(
        summary="Put a task the caller holds back into the queue",
        request=None,
        responses={200: TaskSerializer(), 409: ConflictSerializer},
    )
    def post(self, request: Request, task_id: int) -> Response:
        task = _task_or_404(request.user, task_id)
        try:
            task = release_task(task=task, acting_user=request.user)
        except TaskConflict as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
        return Response(serialize_task(task))


class TaskCompleteView(APIView):
    @extend_schema(
        summary="Complete a step with a decision, a comment and the step's fields",
        description=(
            "Body: `decision` (one of the task's `decisions`), `comment` and the step's `fields` "
            "(JSON or multipart when the step takes files). Invalid input: 400 with field messages "
            "and nothing changed. Someone else holds or finished the task: 409."
        ),
        request=inline_serializer(
            "TaskCompletion",
            {"decision": serializers.CharField(required=False), "comment": serializers.CharField(required=False)},
        ),
        responses={
            200: inline_serializer(
                "TaskCompleted", {"id": serializers.IntegerField(), "status": serializers.CharField()}
            ),
            400: OpenApiResponse(description="field -> list of messages"),
            409: ConflictSerializer,
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        task = _task_or_404(request.user, task_id)
        step = step_for(task.flow_task)
        assert step is not None  # noqa: S101 (checked by _task_or_404)
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or (task.owner_id not in (None, request.user.pk)):
            return Response({"detail": str(TaskConflict().message)}, status=status.HTTP_409_CONFLICT)
        if task.status == STATUS.NEW and not task.flow_task.can_assign(request.user, task):
            return Response({"detail": str(TASK_NOT_YOURS)}, status=status.HTTP_403_FORBIDDEN)
        given = request.data.get("step")  # type: ignore[union-attr]
        if given not in (None, "", step_key(task.flow_task), task.flow_task.name):
            return errors_response({"step": [str(WRONG_STEP)]})
        form = step.form_class(request.data, request.FILES, task=task, user=request.user)
        if not form.is_valid():
            return errors_response(form.errors)
        try:
            step.complete(task=task, acting_user=request.user, data=form.cleaned_data)
        except TaskConflict as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        # The status the step wrote (kept by task_execution for this request); read again otherwise.
        finished = requestcache.recall(("flowviews.finished", task.pk))
        if finished is None:
            task.refresh_from_db()
            finished = task.status
        return Response({"id": task.pk, "status": finished})


urlpatterns = [
    path("tasks/", TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:task_id>/", TaskDetailView.as_view(), name="api-task"),
    path("tasks/<int:task_id>/claim/", TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<int:task_id>/release/", TaskReleaseView.as_view(), name="api-task-release"),
    path("tasks/<int:task_id>/complete/", TaskCompleteView.as_view(), name="api-task-complete"),
]
