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
