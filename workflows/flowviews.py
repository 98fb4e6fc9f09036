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
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from . import audit, requestcache
from .concurrency import retry_once
from .jurisdiction import is_visible, remember_visible, visibility_q
from .requestcache import memo
from .worklist import WorkListColumns, decorate, light_counts, open_task_candidates

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


def _subject_of(process_class: Any) -> tuple[str, Any] | None:
    """(field name, model) of the process class's subject, or None for a process without one."""
    field_name = getattr(process_class, "subject_field", "")
    if not field_name:
        return None
    return field_name, process_class._meta.get_field(field_name).related_model


def subject_visible(user: Any, process: Any) -> bool:
    """May ``user`` see what this process is about (county staff, city-wide staff, the owner)?

    One primary-key lookup with the visibility predicate; the subject row itself is not loaded.
    """
    found = _subject_of(type(process))
    if found is None:
        return True
    field_name, subject_model = found
    return is_visible(user, subject_model, getattr(process, f"{field_name}_id"))


def note_subject_visible(user: Any, process: Any) -> None:
    """``process`` was read through its subject's visibility predicate: later checks need no query."""
    found = _subject_of(type(process))
    if found is not None:
        field_name, subject_model = found
        remember_visible(user, subject_model, getattr(process, f"{field_name}_id"))


def process_visibility_q(user: Any, process_class: Any, prefix: str = "") -> Q | None:
    """The visibility predicate of ``process_class``'s subject, seen from ``prefix``; None = all."""
    found = _subject_of(process_class)
    if found is None:
        return None
    field_name, subject_model = found
    return visibility_q(user, subject_model, prefix=f"{prefix}{field_name}__")


def task_process_link(flow_class: Any) -> str:
    """Lookup path from a viewflow ``Task`` to the flow's concrete process (its subclass row)."""
    process_class = flow_class.process_class
    link = process_class._meta.get_ancestor_link(Process)
    return f"process__{link.remote_field.get_accessor_name()}__" if link is not None else "process__"


def task_related(flow_class: Any, *, subject: bool = True) -> list[str]:
    """``select_related`` paths from a Task to its process, the flow's process row and its subject.

    ``process.coerced`` and ``process.get_subject()`` are read by the permission checks, the
    step's form, the services and the signal handlers; loaded with the task they cost no query.
    """
    link = task_process_link(flow_class)[:-2]
    related = ["process"] if link == "process" else ["process", link]
    found = _subject_of(flow_class.process_class)
    if found is not None and subject:
        related.append(f"{link}__{found[0]}")
    return related


def tasks_visibility_q(user: Any, flow_classes: Any) -> Q:
    """Tasks of any of ``flow_classes`` whose subject ``user`` may see, as one predicate."""
    scope = Q(pk__in=[])
    for flow_class in flow_classes:
        flow_scope = Q(process__flow_class=flow_class)
        q = process_visibility_q(user, flow_class.process_class, prefix=task_process_link(flow_class))
        scope |= flow_scope if q is None else flow_scope & q
    return scope


def visible_tasks(user: Any, flow_class: Any, qs: models.QuerySet[Any] | None = None) -> models.QuerySet[Any]:
    """Tasks of ``flow_class`` whose subject ``user`` may see: one joined, indexed filter.

    The process row and its subclass row come with each task (``Task.brief`` and the lists read
    them), so a page of tasks costs the same number of queries whatever its length.
    """
    qs = Task.objects.all() if qs is None else qs
    link = task_process_link(flow_class)
    qs = qs.filter(process__flow_class=flow_class).select_related("process", link[:-2])
    q = process_visibility_q(user, flow_class.process_class, prefix=link)
    return qs if q is None else qs.filter(q)


def queue_tasks(user: Any, flow_class: Any) -> models.QuerySet[Any]:
    """The flow's queue for ``user``: open unassigned human tasks they may claim, by predicate.

    viewflow's ``user_queue`` also reads every guardian row of the user and their groups (one query
    per row) for per-object task permissions; no node of ours uses those, so the queue is the
    node permission (model-level, cached on the user) and the subject's visibility predicate.
    """
    qs = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW)
    if not user.is_superuser:
        qs = qs.filter(
            Q(owner_permission__isnull=True)
            | Q(owner=user)
            | Q(owner_permission__in=user.get_all_permissions())
        )
    candidates = open_task_candidates(user, [flow_class])  # where to look; the predicate decides
    return visible_tasks(user, flow_class, qs if candidates is None else qs.filter(candidates))


def inbox_tasks(user: Any, flow_class: Any) -> models.QuerySet[Any]:
    return visible_tasks(user, flow_class, Task.objects.filter(owner=user, status=STATUS.ASSIGNED))


def archive_tasks(user: Any, flow_class: Any) -> models.QuerySet[Any]:
    qs = Task.objects.filter(flow_task_type="HUMAN", owner=user, finished__isnull=False)
    return visible_tasks(user, flow_class, qs)


def visible_process_ids(user: Any, flow_class: Any) -> models.QuerySet[Any]:
    """Primary keys of the processes of ``flow_class`` whose subject ``user`` may see."""
    process_class = flow_class.process_class
    qs = process_class._default_manager.all()
    q = process_visibility_q(user, process_class)
    return (qs if q is None else qs.filter(q)).values("pk")


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
    """Raise Http404 unless process, task and node match and the user may see the subject.

    One query: the task (or, for a process page, the process) filtered by the URL's ids, the
    flow and the subject's visibility predicate; the answer is kept for the view's own checks.
    """
    authenticated = getattr(user, "is_authenticated", False)
    process_class = flow_class.process_class
    found = _subject_of(process_class)
    if task_pk is not None:
        link = task_process_link(flow_class)
        tasks = Task.objects.filter(pk=task_pk, process_id=process_pk, process__flow_class=flow_class)
        q = process_visibility_q(user, process_class, prefix=link) if authenticated else None
        subject_id = f"{link}{found[0]}_id" if found is not None else "process_id"
        row = (tasks if q is None else tasks.filter(q)).values_list("flow_task", subject_id).first()
        if row is None:
            raise Http404
        if node is not None and row[0] is not node:
            raise Http404
        if authenticated and found is not None:
            remember_visible(user, found[1], row[1])
        return
    processes = process_class._default_manager.filter(pk=process_pk, flow_class=flow_class)
    q = process_visibility_q(user, process_class) if authenticated else None
    process = (processes if q is None else processes.filter(q)).first()
    if process is None:
        raise Http404
    if authenticated:
        note_subject_visible(user, process)


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
        # Asked by the API's check, can_assign and can_execute in one request: answered once.
        return memo(("flowviews.allowed_for", user.pk, task.pk), lambda: self._allowed_for(user, task))

    def _allowed_for(self, user: Any, task: Any) -> bool:
        process = task.process.coerced if hasattr(task.process, "coerced") else task.process
        if not subject_visible(user, process):
            return False
        return not (self._restrict is not None and not self._restrict(user, task))

    def can_assign(self, user: Any, task: Any) -> bool:
        return super().can_assign(user, task) and self.allowed_for(user, task)

    def can_execute(self, user: Any, task: Any) -> bool:
        return super().can_execute(user, task) and self.allowed_for(user, task)


@contextmanager
def locked_task(task_or_pk: Any, *, savepoint: bool = True, subject: bool = True) -> Iterator[Any]:
    """Lock the task's process row, re-read the task (with its process rows) and yield it.

    One ``SELECT … FOR NO KEY UPDATE OF`` the process's own row (the row viewflow's
    ``select_for_update_lock`` locks), viewflow's process row and the task, read in that same
    statement; waiting rather than NOWAIT: viewflow's lock retries a
    failed NOWAIT by catching the error inside the block, which aborts any surrounding
    transaction, and taking it again once the row is ours would only cost two savepoints and a
    query. The loser of a race waits here, then reads the winner's result and gets a TaskConflict.
    ``savepoint=False`` (a step, inside its service's own transaction): no savepoint, every error
    raised here ends the step; claiming and releasing keep theirs (their callers catch conflicts).
    ``subject=False``: the subject is not read with the task (its caller locks and reads it next).
    """
    task_pk = getattr(task_or_pk, "pk", task_or_pk)
    if isinstance(task_or_pk, Task) and task_or_pk.process_id is not None:
        flow_class, process_pk = task_or_pk.flow_task.flow_class, task_or_pk.process_id
    else:
        found = Task.objects.filter(pk=task_pk).only("flow_task", "process_id").first()
        if found is None:
            raise Http404
        flow_class, process_pk = found.flow_task.flow_class, found.process_id
    link = task_process_link(flow_class)[:-2]
    related = task_related(flow_class, subject=subject)
    tasks = Task.objects.select_related(*related).filter(pk=task_pk, process_id=process_pk)
    if link != "process":
        tasks = tasks.filter(**{f"{link}__isnull": False})  # an inner join: its row can be locked
    # Locked in this order: the flow's process row, viewflow's process row, the task. Every row the
    # step may write back is locked, so a loser that waited reads the winner's committed versions
    # (READ COMMITTED re-reads a locked row that changed; rows merely joined would keep the
    # statement's snapshot). NO KEY: inserts that only reference these rows are not blocked.
    locked = (link, "process", "self") if link != "process" else ("process", "self")
    with transaction.atomic(savepoint=savepoint):
        task = tasks.select_for_update(of=locked, no_key=True).first()
        if task is None:
            raise Http404
        yield task


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
def task_execution(*, task: Any, acting_user: Any, node: Any = None, subject: bool = True) -> Iterator[Any]:
    """Run one step of a flow for ``acting_user``; yields the activation, executes it on success.

    Services call this inside their own transaction (``@transaction.atomic``: that block is the
    step's boundary; nothing in here makes a savepoint): under the process lock the task is read
    again; a task still in the queue is claimed for the caller (if allowed); a task that someone
    else holds or that is no longer open raises TaskConflict; nothing is written in that case.
    ``subject=False``: the service locks and reads the subject itself first thing
    (``licensing.services.common.lock_subject``), so it is not read with the task as well.
    """
    # The step's audit rows and events go in one INSERT each at its end; reference rows are read once.
    with requestcache.scope(), locked_task(task, savepoint=False, subject=subject) as task, audit.deferred():
        if node is not None and task.flow_task is not node:
            raise Http404
        flow_task = task.flow_task
        if task.status == STATUS.NEW and task.owner_id is None:
            if not flow_task.can_assign(acting_user, task):
                raise PermissionDenied(TASK_NOT_YOURS)
            # Claimed and completed in one go: the claim (viewflow's ``assign``: owner, status) is
            # made on the object and saved once with the completion below, not saved twice.
            task.owner = acting_user
            task.status = STATUS.ASSIGNED
        elif task.status != STATUS.ASSIGNED or task.owner_id != acting_user.pk:
            raise TaskConflict(TASK_TAKEN)
        if not flow_task.can_execute(acting_user, task):
            raise PermissionDenied(TASK_NOT_YOURS)
        activation = flow_task.activation_class(task)
        activation.start(None)
        yield activation
        activation.execute()
        # The task's state as this step left it: the API answers with it instead of reading it again.
        requestcache.remember(("flowviews.finished", task.pk), task.status)


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


class _ScopedTaskList(WorkListColumns):
    """A flow app's task list: one predicate-scoped query (``visible_tasks``), work-list columns."""

    flow_class: Any
    request: HttpRequest
    tasks: Callable[[Any, Any], models.QuerySet[Any]]

    @property
    def queryset(self) -> models.QuerySet[Any]:
        return decorate(type(self).tasks(self.request.user, self.flow_class), self.flow_class)


class InboxView(_ScopedTaskList, viewflow_views.FlowInboxListView):
    tasks = staticmethod(inbox_tasks)


class QueueView(_ScopedTaskList, viewflow_views.FlowQueueListView):
    tasks = staticmethod(queue_tasks)


class ArchiveView(_ScopedTaskList, viewflow_views.FlowArchiveListView):
    tasks = staticmethod(archive_tasks)


class _VisibleTasksMixin:
    """The dashboard's task list keeps only the tasks whose subject the user may see."""

    flow_class: Any
    request: HttpRequest

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        return visible_tasks(self.request.user, self.flow_class, qs)


class _VisibleProcessesMixin:
    flow_class: Any
    request: HttpRequest

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        q = process_visibility_q(self.request.user, self.flow_class.process_class)
        if q is not None:
            qs = qs.filter(q)
        # viewflow annotates a Count: GROUP BY drops Meta.ordering, so pages would be unstable.
        return qs if qs.ordered else qs.order_by("-created", "-pk")


class _VisibleDashboardView(viewflow_views.DashboardView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for column in context["columns"]:
            column["tasks"] = (
                visible_tasks(user, self.flow_class)
                .filter(flow_task=column["node"])
                .filter(Q(finished__isnull=True) | Q(status=STATUS.ERROR))[: self.MAX_ROWS]
            )
        context["finished"] = visible_tasks(user, self.flow_class).filter(
            finished__isnull=False, flow_task__in=context["end_nodes"]
        )[: self.MAX_ROWS]
        return context


class JurisdictionFlowAppViewset(FlowAppViewset):
    """viewflow's flow app (inbox, queue, archive, dashboard, lists), scoped to the user's jurisdiction."""

    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = type("TaskListView", (_VisibleTasksMixin, viewflow_views.DashboardTaskListView), {})
    process_list_view_class = type(
        "ProcessListView", (_VisibleProcessesMixin, viewflow_views.DashboardProcessListView), {}
    )
    dashboard_view_class = _VisibleDashboardView

    def get_context_data(self, request: HttpRequest) -> dict[str, Any]:
        """The menu's counts: inbox and queue in all and per light, one aggregate query each.

        Called by the template only when the menu is drawn, by the same predicate as the lists.
        """
        user = request.user
        # The viewset's own permission (an app may widen the flow's, e.g. every enforcement role).
        if not self.has_view_permission(user):
            return {"user_inbox": Task.objects.none(), "user_queue": Task.objects.none()}
        inbox = inbox_tasks(user, self._flow_class)
        queue = queue_tasks(user, self._flow_class)
        return {
            "user_inbox": inbox,
            "user_queue": queue,
            "inbox_lights": lambda: light_counts(inbox),
            "queue_lights": lambda: light_counts(queue),
        }
