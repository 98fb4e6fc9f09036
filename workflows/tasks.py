"""Celery tasks of the engine. Every task is idempotent: acks_late redelivers on worker loss."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from celery import shared_task
from django.db import transaction
from django.db.models import F
from viewflow.workflow.timers import fire_due_conditions, fire_due_timers

from . import clock
from .models import ServiceHeartbeat, WorkerProbe

logger = logging.getLogger(__name__)

# Sweepers registered by the time engine and the process apps; each must be safe to run
# twice at once and to be interrupted at any point (the next sweep catches up).
SWEEPERS: list[Callable[[], object]] = []


def register_sweeper(func: Callable[[], object]) -> Callable[[], object]:
    if func not in SWEEPERS:
        SWEEPERS.append(func)
    return func


@shared_task(name="workflows.tasks.sweep", ignore_result=True)
def sweep() -> dict[str, object]:
    """The one periodic task: SLA clocks, then viewflow's own timers and conditions."""
    results: dict[str, object] = {}
    for func in SWEEPERS:
        try:
            results[func.__name__] = func()
        except Exception:  # one broken sweeper must not stop the others
            logger.exception("sweeper %s failed", func.__name__)
    results["viewflow_timers"] = fire_due_timers()
    results["viewflow_conditions"] = fire_due_conditions()
    with transaction.atomic():
        updated = ServiceHeartbeat.objects.filter(name="sweep").update(last_seen=clock.now(), count=F("count") + 1)
        if not updated:
            ServiceHeartbeat.objects.get_or_create(name="sweep", defaults={"last_seen": clock.now(), "count": 1})
    return results


@shared_task(name="workflows.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox(ids: list[int]) -> int:
    """Send the e-mail/SMS outbox rows a sweep batch wrote (rows already sent are skipped).

    The sweep hands its outbox to a worker instead of sending inline, so firing thousands of
    clocks is not paced by the mail server; a lost task is covered by the sweep's own retry.
    """
    from .sla.notifications import deliver_pending

    return deliver_pending(ids=ids, limit=len(ids))


@shared_task(name="workflows.tasks.probe", ignore_result=True)
def probe(token: str, hold_seconds: float = 0.0) -> None:
    """Health check: a worker took the task (attempts) and finished it exactly once."""
    row, _ = WorkerProbe.objects.get_or_create(token=token)
    WorkerProbe.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1, started_at=clock.now())
    row.refresh_from_db()
    if row.finished_at is not None:
        return
    time.sleep(hold_seconds)
    WorkerProbe.objects.filter(pk=row.pk, finished_at__isnull=True).update(finished_at=clock.now())


@shared_task(name="workflows.tasks.seal_audit_trail", ignore_result=True)
def seal_audit_trail() -> int:
    """Chain the committed audit rows and checkpoint the head outside the database (see audit.py)."""
    from . import audit

    return audit.seal_pending()
