from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import generic

from . import clock
from .home import home_tiles, most_urgent_work
from .models import ServiceHeartbeat
from .roles import roles_of


class HomeView(generic.TemplateView):
    """The workbench: each role sees the sections of its own work."""

    template_name = "workflows/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        roles = roles_of(user)
        codes = {role.code for role in roles}
        sections: list[dict[str, Any]] = []
        for app_config in apps.get_app_configs():
            provider = getattr(app_config, "home_sections", None)
            if provider is not None:
                sections.extend(provider(self.request, codes))
        site = getattr(self.request.resolver_match, "site", None)
        # The tiles link the dashboard already; its section would only repeat the link.
        sections = [section for section in sections if section["key"] != "supervision"]
        context.update(
            {
                "roles": roles,
                "role_codes": codes,
                "sections": sections,
                "tiles": home_tiles(user=user, site=site),
                "worklist": most_urgent_work(user=user),
                "today": clock.today(),
            }
        )
        return context


def health(request: HttpRequest) -> HttpResponse:
    """Liveness for operators: the database answers and the beat sweep last ran at…"""
    beat = ServiceHeartbeat.objects.filter(name="sweep").first()
    return JsonResponse({"database": "ok", "sweep_last_seen": beat.last_seen.isoformat() if beat else None})
