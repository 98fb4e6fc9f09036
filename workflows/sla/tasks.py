"""Background jobs of the time engine (Celery; discovered through the app's ``tasks`` module)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    name="workflows.sla.recompute_clocks",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=8,
)
def recompute_clocks(year: int | None = None, acting_user_id: int | None = None) -> int:
    """After a holiday schedule was saved: every open clock's dates, in batches, once.

    Idempotent (acks_late redelivers it after a lost worker, and two saves may queue two): a
    clock whose dates already match the calendar is left alone, so nothing is audited or sent
    twice. Batches already committed stay committed when a later one fails; the retry goes on.
    """
    from workflows import calendar, clock
    from workflows.models import User

    from .services import clocks_recompute, schedules_mark_recomputed

    # The saving web process forgot its cache; this worker may hold the old year for up to
    # OVERLAY_TTL_SECONDS, so it reloads the administrators' schedules first.
    started_at = clock.now()
    calendar.invalidate()
    acting_user: Any = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    moved = clocks_recompute(year=year, acting_user=acting_user)
    schedules_mark_recomputed(started_at=started_at)
    logger.info("recomputed open clocks after the %s schedule changed: %s moved", year, moved)
    return moved
