from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class IllegalBuildingConfig(AppConfig):
    name = "illegal_building"
    verbose_name = _("Illegal-construction cases")

    def ready(self) -> None:
        from workflows.documents.corrections import register_quote_finder
        from workflows.events import register_event

        from . import (
            clocks,  # noqa: F401  (declares the case's time limits)
            corrections,
            labels,
        )
        from .steps import register

        register()
        labels.register()
        register_event("case.demolition_decision", "case.decided")
        register_event("case.execute", "case.executed")
        register_quote_finder("illegal_building", corrections.case_quotes)

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.home_sections(user=request.user, role_codes=role_codes)

    def seed_demo(self) -> None:
        from .demo import seed

        seed()
