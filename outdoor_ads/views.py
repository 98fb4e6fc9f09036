from __future__ import annotations

from typing import Any

from django.views import generic

from workflows import audit
from workflows.jurisdiction import get_visible_or_404

from .models import PermitApplication


class ApplicationDetailView(generic.TemplateView):
    template_name = "outdoor_ads/application_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = get_visible_or_404(self.request.user, PermitApplication, pk=kwargs["pk"])
        context.update({"application": application, "history": audit.history(application)})
        return context
