"""Notifications: the in-app bell, e-mail through Django's mail backend, SMS through a backend.

``notify`` writes one in-app row per user and an outbox row per channel in the caller's
transaction; the outbox is sent after commit and again by the sweep if a worker died
before sending, so a committed notification is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.utils.module_loading import import_string

from workflows import clock
from workflows.bulk import insert_rows
from workflows.masking import mask_phone

from .models import Delivery, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class LoggingSmsBackend:
    """Writes each SMS to the ``xiuhua.sms`` log (phone masked); a gateway replaces it in production."""

    log = logging.getLogger("xiuhua.sms")

    def send(self, *, phone: str, text: str) -> None:
        self.log.info("SMS to %s: %s", mask_phone(phone), text)


def sms_backend() -> Any:
    path = getattr(settings, "XIUHUA_SMS_BACKEND", "workflows.sla.notifications.LoggingSmsBackend")
    return import_string(path)()


@dataclass(frozen=True)
class Notice:
    """One message to some users about one subject (``notify_many``)."""

    users: Sequence[Any]
    subject_obj: Any
    title: str
    body: str
    level: str = "info"
    url: str = ""


def notify(
    *,
    users: Iterable[Any],
    subject_obj: Any,
    title: str,
    body: str,
    level: str = "info",
    url: str = "",
) -> list[int]:
    return notify_many([Notice(list(users), subject_obj, title, body, level, url)])


def _send_in_worker(ids: list[int]) -> None:
    from workflows.tasks import deliver_outbox

    deliver_outbox.delay(ids)


def notify_many(notices: Sequence[Notice]) -> list[int]:
    """Bell rows and outbox rows for many notices in one statement (returns the bell rows' ids).

    The outbox is sent after commit by a Celery worker (``workflows.tasks.deliver_outbox``), never
    by the request or sweep that wrote it: a slow mail or SMS gateway must not pace a step or a
    sweep. If the broker cannot take the task, the rows stay pending and the next sweep's
    ``deliver_pending`` sends them.
    """
    now = clock.now()
    notes: list[tuple[Any, ...]] = []
    channels: list[list[tuple[str, str]]] = []
    for notice in notices:
        subject_obj = notice.subject_obj
        content_type = ContentType.objects.get_for_model(subject_obj) if subject_obj is not None else None
        object_id = str(subject_obj.pk) if subject_obj is not None else ""
        url = notice.url
        if not url and subject_obj is not None:
            getter = getattr(subject_obj, "get_absolute_url", None)
            url = str(getter()) if getter is not None else ""
        title, body = str(notice.title)[:200], str(notice.body)
        recipients = {user.pk: user for user in notice.users if user is not None}.values()
        for user in recipients:
            notes.append(
                (user.pk, title, body, notice.level, content_type.pk if content_type else None, object_id, url, now)
            )
            addresses: list[tuple[str, str]] = []
            if user.email:
                addresses.append((Delivery.Channel.EMAIL, user.email))
            if getattr(user, "phone", ""):
                addresses.append((Delivery.Channel.SMS, user.phone))
            channels.append(addresses)
    rows = [
        (index, str(channel), address)
        for index, addresses in enumerate(channels)
        for channel, address in addresses
    ]
    note_ids, ids = _insert(notes, rows)
    if ids:
        transaction.on_commit(lambda: _send_in_worker(ids), robust=True)
    return note_ids


NOTE_FIELDS = ["recipient", "title", "body", "level", "content_type", "object_id", "url", "created_at"]


def _insert(notes: list[tuple[Any, ...]], rows: list[tuple[int, str, str]]) -> tuple[list[int], list[int]]:
    """Insert the bell rows and their outbox rows (``rows``: index of the note, channel, address).

    On PostgreSQL one statement: the notes' ids are drawn from their sequence first, so the
    outbox rows name them in the same statement. Returns (note ids in order, outbox ids).
    """
    if not notes:
        return [], []
    if connection.vendor != "postgresql":  # SQLite (make run): two INSERTs
        note_ids = insert_rows(Notification, NOTE_FIELDS, notes, returning="id")
        deliveries = [(note_ids[index], channel, address, 0, "") for index, channel, address in rows]
        fields = ["notification", "channel", "address", "attempts", "error"]
        return note_ids, insert_rows(Delivery, fields, deliveries, returning="id")
    quote = connection.ops.quote_name
    note_meta, delivery_meta = Notification._meta, Delivery._meta
    note_fields: list[Any] = [note_meta.get_field(name) for name in NOTE_FIELDS]
    columns = [quote(f.column) for f in note_fields]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in note_fields)
    channel_type = delivery_meta.get_field("channel").db_type(connection)
    address_type = delivery_meta.get_field("address").db_type(connection)
    note_table, delivery_table = quote(note_meta.db_table), quote(delivery_meta.db_table)
    sql = (
        # ``src`` is materialised once (it is read twice and calls nextval), so each note keeps its id.
        f"WITH src AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('{note_meta.db_table}', 'id')) AS id, "  # noqa: S608 - names from the models
        f"t.* FROM unnest({arrays}) WITH ORDINALITY AS t({', '.join(columns)}, ord)), "
        f"notes AS (INSERT INTO {note_table} (id, {', '.join(columns)}) "
        f"SELECT id, {', '.join(columns)} FROM src ORDER BY ord), "
        f"outbox AS (INSERT INTO {delivery_table} (notification_id, channel, address, attempts, error) "
        f"SELECT src.id, d.channel, d.address, 0, '' FROM unnest(%s::bigint[], %s::{channel_type}[], "
        f"%s::{address_type}[]) WITH ORDINALITY AS d(note, channel, address, position) "
        "JOIN src ON src.ord = d.note ORDER BY d.position RETURNING id) "
        "SELECT 0, ord, id FROM src UNION ALL SELECT 1, 0, id FROM outbox"
    )
    params: list[Any] = [[row[i] for row in notes] for i in range(len(NOTE_FIELDS))]
    params += [[index + 1 for index, _c, _a in rows], [c for _i, c, _a in rows], [a for _i, _c, a in rows]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    note_ids = [pk for kind, _ord, pk in sorted(r for r in result if r[0] == 0)]
    return note_ids, sorted(pk for kind, _ord, pk in result if kind == 1)


def deliver_pending(*, ids: list[int] | None = None, limit: int = 200) -> int:
    """Send unsent outbox rows; rows another worker is sending are skipped, not sent twice.

    The rows stay locked while they are sent and are marked in one UPDATE at the end (failures,
    rare, one UPDATE each).
    """
    sent_ids: list[int] = []
    backend = None
    with transaction.atomic():
        # The notices by primary key in a second query, not joined: the outbox rows are the newest,
        # and a merge join with the bell table walked its whole primary key to reach them (70 ms
        # after each notifying step with 600k notices, 350 ms with 2M: the step's time grew with history).
        qs = Delivery.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).prefetch_related("notification")
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        batch = list(qs.order_by("id").select_for_update(skip_locked=True, of=("self",))[:limit])
        for delivery in batch:
            note = delivery.notification
            delivery.attempts += 1
            try:
                if delivery.channel == Delivery.Channel.EMAIL:
                    send_mail(
                        subject=note.title,
                        message=note.body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=[delivery.address],
                    )
                else:
                    backend = backend or sms_backend()
                    backend.send(phone=delivery.address, text=f"{note.title} {note.body}"[:300])
            except Exception as exc:  # a mail server being down must not lose the row
                logger.warning("delivery %s failed: %s", delivery.pk, exc)
                Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts, error=str(exc)[:1000])
                continue
            sent_ids.append(delivery.pk)
        if sent_ids:
            Delivery.objects.filter(pk__in=sent_ids).update(sent_at=clock.now(), attempts=F("attempts") + 1)
    return len(sent_ids)


@transaction.atomic
def notification_mark_read(*, notification: Notification, acting_user: Any) -> Notification:
    if notification.recipient_id != acting_user.pk:
        raise PermissionError("not your notification")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, acting_user: Any) -> int:
    return Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(read_at=clock.now())
