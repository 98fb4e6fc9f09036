"""Helpers for the ALL tests: a snapshot of everything a refused act must leave untouched."""

from __future__ import annotations

import html
from typing import Any

from django.db.models import Sum
from django.utils import translation

from outdoor_ads.lawmodels import NeighbourHearingRight, ReviewPause
from outdoor_ads.models import Hearing, Opinion, PermitApplication
from outdoor_ads.services import overall_clock
from workflows.documents.models import DocumentCounter, IssuedDocument
from workflows.models import AuditEntry
from workflows.sla.models import ClockPause, Notification


def zh(message: Any, **params: Any) -> str:
    with translation.override("zh-hans"):
        return str(message) % params if params else str(message)


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def written(application: PermitApplication) -> dict[str, Any]:
    """Acts, documents, numbers, audit rows, notifications and the clock: all a service could write."""
    item = overall_clock(application)
    hearing = Hearing.objects.filter(application=application).first()
    return {
        "audit": AuditEntry.objects.count(),
        "documents": IssuedDocument.objects.count(),
        "numbers": DocumentCounter.objects.aggregate(n=Sum("last_sequence"))["n"],
        "notifications": Notification.objects.count(),
        "pauses": list(ReviewPause.objects.values_list("pk", "ended_at", "outcome")),
        "clock_pauses": list(ClockPause.objects.values_list("pk", "ended_at")),
        "clock": item and (item.due_date, item.statutory_due_date, item.paused_on, item.paused_working_days),
        "rights": list(NeighbourHearingRight.objects.values_list("pk", "requested_on", "waived_on")),
        "hearing": hearing and (hearing.scheduled_for, hearing.place, hearing.notice_sent_on),
        "opinions": Opinion.objects.count(),
        "status": PermitApplication.objects.get(pk=application.pk).status,
    }


def to_neighbour_hearing(client_as: Any, *, requested: bool = False) -> PermitApplication:
    """Apply and accept on Tue 3 Nov 2026, review with two neighbours; the countersign on Thu 5 Nov
    opens the hearing: the applicant and each neighbour are told, and may ask until Thu 12 Nov."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from outdoor_ads.flows import PermitFlow
    from workflows import clock

    from .support import latest_application, web_act, web_apply
    from .test_neighbours import NEIGHBOURS

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"), **({"hearing_requested": "on"} if requested else {}))
    application = latest_application()
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    review = {
        "decision": "recommend_grant",
        "comment": "同意",
        "neighbours_affected": "on",
        "neighbours": NEIGHBOURS,
        "hearing_flag": "on",
    }
    assert web_act(client_as("reviewer"), application, PermitFlow.review, review).status_code == 302
    clock.set_now(at(dt.date(2026, 11, 5)))
    assert (
        web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"}).status_code == 302
    )
    application.refresh_from_db()
    return application
