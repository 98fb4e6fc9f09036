"""Celery tasks of the documents app. Both are idempotent: acks_late redelivers on worker loss."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from workflows import clock

logger = logging.getLogger("xiuhua.documents")

# A document still without its PDF this long after issue lost its task (broker down at commit,
# a worker killed past its retries): the sweep queues it again.
RENDER_OVERDUE = dt.timedelta(minutes=2)
RENDER_SWEEP_BATCH = 500


@shared_task(
    name="workflows.documents.render",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    max_retries=6,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
)
def render_document_task(document_id: int) -> None:
    """Render one issued document's PDF; rendering one that already has its PDF is a no-op."""
    from .services import document_render

    document_render(document_id=document_id)


def queue_overdue_renders() -> int:
    """Sweeper: queue again every document whose PDF is overdue (bounded per run)."""
    from .models import IssuedDocument

    overdue = (
        IssuedDocument.objects.filter(rendered_at__isnull=True, issued_at__lt=clock.now() - RENDER_OVERDUE)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:RENDER_SWEEP_BATCH]
    )
    ids = list(overdue)
    for document_id in ids:
        render_document_task.delay(document_id)
    if ids:
        logger.warning("queued %d overdue document render(s) again", len(ids))
    return len(ids)
