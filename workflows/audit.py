"""The audit trail: one function that services call inside their own transaction, and its seal.

Writing a row takes no lock, so writers never wait for each other (no row everyone locks):

1. ``record`` inserts the row with ``mac`` = HMAC-SHA256 of its content under
   ``XIUHUA_AUDIT_KEY``, a key kept outside the database. A database trigger queues the new row
   in ``AuditPending`` (the outbox). Nothing else is read or locked.
2. ``seal_pending`` (the periodic Celery task ``workflows.tasks.seal_audit_trail``, and
   ``manage.py verify_audit_chain`` before it verifies) chains the committed rows in the order
   it finds them (entry id order within a batch): seal ``n`` = HMAC(key, n, entry id, entry
   MAC, seal ``n-1``). Only the sealer takes a lock, a transaction-scoped advisory lock that
   no writer ever asks for.
3. After each batch the sealer appends a signed checkpoint (position, hash, HMAC) to a file
   under ``XIUHUA_AUDIT_ANCHOR_DIR``, outside the database. ``verify_chain`` recomputes every
   MAC and seal and compares the chain with every checkpoint: deleting the newest rows and
   their seals (rewinding the head) leaves a checkpoint pointing past the end, and is reported.

Rows are append-only (PostgreSQL triggers refuse UPDATE/DELETE on the entries and the seals) and
the application's database role may only INSERT and SELECT them (``manage.py audit_db_roles``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from . import clock
from .bulk import insert_rows, insert_rows_together
from .models import AuditEntry, AuditPending, AuditSeal, County, User

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
# Any constant works; it only has to be the same for every sealer of this database.
SEAL_LOCK_ID = 0x58_49_55_41_55_44  # "XIUAUD"
SEAL_BATCH = 2000
ANCHOR_PREFIX = "anchors-"

MISSING_KEY = "XIUHUA_AUDIT_KEY is not set: the audit trail cannot be written or verified without its key."
BROKEN_CONTENT = "row content does not match its MAC"
BROKEN_SEAL = "seal does not match the chain"
BROKEN_LINK = "seal does not follow the one before"
BROKEN_GAP = "chain position %(seq)s is missing (a row or its seal was deleted)"
BROKEN_UNSEALED = "row is neither sealed nor queued for sealing"
BROKEN_ANCHOR_MAC = "checkpoint %(file)s line %(line)s is not signed with this key"
BROKEN_ANCHOR_HASH = "chain position %(seq)s differs from the checkpoint written at %(at)s"
BROKEN_TRUNCATED = "chain truncated: checkpoint of %(at)s has %(seq)s rows, the database %(count)s"


def _key() -> bytes:
    key = getattr(settings, "XIUHUA_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured(MISSING_KEY)
    return str(key).encode()


def _mac(payload: dict[str, Any]) -> str:
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(_key(), blob.encode(), hashlib.sha256).hexdigest()


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def _utc(at: dt.datetime) -> str:
    # Always in UTC with microseconds, the form the database gives back.
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_mac(entry: AuditEntry) -> str:
    """The keyed MAC of one row's content (everything but its id and the MAC itself)."""
    return _mac(
        {
            "v": 2,
            "at": _utc(entry.at),
            "actor": entry.actor_id,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "county": entry.county_id,
            "reason": entry.reason,
            "data": entry.data,
        }
    )


def seal_hash(*, seq: int, entry_id: int, mac: str, prev_hash: str) -> str:
    return _mac({"seq": seq, "entry": entry_id, "mac": mac, "prev": prev_hash})


@dataclass(frozen=True)
class ObjectRef:
    """What a row is about, when the caller has its type, id and label but not the object."""

    object_type: str  # app_label.model
    object_id: str
    object_repr: str


def prepare(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    county: County | int | None = None,
    at: dt.datetime | None = None,
    ref: ObjectRef | None = None,
) -> AuditEntry:
    """An unsaved row with its MAC: ``record`` saves one; bulk loaders may ``bulk_create`` many.

    ``county`` may be given as its id (no row read for it).
    """
    if county is None and obj is not None:
        # The foreign key's id when the object has one: no read of the county row.
        county = getattr(obj, "county_id", None) if hasattr(obj, "county_id") else getattr(obj, "county", None)
    if ref is None and obj is not None:
        ref = ObjectRef(obj._meta.label_lower, str(obj.pk), str(obj)[:200])
    entry = AuditEntry(
        at=(at or clock.now()).astimezone(dt.UTC),
        actor=actor,
        actor_name=actor.display_name if actor else "system",
        action=action,
        object_type=ref.object_type if ref is not None else "",
        object_id=ref.object_id if ref is not None else "",
        object_repr=ref.object_repr[:200] if ref is not None else "",
        reason=reason,
        data=_canonical(data or {}),
    )
    if isinstance(county, int):
        entry.county_id = county
    else:
        entry.county = county
    entry.mac = entry_mac(entry)
    return entry


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    county: County | int | None = None,
    ref: ObjectRef | None = None,
) -> AuditEntry:
    """Append one row: who did ``action`` to ``obj`` (or to ``ref``), when, why, with which data.

    One INSERT and no lock: the row commits or rolls back with the caller's transaction, and
    the sealing task chains it once committed.
    """
    from .events import from_audit

    entry = prepare(actor=actor, action=action, obj=obj, reason=reason, data=data, county=county, ref=ref)
    pending = _pending_rows()
    if pending is not None:
        pending.append(entry)  # written with the step's other rows by ``deferred``
    else:
        entry.save(force_insert=True)
    # The outbox event (if this action is one platforms follow) commits with the act.
    from_audit(action=action, obj=obj, data=data)
    return entry


# --- one INSERT per step -------------------------------------------------------------------

_local = threading.local()
ENTRY_COLUMNS = ["at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr", "county", "reason",
                 "data", "mac"]


def _pending_rows() -> list[AuditEntry] | None:
    return getattr(_local, "entries", None)


def in_step() -> bool:
    """Inside a step's ``deferred`` scope (``flowviews.task_execution``)?"""
    return _pending_rows() is not None


def pending_events() -> list[Any] | None:
    """The outbox events of the current ``deferred`` scope (``workflows.events.emit`` adds to it)."""
    return getattr(_local, "events", None)


def defer_row(model: type[models.Model], fields: tuple[str, ...], row: tuple[Any, ...]) -> bool:
    """Inside a step's ``deferred`` scope: queue one row of ``model`` to be written with the
    step's audit rows, in the same statement (True). Outside a scope nothing is queued (False):
    the caller saves the row itself. Only for rows nothing reads back inside the step."""
    rows = getattr(_local, "rows", None)
    if rows is None:
        return False
    rows.setdefault((model, fields), []).append(row)
    return True


def _entry_row(e: AuditEntry) -> tuple[Any, ...]:
    return (e.at, e.actor_id, e.actor_name, e.action, e.object_type, e.object_id, e.object_repr, e.county_id, e.reason,
            e.data, e.mac)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside one step's transaction: its audit rows, outbox events and deferred rows in one statement.

    A step writes three to six audit rows (the act, its clocks, its documents) and one or two
    events; each used to be its own INSERT. Here they are kept in order, with the MAC and the
    time each had when recorded, and written together when the block ends without an error,
    still inside the caller's transaction — so they commit or roll back with the act exactly as
    before. Nested scopes write with the outermost one. Nothing reads these rows back inside a step.
    """
    if _pending_rows() is not None:
        yield
        return
    _local.entries, _local.events, _local.rows = [], [], {}
    try:
        yield
        entries, events, rows = _local.entries, _local.events, _local.rows
        _local.entries = _local.events = _local.rows = None
        from .events import EVENT_COLUMNS, Event, event_rows, events_written

        # The audit rows, the events and the rows deferred with them (``defer_row``): one
        # INSERT per table, all in one statement.
        entry_ids, event_ids, *_others = insert_rows_together(
            [
                (AuditEntry, ENTRY_COLUMNS, [_entry_row(e) for e in entries]),
                (Event, EVENT_COLUMNS, event_rows(events)),
                *[(model, fields, table_rows) for (model, fields), table_rows in rows.items()],
            ]
        )
        for entry, pk in zip(entries, entry_ids, strict=True):
            entry.pk = pk
        if events:
            events_written(events, event_ids)
    finally:
        _local.entries = _local.events = _local.rows = None


# --- sealing ---------------------------------------------------------------------------------


def _take_seal_lock() -> bool:
    """Only one sealer at a time; writers never ask for this lock. False: another sealer runs."""
    if connection.vendor != "postgresql":
        return True  # SQLite (make run) serialises writers by itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
        return bool(cursor.fetchone()[0])


def _head() -> tuple[int, str]:
    head = AuditSeal.objects.order_by("-seq").values_list("seq", "hash").first()
    return head if head is not None else (0, GENESIS_HASH)


def _pending_ids() -> models.QuerySet[Any, int]:
    if connection.vendor == "postgresql":
        # The outbox a trigger fills: an index scan, however long the trail.
        return AuditPending.objects.order_by("entry_id").values_list("entry_id", flat=True)
    # SQLite (make run): no trigger (table rebuilds would drop it); a small trail, an anti-join.
    return AuditEntry.objects.filter(seal__isnull=True).order_by("pk").values_list("pk", flat=True)


def seal_pending(*, batch_size: int = SEAL_BATCH, anchor: bool = True) -> int:
    """Chain every committed, unsealed row; then write a checkpoint. Returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            if not _take_seal_lock():
                break
            seq, prev = _head()
            ids = list(_pending_ids()[:batch_size])
            if not ids:
                break
            now = clock.now()
            seals = []
            for entry_id, mac in AuditEntry.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "mac"):
                seq += 1
                digest = seal_hash(seq=seq, entry_id=entry_id, mac=mac, prev_hash=prev)
                seals.append(AuditSeal(seq=seq, entry_id=entry_id, prev_hash=prev, hash=digest, sealed_at=now))
                prev = digest
            AuditSeal.objects.bulk_create(seals)
            AuditPending.objects.filter(entry_id__in=ids).delete()
            sealed += len(seals)
        if len(ids) < batch_size:
            break
    if anchor:
        write_anchor()
    return sealed


# --- checkpoints outside the database --------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    entry_id: int
    at: str
    file: str
    line: int
    signed: bool


def anchor_dir() -> Path:
    return Path(settings.XIUHUA_AUDIT_ANCHOR_DIR)


def _anchor_payload(seq: int, hash_: str, entry_id: int, at: str) -> dict[str, Any]:
    return {"seq": seq, "hash": hash_, "entry": entry_id, "at": at}


def _anchor_files() -> list[Path]:
    directory = anchor_dir()
    if not directory.is_dir():
        return []
    # One file per UTC day: names sort in time order.
    return sorted(directory.glob(f"{ANCHOR_PREFIX}*.jsonl"))


def read_anchors(path: Path) -> Iterator[Anchor]:
    """The checkpoints of one file in written order; a line not signed with our key says so."""
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                payload = _anchor_payload(int(line["seq"]), str(line["hash"]), int(line["entry"]), str(line["at"]))
                signed = hmac.compare_digest(_mac(payload), str(line["mac"]))
            except (ValueError, KeyError, TypeError):
                payload, signed = _anchor_payload(0, "", 0, ""), False
            yield Anchor(
                seq=payload["seq"],
                hash=payload["hash"],
                entry_id=payload["entry"],
                at=payload["at"],
                file=path.name,
                line=number,
                signed=signed,
            )


def _newest_of(path: Path) -> Anchor | None:
    newest = None
    for anchor in read_anchors(path):
        if anchor.signed and (newest is None or anchor.seq >= newest.seq):
            newest = anchor
    return newest


def latest_anchor() -> Anchor | None:
    """The newest checkpoint, read from the newest file that has one (not the whole history)."""
    for path in reversed(_anchor_files()):
        newest = _newest_of(path)
        if newest is not None:
            return newest
    return None


def write_anchor() -> Anchor | None:
    """Append a signed checkpoint of the chain's head, unless it is already the latest one.

    Refuses (and logs) when the database no longer holds the latest checkpoint's position: a
    truncated chain must stay visible to ``verify_chain`` instead of being anchored afresh.
    """
    seq, hash_ = _head()
    if seq == 0:
        return None
    latest = latest_anchor()
    if latest is not None:
        if latest.seq == seq and hmac.compare_digest(latest.hash, hash_):
            return latest
        at_latest = AuditSeal.objects.filter(seq=latest.seq).values_list("hash", flat=True).first()
        if latest.seq > seq or at_latest is None or not hmac.compare_digest(at_latest, latest.hash):
            logger.error("audit chain does not contain checkpoint %s of %s: not anchoring", latest.seq, latest.at)
            return None
    entry_id = AuditSeal.objects.values_list("entry_id", flat=True).get(seq=seq)
    at = _utc(clock.now())
    payload = _anchor_payload(seq, hash_, entry_id, at)
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{ANCHOR_PREFIX}{at[:10]}.jsonl"
    line = json.dumps({**payload, "mac": _mac(payload)}, sort_keys=True) + "\n"
    # One short append per checkpoint: O_APPEND keeps concurrent appends whole; fsync makes
    # it durable before we report it written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return Anchor(seq=seq, hash=hash_, entry_id=entry_id, at=at, file=path.name, line=0, signed=True)


# --- verification ----------------------------------------------------------------------------


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
    """Append one row per event in one INSERT whatever their number (the SLA sweep's batches).

    Like ``record``: no lock, each row with its MAC; the sealing task chains them once committed.
    """
    if not events:
        return 0
    at = clock.now()
    entries = [
        prepare(actor=e.actor, action=e.action, obj=e.obj, reason=e.reason, data=e.data, county=e.county, at=at)
        for e in events
    ]
    insert_rows(AuditEntry, ENTRY_COLUMNS, [_entry_row(e) for e in entries])
    return len(entries)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None
    problem: str
    anchored: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Recompute every MAC and seal in chain order; compare with every checkpoint outside the DB.

    ``broken_at`` is the id of the first row that is wrong or missing (0 when no row can be named).
    """
    # Every line must carry our signature. A chain that matches a checkpoint at position n
    # matches every earlier one too (each seal covers all before it), so each day's newest
    # checkpoint is compared: deleting the newest file still leaves the day before.
    anchors: dict[int, Anchor] = {}
    for path in _anchor_files():
        newest = None
        for known in read_anchors(path):
            if not known.signed:
                return ChainReport(0, 0, BROKEN_ANCHOR_MAC % {"file": known.file, "line": known.line})
            if newest is None or known.seq >= newest.seq:
                newest = known
        if newest is not None:
            anchors[newest.seq] = newest
    expected_prev = GENESIS_HASH
    checked = 0
    seals = AuditSeal.objects.select_related("entry").order_by("seq")
    for seal in seals.iterator(chunk_size=SEAL_BATCH):
        entry = seal.entry
        if seal.seq != checked + 1:
            # A deleted row takes its seal out of the join; a deleted seal leaves a gap. The
            # missing row's id is unknown: name the first row after the gap.
            return ChainReport(checked, seal.entry_id, BROKEN_GAP % {"seq": checked + 1})
        if not hmac.compare_digest(entry_mac(entry), entry.mac):
            return ChainReport(checked, entry.pk, BROKEN_CONTENT)
        if seal.prev_hash != expected_prev:
            return ChainReport(checked, entry.pk, BROKEN_LINK)
        expected = seal_hash(seq=seal.seq, entry_id=entry.pk, mac=entry.mac, prev_hash=expected_prev)
        if not hmac.compare_digest(expected, seal.hash):
            return ChainReport(checked, entry.pk, BROKEN_SEAL)
        anchor = anchors.get(seal.seq)
        if anchor is not None and (anchor.entry_id != entry.pk or not hmac.compare_digest(anchor.hash, seal.hash)):
            return ChainReport(checked, entry.pk, BROKEN_ANCHOR_HASH % {"seq": seal.seq, "at": anchor.at})
        expected_prev = seal.hash
        checked += 1
    if anchors:
        newest = anchors[max(anchors)]
        if newest.seq > checked:
            problem = BROKEN_TRUNCATED % {"at": newest.at, "seq": newest.seq, "count": checked}
            return ChainReport(checked, newest.entry_id, problem)
    pending = set(_pending_ids())
    for entry in AuditEntry.objects.filter(seal__isnull=True).order_by("pk").iterator(chunk_size=SEAL_BATCH):
        # Rows committed since the last seal: their content must still match.
        if not hmac.compare_digest(entry_mac(entry), entry.mac):
            return ChainReport(checked, entry.pk, BROKEN_CONTENT)
        if entry.pk not in pending:
            return ChainReport(checked, entry.pk, BROKEN_UNSEALED)
        checked += 1
    return ChainReport(checked, None, "", anchored=max(anchors) if anchors else 0)


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
