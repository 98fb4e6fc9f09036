"""Complete a case's step from code (demo data, imports, the task API) exactly as the web form does:
the same form validates, the same service decides, then the flow moves on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.models import User
from workflows.taskapi import step_for

from .flows import CaseFlow
from .models import Case


def open_task(case: Case, node: str) -> Task | None:
    return (
        Task.objects.filter(process__caseprocess__case=case, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .order_by("id")
        .filter(flow_task=getattr(CaseFlow, node))
        .first()
    )


def complete_step(*, case: Case, node: str, acting_user: User, data: dict[str, Any],
                  files: dict[str, Any] | None = None) -> Task:
    """Complete the open task of ``node`` for ``acting_user`` through the shared step registry."""
    task = open_task(case, node)
    if task is None:
        raise LookupError(node)
    step = step_for(task.flow_task)
    assert step is not None  # noqa: S101  (every human node is registered at start-up)
    form = step.form_class(data, files, task=task, user=acting_user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    step.complete(task=task, acting_user=acting_user, data=form.cleaned_data)
    return task
