"""Events out: an outbox a platform polls (GET /api/events/?after=<id>) and signed webhooks.

A process app maps the audit actions that matter outside to event kinds
(``register_event("case.execute", "case.executed")``). ``workflows.audit.record`` calls
``from_audit``, so the event row is written in the same transaction as the act and its audit
row; it exists only if the act committed. Tasks created and escalations are recorded by the
engine itself. Webhooks are delivered after commit by a Celery task that signs the body with
HMAC-SHA256 under the hook's secret and retries with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from typing import Any

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .bulk import insert_rows
from .jurisdiction import jurisdictional_models, visible
from .models import Event, Webhook

SIGNATURE_HEADER = "X-Xiuhua-Signature"
MAX_ATTEMPTS = 6
_KINDS: dict[str, str] = {}


def register_event(audit_action: str, kind: str) -> None:
    _KINDS[audit_action] = kind


def emit(*, kind: str, subject: models.Model, data: dict[str, Any] | None = None) -> Event:
    from .audit import pending_events

    event = Event(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        county_id=getattr(subject, "county_id", None),
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    pending = pending_events()
    if pending is not None:
        pending.append(event)  # written with the step's audit rows (``audit.deferred``)
        return event
    event.save(force_insert=True)
    transaction.on_commit(lambda: _schedule([event.pk]))
    return event


EVENT_COLUMNS = ["kind", "subject_type", "subject_id", "county", "data", "created"]


def write_events(events: list[Event]) -> None:
    """Many events in one INSERT (in order); webhooks are scheduled once, after commit."""
    events_written(events, insert_rows(Event, EVENT_COLUMNS, event_rows(events), returning="id"))


def event_rows(events: list[Event]) -> list[tuple[Any, ...]]:
    return [(e.kind, e.subject_type_id, e.subject_id, e.county_id, e.data, e.created) for e in events]


def events_written(events: list[Event], ids: list[int]) -> None:
    """After the events' INSERT (``ids`` in their order): their ids, and the webhooks after commit."""
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
    transaction.on_commit(lambda: _schedule(ids))


def from_audit(*, action: str, obj: models.Model | None, data: dict[str, Any] | None) -> None:
    kind = _KINDS.get(action)
    if kind is not None and obj is not None:
        emit(kind=kind, subject=obj, data={"action": action, **(data or {})})


def payload(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "subject_type": f"{event.subject_type.app_label}.{event.subject_type.model}",
        "subject_id": event.subject_id,
        "county": event.county.code if event.county_id and event.county else None,
        "data": event.data,
        "created": event.created.isoformat(),
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _schedule(event_ids: list[int]) -> None:
    hooks = list(Webhook.objects.filter(active=True))
    if not hooks:
        return
    kinds = dict(Event.objects.filter(pk__in=event_ids).values_list("pk", "kind"))
    for event_id in event_ids:
        kind = kinds.get(event_id)
        for hook in hooks:
            if kind is not None and hook.wants(kind):
                deliver_event.delay(hook.pk, event_id)


@shared_task(name="workflows.events.deliver", bind=True, max_retries=MAX_ATTEMPTS - 1, ignore_result=True)
def deliver_event(self: Any, webhook_id: int, event_id: int) -> None:
    hook = Webhook.objects.filter(pk=webhook_id, active=True).first()
    event = Event.objects.select_related("subject_type", "county").filter(pk=event_id).first()
    if hook is None or event is None:
        return
    try:
        deliver(hook, event)
    except OSError as exc:
        # Backoff 10 s, 20 s, 40 s, …; the receiver deduplicates by event id.
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


def deliver(hook: Webhook, event: Event, timeout: float = 10) -> int:
    body = json.dumps(payload(event), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (admin-registered http(s) URL)
        hook.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(hook.secret, body),
                 "X-Xiuhua-Event": event.kind, "X-Xiuhua-Event-Id": str(event.pk)},
    )
    if not hook.url.startswith(("http://", "https://")):
        raise OSError("unsupported URL scheme")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        status = int(response.status)
    if status >= 300:
        raise OSError(f"webhook answered {status}")
    return status


def on_task_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A human task was created: in the activation's transaction, like the task row itself."""
    if not created or instance.flow_task_type != "HUMAN":
        return
    process = instance.process.coerced
    subject = process.get_subject() if hasattr(process, "get_subject") else None
    if subject is not None:
        emit(kind="task.created", subject=subject, data={"task": instance.pk, "step": instance.flow_task.name})


def on_escalation_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    subject = instance.clock.subject if created else None
    if subject is not None:
        emit(
            kind="task.escalated",
            subject=subject,
            data={"task": instance.clock.task_id, "role": instance.role, "rule": instance.clock.rule.code},
        )


def connect() -> None:
    from django.db.models.signals import post_save
    from viewflow.workflow.models import Task

    from .sla.models import Escalation

    post_save.connect(on_task_saved, sender=Task, dispatch_uid="xiuhua-events-task")
    post_save.connect(on_escalation_saved, sender=Escalation, dispatch_uid="xiuhua-events-escalation")


def visible_events(user: Any) -> models.QuerySet[Event]:
    """Events about subjects the caller may see: one predicate per subject model, no per-row check."""
    condition = Q(pk__in=[])
    for model in jurisdictional_models():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(subject_type=content_type, subject_id__in=visible(user, model).values("pk"))
    return Event.objects.filter(condition)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField()
    county = serializers.CharField(allow_null=True)
    data = serializers.JSONField(  # type: ignore[assignment]
        help_text="The event's facts, by kind (e.g. the decision and the document number)"
    )
    created = serializers.DateTimeField()


class EventListView(APIView):
    @extend_schema(
        summary="Events after a position, oldest first (poll with the last id you saw)",
        parameters=[
            OpenApiParameter("after", int, description="Return events with a larger id (default 0)"),
            OpenApiParameter("limit", int, description="At most this many (1–500, default 100)"),
        ],
        responses=EventSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            after = max(int(request.query_params.get("after", 0)), 0)
            limit = min(max(int(request.query_params.get("limit", 100)), 1), 500)
        except ValueError:
            return Response({"after": ["integer expected"]}, status=400)
        events = (
            visible_events(request.user)
            .filter(pk__gt=after)
            .select_related("subject_type", "county")
            .order_by("pk")[:limit]
        )
        return Response([payload(e) for e in events])


urlpatterns = [path("events/", EventListView.as_view(), name="api-events")]
