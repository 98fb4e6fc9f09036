"""A year without holiday schedule is a clear refusal, never a server error.

Strict calendar callers (a date printed on a notice, a period a party is told) raise
``CalendarDataMissing`` rather than guess. Whatever view that reaches, web page or API, the
user gets the reason (409: the request conflicts with data the system does not have yet),
the service's transaction has rolled back so nothing is half-saved, and the administrators
are told once per year what to enter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from workflows.calendar import CalendarDataMissing

logger = logging.getLogger(__name__)

CALENDAR_MISSING_STATUS = 409
CALENDAR_MISSING_CODE = "calendar_data_missing"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


class CalendarDataMissingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CalendarDataMissing):
            return None
        from .services import missing_years_alert

        logger.warning("refused %s %s: no holiday schedule for %s", request.method, request.path, exception.year)
        try:
            missing_years_alert(years=frozenset({exception.year}))
        except Exception:  # telling the admins must never turn the refusal into a 500
            logger.exception("could not alert administrators about %s", exception.year)
        message = str(exception)
        if _wants_json(request):
            return JsonResponse(
                {"detail": message, "code": CALENDAR_MISSING_CODE, "year": exception.year},
                status=CALENDAR_MISSING_STATUS,
            )
        html = loader.render_to_string("sla/calendar_missing.html", {"message": message}, request)
        return HttpResponse(html, status=CALENDAR_MISSING_STATUS)
