from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest

# The API answers 401/403 itself; public pages (document verification, progress lookup,
# citizen reports, public disclosures) need no login by design.
PUBLIC_PREFIXES = ("/api/", "/static/", "/verify/", "/public/", "/i18n/", "/health/")


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Anonymous users are sent to the login page, never shown a bare 403."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
