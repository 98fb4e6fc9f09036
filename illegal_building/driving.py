"""Complete a case's step from code (demo data, imports, the task API) exactly as the web form does:
the same form validates, the same service decides, then the flow moves on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.models import User

from .flows import CaseFlow
from .models import Case
from .steps import STEPS


def open_task(case: Case, node: str) -> Task | None:
    return (
        Task.objects.filter(process__caseprocess__case=case, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .order_by("id")
        .filter(flow_task=getattr(CaseFlow, node))
        .first()
    )


def complete_step(*, case: Case, node: str, acting_user: User, data: dict[str, Any],
                  files: dict[str, Any] | None = None) -> Task:
    """Take the open task of ``node`` for ``acting_user`` and complete it; gates raise GateRefused."""
    task = open_task(case, node)
    if task is None:
        raise LookupError(node)
    flow_task = task.flow_task
    allowed = flow_task.can_execute(acting_user, task) if task.owner_id else flow_task.can_assign(acting_user, task)
    if not allowed:
        raise PermissionError(node)
    step = STEPS[node]
    form = step.form_class(data, files, case=case, user=acting_user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    with CaseFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        activation = flow_task.activation_class(task)
        if task.owner_id is None:
            activation.assign(acting_user)
        activation.start(None)
        step.perform(case, acting_user, form)
        activation.execute()
    return task
