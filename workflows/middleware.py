from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import check_for_language

from .concurrency import CONCURRENT_UPDATE, ConcurrentUpdate, is_transient

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


class ConflictMiddleware:
    """A transaction that collided with another (deadlock, serialization failure) and could not
    be retried is a 409 — the conflict page, or JSON under /api/ — never a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ConcurrentUpdate):
            message = exception.message
        elif isinstance(exception, DatabaseError) and is_transient(exception):
            message = CONCURRENT_UPDATE
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=409)
        return render(request, "workflows/task_conflict.html", {"message": message}, status=409)
