"""Shared pieces for viewflow task views: the URL guard, jurisdiction-aware nodes, safe task execution.

viewflow's task views lock the process named in the URL but load the task by its own id, and
only check that the task belongs to the same *flow*. ``TaskUrlGuardMiddleware`` makes every
viewflow URL that names a process (and a task) answer 404 unless the task belongs to that
process and to the node of the view, and unless the user may see the process's subject (its
application or case) — foreign objects look exactly like missing ones.

Process models declare their subject with ``SubjectProcessMixin.subject_field``; human steps
use ``View`` (a ``flow.View`` that also checks jurisdiction and an optional ``.Restrict``).
Services run a step through ``task_execution`` (lock, re-read, claim-or-conflict, execute), so
two staff acting on the same task at once get exactly one winner and one ``TaskConflict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as viewflow_views
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .concurrency import retry_once
from .jurisdiction import visible

TASK_TAKEN = _("This task has already been taken or completed by someone else. Reload the page.")
TASK_BUSY = _("Someone else is acting on this task right now. Try again in a moment.")
TASK_NOT_YOURS = _("You may not act on this task.")


class TaskConflict(Exception):
    """Another user holds or has finished the task, or holds its lock: HTTP 409 in the API."""

    def __init__(self, message: Any = TASK_TAKEN) -> None:
        super().__init__(str(message))
        self.message = message


class SubjectProcessMixin:
    """Mixed into a viewflow ``Process`` subclass whose subject is a ``Jurisdictional`` model."""

    subject_field: ClassVar[str] = ""

    def get_subject(self) -> models.Model:
        return getattr(self, self.subject_field)


def subject_visible(user: Any, process: Any) -> bool:
    """May ``user`` see what this process is about (county staff, city-wide staff, the owner)?"""
    get_subject = getattr(process, "get_subject", None)
    if get_subject is None:
        return True
    subject = get_subject()
    return visible(user, type(subject)).filter(pk=subject.pk).exists()


def visible_process_ids(user: Any, flow_class: Any) -> models.QuerySet[Any]:
    """Primary keys of the processes of ``flow_class`` whose subject ``user`` may see."""
    process_class = flow_class.process_class
    field_name = getattr(process_class, "subject_field", "")
    qs = process_class._default_manager.all()
    if field_name:
        subject_model = process_class._meta.get_field(field_name).related_model
        qs = qs.filter(**{f"{field_name}__in": visible(user, subject_model).values("pk")})
    return qs.values("pk")


class TaskUrlGuardMiddleware:
    """404 for a viewflow URL whose task is not of its process and node, or whose subject is foreign."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]) -> None:
        match = request.resolver_match
        extra = getattr(getattr(match, "url_name", None), "extra", None) or {}
        flow_instance = extra.get("flow")
        process_pk = view_kwargs.get("process_pk")
        if flow_instance is None or process_pk is None:
            return None
        check_task_url(
            user=request.user,
            flow_class=type(flow_instance),
            node=extra.get("node"),
            process_pk=process_pk,
            task_pk=view_kwargs.get("task_pk"),
        )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A lost race on a task page is a clear 409 page, never a 500 or a bare 403."""
        match = request.resolver_match
        extra = getattr(getattr(match, "url_name", None), "extra", None) or {}
        task_pk = (match.kwargs if match else {}).get("task_pk")
        if extra.get("flow") is None or task_pk is None or request.method != "POST":
            return None
        if isinstance(exception, FlowLockFailed | TaskConflict):
            message = getattr(exception, "message", TASK_BUSY)
        elif isinstance(exception, PermissionDenied):
            task = Task.objects.filter(pk=task_pk).first()
            taken = task is not None and (
                (task.owner_id is not None and task.owner_id != request.user.pk)
                or task.status not in (STATUS.NEW, STATUS.ASSIGNED)
            )
            if not taken:
                return None
            message = TASK_TAKEN
        else:
            return None
        response = render(request, "workflows/task_conflict.html", {"message": message}, status=409)
        return response


def check_task_url(*, user: Any, flow_class: Any, node: Any, process_pk: Any, task_pk: Any) -> None:
    """Raise Http404 unless process, task and node match and the user may see the subject."""
    process = flow_class.process_class._default_manager.filter(pk=process_pk).first()
    if process is None or process.flow_class is not flow_class:
        raise Http404
    if task_pk is not None:
        task = Task.objects.filter(pk=task_pk).only("process_id", "flow_task").first()
        if task is None or task.process_id != process.pk:
            raise Http404
        if node is not None and task.flow_task is not node:
            raise Http404
    if getattr(user, "is_authenticated", False) and not subject_visible(user, process):
        raise Http404


class View(flow.View):
    """A human step: viewflow's permission, plus jurisdiction, plus an optional named restriction.

    ``.Restrict(this.not_first_reviewer)`` takes a callable ``(user, task) -> bool``; the
    countersign step uses it so the second signature is never the first reviewer's.
    """

    def __init__(self, view: Any, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self._restrict: Any = None

    def Restrict(self, predicate: Any) -> View:  # noqa: N802 (viewflow's fluent naming)
        self._restrict = predicate
        return self

    def _resolve(self, instance: Any) -> None:
        super()._resolve(instance)
        from viewflow import this

        self._restrict = this.resolve(instance, self._restrict)

    def allowed_for(self, user: Any, task: Any) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        process = task.process.coerced if hasattr(task.process, "coerced") else task.process
        if not subject_visible(user, process):
            return False
        return not (self._restrict is not None and not self._restrict(user, task))

    def can_assign(self, user: Any, task: Any) -> bool:
        return super().can_assign(user, task) and self.allowed_for(user, task)

    def can_execute(self, user: Any, task: Any) -> bool:
        return super().can_execute(user, task) and self.allowed_for(user, task)


@contextmanager
def locked_task(task_or_pk: Any) -> Iterator[Any]:
    """Lock the task's process (viewflow's lock_impl), re-read the task and yield it."""
    task_pk = getattr(task_or_pk, "pk", task_or_pk)
    task = Task.objects.select_related("process").filter(pk=task_pk).first()
    if task is None:
        raise Http404
    flow_class = task.flow_task.flow_class
    try:
        with transaction.atomic():
            # Wait for the row lock first (no NOWAIT): viewflow's lock retries a failed NOWAIT by
            # catching the error inside the block, which aborts any surrounding transaction. With
            # the row already ours, its NOWAIT below always succeeds; the loser of a race waits
            # here, then reads the winner's result and gets a TaskConflict.
            flow_class.process_class._default_manager.select_for_update().filter(pk=task.process_id).exists()
            with flow_class.lock(task.process_id):
                task = Task.objects.select_related("process").get(pk=task_pk)
                yield task
    except FlowLockFailed as exc:
        raise TaskConflict(TASK_BUSY) from exc


@retry_once
def claim_task(*, task: Any, acting_user: Any) -> Any:
    """Take a task from the queue; TaskConflict when someone else holds or finished it."""
    with locked_task(task) as task:
        node = task.flow_task
        if task.flow_task_type != "HUMAN" or not hasattr(node, "can_assign"):
            raise Http404  # nobody takes a gateway, job or start node
        if task.status == STATUS.ASSIGNED and task.owner_id == acting_user.pk:
            return task
        if task.status != STATUS.NEW or task.owner_id is not None:
            raise TaskConflict(TASK_TAKEN)
        if not node.can_assign(acting_user, task):
            raise PermissionDenied(TASK_NOT_YOURS)
        activation = node.activation_class(task)
        try:
            activation.assign(acting_user)
        except TransitionNotAllowed as exc:
            raise TaskConflict(TASK_TAKEN) from exc
        return task


@retry_once
def release_task(*, task: Any, acting_user: Any) -> Any:
    """Put a task the user holds back into the queue."""
    with locked_task(task) as task:
        node = task.flow_task
        if task.status != STATUS.ASSIGNED or task.owner_id != acting_user.pk:
            raise TaskConflict(TASK_TAKEN)
        node.activation_class(task).unassign()
        return task


@contextmanager
def task_execution(*, task: Any, acting_user: Any, node: Any = None) -> Iterator[Any]:
    """Run one step of a flow for ``acting_user``; yields the activation, executes it on success.

    Services call this inside their own transaction: under the process lock the task is read
    again; a task still in the queue is claimed for the caller (if allowed); a task that someone
    else holds or that is no longer open raises TaskConflict; nothing is written in that case.
    """
    with locked_task(task) as task:
        if node is not None and task.flow_task is not node:
            raise Http404
        flow_task = task.flow_task
        if task.status == STATUS.NEW and task.owner_id is None:
            if not flow_task.can_assign(acting_user, task):
                raise PermissionDenied(TASK_NOT_YOURS)
            activation = flow_task.activation_class(task)
            activation.assign(acting_user)
        elif task.status != STATUS.ASSIGNED or task.owner_id != acting_user.pk:
            raise TaskConflict(TASK_TAKEN)
        if not flow_task.can_execute(acting_user, task):
            raise PermissionDenied(TASK_NOT_YOURS)
        activation = flow_task.activation_class(task)
        activation.start(None)
        yield activation
        activation.execute()


class StepView(generic.FormView):
    """The web page of a human step: the node's registered form, completed by its registered service.

    The same ``taskapi`` registry entry drives ``POST /api/tasks/{id}/complete/``, so the web UI
    and the API run one implementation.
    """

    template_name = "workflows/step.html"

    def get_step(self) -> Any:
        from .taskapi import step_for

        step = step_for(self.request.activation.flow_task)  # type: ignore[attr-defined]
        if step is None:
            raise Http404
        return step

    def get_template_names(self) -> list[str]:
        step = self.get_step()
        return [step.template_name] if step.template_name else [self.template_name]

    def get_form(self, form_class: Any = None) -> Any:
        step = self.get_step()
        activation = self.request.activation  # type: ignore[attr-defined]
        kwargs = self.get_form_kwargs()
        return step.form_class(kwargs.get("data"), kwargs.get("files"), task=activation.task, user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activation = self.request.activation  # type: ignore[attr-defined]
        step = self.get_step()
        context.update(
            {
                "activation": activation,
                "task": activation.task,
                "process": activation.process,
                "step": step,
                "subject": activation.process.get_subject() if hasattr(activation.process, "get_subject") else None,
            }
        )
        if step.context is not None:
            context.update(step.context(task=activation.task, user=self.request.user))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        step = self.get_step()
        activation = self.request.activation  # type: ignore[attr-defined]
        try:
            step.complete(task=activation.task, acting_user=self.request.user, data=form.cleaned_data)
        except TaskConflict as exc:
            messages.error(self.request, exc.message)
            return HttpResponseRedirect(self.request.get_full_path())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Step completed."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        activation = self.request.activation  # type: ignore[attr-defined]
        step = self.get_step()
        if step.success_url is not None:
            return step.success_url(task=activation.task)
        return "/"


class _VisibleTasksMixin:
    """Task lists of a flow app keep only the tasks whose subject the user may see."""

    flow_class: Any
    request: HttpRequest

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        return qs.filter(process_id__in=visible_process_ids(self.request.user, self.flow_class))


class _VisibleProcessesMixin:
    flow_class: Any
    request: HttpRequest

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        qs = qs.filter(pk__in=visible_process_ids(self.request.user, self.flow_class))
        # viewflow annotates a Count: GROUP BY drops Meta.ordering, so pages would be unstable.
        return qs if qs.ordered else qs.order_by("-created", "-pk")


class _VisibleDashboardView(viewflow_views.DashboardView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        visible_ids = visible_process_ids(self.request.user, self.flow_class)
        for column in context["columns"]:
            column["tasks"] = (
                Task.objects.filter(process__flow_class=self.flow_class, flow_task=column["node"])
                .filter(Q(finished__isnull=True) | Q(status=STATUS.ERROR))
                .filter(process_id__in=visible_ids)
                .select_related("process")[: self.MAX_ROWS]
            )
        context["finished"] = Task.objects.filter(
            process__flow_class=self.flow_class,
            finished__isnull=False,
            flow_task__in=context["end_nodes"],
            process_id__in=visible_ids,
        )[: self.MAX_ROWS]
        return context


class JurisdictionFlowAppViewset(FlowAppViewset):
    """viewflow's flow app (inbox, queue, archive, dashboard, lists), scoped to the user's jurisdiction."""

    inbox_view_class = type("InboxView", (_VisibleTasksMixin, viewflow_views.FlowInboxListView), {})
    queue_view_class = type("QueueView", (_VisibleTasksMixin, viewflow_views.FlowQueueListView), {})
    archive_view_class = type("ArchiveView", (_VisibleTasksMixin, viewflow_views.FlowArchiveListView), {})
    task_list_view_class = type("TaskListView", (_VisibleTasksMixin, viewflow_views.DashboardTaskListView), {})
    process_list_view_class = type(
        "ProcessListView", (_VisibleProcessesMixin, viewflow_views.DashboardProcessListView), {}
    )
    dashboard_view_class = _VisibleDashboardView

    def get_context_data(self, request: HttpRequest) -> dict[str, Any]:
        visible_ids = visible_process_ids(request.user, self._flow_class)
        context = super().get_context_data(request)
        return {key: value.filter(process_id__in=visible_ids) for key, value in context.items()}
