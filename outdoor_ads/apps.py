from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class OutdoorAdsConfig(AppConfig):
    name = "outdoor_ads"
    verbose_name = _("Outdoor-advertising permits")

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from . import selectors

        return selectors.home_sections(user=request.user, role_codes=role_codes)

    def seed_demo(self) -> None:
        from .demo import seed

        seed()
