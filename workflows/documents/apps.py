from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "workflows.documents"
    label = "documents"
    verbose_name = _("Official documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows.tasks import register_sweeper

        from . import checks  # noqa: F401  (registers the public base URL check)
        from .tasks import queue_overdue_renders

        register_sweeper(queue_overdue_renders)
