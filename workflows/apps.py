from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflow engine")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from . import (
            checks,  # noqa: F401  (registers system checks)
            events,
        )
        from .security import audit_lockout

        user_locked_out.connect(audit_lockout, dispatch_uid="xiuhua-audit-lockout")
        from .viewflow_strings import label_viewflow_columns

        label_viewflow_columns()
        events.connect()

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from .selectors import task_home_sections

        return task_home_sections(user=request.user, role_codes=role_codes)
