from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class OutdoorAdsConfig(AppConfig):
    name = "outdoor_ads"
    verbose_name = _("Outdoor-advertising permits")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from licensing.spec import register

        from . import actions, lawactions, steps
        from .defaults import ensure_facility_types
        from .licence import SPEC

        register(SPEC)

        post_migrate.connect(ensure_facility_types, sender=self, dispatch_uid="outdoor_ads.facility_types")

        steps.register()
        actions.register()
        lawactions.register()

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.home_sections(user=request.user, role_codes=role_codes)

    def dashboard_panels(self, request: HttpRequest) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.dashboard_panels(user=request.user)

    def seed_demo(self) -> None:
        from .demo import seed

        seed()
