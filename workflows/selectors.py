from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .roles import ROLES


def open_tasks_of(*, user: Any) -> Any:
    return Task.objects.filter(owner=user, status=STATUS.ASSIGNED).select_related("process").order_by("created")


def task_home_sections(*, user: Any, role_codes: set[str]) -> list[dict[str, Any]]:
    if not any(ROLES[code].staff for code in role_codes):
        return []
    items = [
        {
            "url": task.reverse("index"),
            "label": f"{task.flow_task.flow_class.process_title} · {task.title}",
            "note": timezone.localtime(task.created).strftime("%Y-%m-%d %H:%M"),
        }
        for task in open_tasks_of(user=user)[:20]
    ]
    return [{"key": "my-tasks", "title": _("My tasks"), "items": items, "empty": _("No open tasks.")}]
