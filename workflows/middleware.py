from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language

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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switcher.

    A browser's Accept-Language is ignored: the bureau's working language is Chinese whatever
    language the workstation's browser happens to be set to.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
