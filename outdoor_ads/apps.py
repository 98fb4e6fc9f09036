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

        from workflows.documents.corrections import register_quote_finder
        from workflows.events import register_event
        from workflows.tasks import register_sweeper

        from . import actions, corrections, labels, lawactions, services, steps
        from .defaults import ensure_facility_types

        post_migrate.connect(ensure_facility_types, sender=self, dispatch_uid="outdoor_ads.facility_types")

        steps.register()
        labels.register()
        actions.register()
        lawactions.register()
        register_event("application.acceptance.accept", "application.accepted")
        register_event("application.decision.grant", "application.decided")
        register_event("application.decision.refuse", "application.decided")
        register_sweeper(services.supplements_expire_due)
        register_sweeper(services.renewals_deem_granted)
        register_sweeper(services.expiry_reminders_send)
        register_quote_finder("outdoor_ads", corrections.application_quotes)

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.home_sections(user=request.user, role_codes=role_codes)

    def dashboard_panels(self, request: HttpRequest) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.dashboard_panels(user=request.user)

    def seed_demo(self) -> None:
        from .demo import seed

        seed()
