"""The audit trail: one function that services call inside their own transaction.

Rows are append-only (PostgreSQL refuses UPDATE/DELETE through a trigger) and every row
carries the SHA-256 of the row before it, so any edit made behind the database's back
breaks the chain, which ``manage.py verify_audit_chain`` detects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from . import clock
from .bulk import insert_rows
from .models import AuditChainHead, AuditEntry, County, User

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def _entry_digest(
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    county_id: int | None,
    reason: str,
    data: Any,
) -> str:
    payload = {
        "prev": prev_hash,
        # Always hashed in UTC with microseconds, the form the database gives back.
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "county": county_id,
        "reason": reason,
        "data": data,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    county: County | None = None,
) -> AuditEntry:
    """Append one row: who did ``action`` to ``obj``, when, why, with which data."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        if county is None and obj is not None:
            county = getattr(obj, "county", None)
        at = clock.now().astimezone(dt.UTC)
        fields: dict[str, Any] = {
            "at": at,
            "actor_name": actor.display_name if actor else "system",
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "object_repr": str(obj)[:200] if obj is not None else "",
            "reason": reason,
            "data": _canonical(data or {}),
        }
        digest = _entry_digest(
            prev_hash=head.last_hash,
            actor_id=actor.pk if actor else None,
            county_id=county.pk if county else None,
            **fields,
        )
        entry = AuditEntry.objects.create(
            actor=actor, county=county, prev_hash=head.last_hash, hash=digest, **fields
        )
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=digest, count=models.F("count") + 1)
        return entry


@dataclass(frozen=True)
class Event:
    """One row for ``record_many``: the same arguments as ``record``."""

    actor: User | None
    action: str
    obj: models.Model | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    county: County | None = None


def record_many(events: Sequence[Event]) -> int:
    """Append one row per event in three queries whatever their number (the SLA sweep's batches).

    The rows are chained exactly as ``record`` chains them, in the order given.
    """
    if not events:
        return 0
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        at = clock.now().astimezone(dt.UTC)
        prev = head.last_hash
        rows = []
        for event in events:
            obj, actor = event.obj, event.actor
            county = event.county if event.county is not None else getattr(obj, "county", None)
            fields: dict[str, Any] = {
                "at": at,
                "actor_name": actor.display_name if actor else "system",
                "action": event.action,
                "object_type": obj._meta.label_lower if obj is not None else "",
                "object_id": str(obj.pk) if obj is not None else "",
                "object_repr": str(obj)[:200] if obj is not None else "",
                "reason": event.reason,
                "data": _canonical(event.data),
            }
            actor_id, county_id = (actor.pk if actor else None), (county.pk if county else None)
            digest = _entry_digest(prev_hash=prev, actor_id=actor_id, county_id=county_id, **fields)
            rows.append((*fields.values(), actor_id, county_id, prev, digest))
            prev = digest
        columns = ["at", "actor_name", "action", "object_type", "object_id", "object_repr", "reason", "data"]
        insert_rows(AuditEntry, [*columns, "actor", "county", "prev_hash", "hash"], rows)
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=prev, count=models.F("count") + len(rows))
        return len(rows)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first row that does not match."""
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.pk, "previous hash does not match the row before")
        digest = _entry_digest(
            prev_hash=entry.prev_hash,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            county_id=entry.county_id,
            reason=entry.reason,
            data=entry.data,
        )
        if digest != entry.hash:
            return ChainReport(checked, entry.pk, "row content does not match its hash")
        expected_prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return ChainReport(checked, 0, "chain head does not match the last row")
    return ChainReport(checked, None, "")


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
