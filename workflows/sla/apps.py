from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "workflows.sla"
    label = "sla"
    verbose_name = _("Time limits and supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows import calendar
        from workflows.tasks import register_sweeper

        from . import examples, firing, rollup  # noqa: F401  (register the sweepers and the drill's rules)
        from .flow import on_task_saved
        from .rules import sync_rules
        from .selectors import calendar_overlay
        from .services import recompute_if_pending

        calendar.set_overlay_loader(calendar_overlay)
        # A schedule saved while the broker was down still gets its recompute job.
        register_sweeper(recompute_if_pending)
        # viewflow has no signal for task creation or cancellation; a saved task is the one
        # moment every node type passes through, so step clocks follow the task row
        # (any task class: process apps may use proxies).
        post_save.connect(on_task_saved, dispatch_uid="sla-step-clocks")
        post_migrate.connect(lambda **kwargs: sync_rules(), sender=self, weak=False, dispatch_uid="sla-sync-rules")

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from .selectors import sla_home_sections

        return sla_home_sections(user=request.user, role_codes=role_codes)
