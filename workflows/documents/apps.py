from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "workflows.documents"
    label = "documents"
    verbose_name = _("Official documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows.sla.signals import deadline_moved
        from workflows.tasks import register_sweeper

        from . import checks  # noqa: F401  (registers the public base URL check)
        from .corrections import correct_quoted_deadlines
        from .tasks import queue_overdue_renders

        register_sweeper(queue_overdue_renders)
        # Served documents that stated a moved date get their correction notice (corrections.py).
        deadline_moved.connect(correct_quoted_deadlines, dispatch_uid="documents.correct_quoted_deadlines")
