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
        from django.db.models.signals import m2m_changed

        from .models import User
        from .roles import forget_roles

        # A user's groups changed: the roles (and permissions) read for that user object are stale.
        m2m_changed.connect(forget_roles, sender=User.groups.through, dispatch_uid="xiuhua-forget-roles")

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from .selectors import task_home_sections

        return task_home_sections(user=request.user, role_codes=role_codes)
