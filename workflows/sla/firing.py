"""The beat sweep's SLA part: yellow and red fire exactly once per clock and level.

Set-based: the ids of every due clock are read in one query, then fired in batches of
``XIUHUA_SLA_SWEEP_BATCH`` (default 500), each batch one transaction with the same dozen
queries whatever its size — lock the batch's clocks (SKIP LOCKED, so two sweeps share the
work instead of queueing), ``INSERT … ON CONFLICT DO NOTHING RETURNING`` their ``Firing``
rows, then bell and outbox rows, escalations and audit rows in bulk for exactly the clocks
whose row this batch inserted. The e-mail/SMS outbox is handed to a worker after commit
(``workflows.tasks.deliver_outbox``; the sweep's ``deliver_pending`` is the safety net).
The unique constraint (clock, level) is the guarantee: a concurrent sweep's insert waits
for ours and then inserts nothing, so it sends nothing. A sweep killed midway rolls back
the batch it was on; the next sweep picks it up. Every due clock is handled in the same
run, so a backlog does not take many beats.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, prefetch_related_objects
from django.dispatch import Signal
from django.utils.translation import gettext as _

from workflows import audit, clock
from workflows.bulk import insert_rows
from workflows.models import User
from workflows.tasks import register_sweeper

from .models import Clock, Escalation, Firing, Light, Notification
from .notifications import Notice, deliver_pending, notify_many

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 500

# Sent inside a batch's transaction once its Firing rows are inserted (before any notice):
# ``level`` and ``clock_ids`` (the clocks this batch fired). Receivers run in that transaction.
clocks_fired = Signal()


def batch_size() -> int:
    return max(1, int(getattr(settings, "XIUHUA_SLA_SWEEP_BATCH", DEFAULT_BATCH)))


def _fired(level: str) -> Exists:
    return Exists(Firing.objects.filter(clock=OuterRef("pk"), level=level))


def _open_and_due(qs: Any, level: str) -> Any:
    today = clock.today()
    qs = qs.filter(stopped_at__isnull=True, paused_on__isnull=True)
    if level == Light.RED:
        return qs.filter(due_date__lt=today)
    return qs.filter(yellow_date__lte=today, due_date__gte=today)


def due_for(level: str) -> Any:
    return _open_and_due(Clock.objects.all(), level).filter(~_fired(level)).order_by("due_date", "id")


def _targets_by_role(items: Iterable[Clock]) -> dict[str, list[tuple[User, int | None]]]:
    """Active holders of every escalation role the batch needs, in one query."""
    roles = {item.rule.escalate_to for item in items if item.rule.escalate_to}
    found: dict[str, list[tuple[User, int | None]]] = defaultdict(list)
    if not roles:
        return found
    staff = (
        User.objects.filter(is_active=True, groups__name__in=[f"role:{role}" for role in roles])
        .annotate(role_group=F("groups__name"))
        .order_by("pk")
    )
    for user in staff:
        found[user.role_group.removeprefix("role:")].append((user, user.county_id))
    return found


def _escalation_targets(item: Clock, by_role: dict[str, list[tuple[User, int | None]]]) -> list[User]:
    """Holders of the rule's escalation role in the clock's county; city-wide ones if none there."""
    role = item.rule.escalate_to
    if not role:
        return []
    holders = by_role.get(role, [])
    local = [user for user, county_id in holders if item.county_id and county_id == item.county_id]
    return local or [user for user, county_id in holders if county_id is None]


def escalation_targets(item: Clock) -> list[User]:
    """The same holders for one clock (a recompute, not a batch): one query."""
    return _escalation_targets(item, _targets_by_role([item]))


def _message(item: Clock, level: str) -> tuple[str, str]:
    values = {
        "rule": item.rule.display_title,
        "subject": item.subject_label,
        "due": item.due_date.isoformat(),
        "holder": item.assignee or _("nobody"),
    }
    if level == Light.RED:
        title = _("Overdue: %(rule)s · %(subject)s") % values
        body = _("The time limit ended on %(due)s. Held by %(holder)s.") % values
    else:
        title = _("Due soon: %(rule)s · %(subject)s") % values
        body = _("The time limit ends on %(due)s. Held by %(holder)s.") % values
    return str(title), str(body)


def _insert_firings(clock_ids: Sequence[int], level: str, *, skipped: bool) -> set[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the clocks whose row this statement inserted.

    A row another transaction inserted and has not committed yet makes this wait for it;
    if it commits, the clock is not returned here, so only one sweep ever acts on it.
    (Django's bulk_create cannot return rows with ignore_conflicts, hence the SQL.)
    """
    if not clock_ids:
        return set()
    table = connection.ops.quote_name(Firing._meta.db_table)
    sql = (
        f"INSERT INTO {table} (clock_id, level, fired_at, skipped) "  # noqa: S608 - table name from the model
        "SELECT id, %s, %s, %s FROM unnest(%s::bigint[]) AS t(id) ORDER BY id "
        "ON CONFLICT (clock_id, level) DO NOTHING RETURNING clock_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, clock.now(), skipped, list(clock_ids)])
        return {row[0] for row in cursor.fetchall()}


def _fire_batch(clock_ids: Sequence[int], level: str) -> int:
    """Fire ``level`` for the batch's clocks that have not fired it; returns how many this call fired."""
    with transaction.atomic():
        items = list(
            _open_and_due(Clock.objects.filter(pk__in=clock_ids), level)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("rule", "assignee", "county")
            .order_by("id")
        )
        if not items:
            return 0
        ids = [item.pk for item in items]
        if level == Light.RED:
            # A warning never sent is moot once the limit has passed: it is recorded (first,
            # so the firings read in level order) but not sent. Clocks warned before keep theirs.
            _insert_firings(ids, Light.YELLOW, skipped=True)
        won = _insert_firings(ids, level, skipped=False)
        fired = [item for item in items if item.pk in won]
        if not fired:
            return 0
        clocks_fired.send(sender=Clock, level=level, clock_ids=[item.pk for item in fired])
        prefetch_related_objects(fired, "subject")  # one query per subject model, not per clock
        by_role = _targets_by_role(fired)
        notices = []
        escalations = []
        events = []
        now = clock.now()
        for item in fired:
            subject = item.subject
            title, body = _message(item, level)
            chiefs = _escalation_targets(item, by_role)
            if level == Light.YELLOW:
                users: list[Any] = [item.assignee] if item.assignee else chiefs
                notices.append(Notice(users, subject, title, body, "warning", item.subject_url))
            else:
                notices.append(
                    Notice([item.assignee, *chiefs], subject, title, body, Notification.Level.DANGER, item.subject_url)
                )
                if item.rule.escalate_to:
                    escalations.append(
                        (item.pk, item.rule.escalate_to, item.county_id, now)
                    )
            events.append(
                audit.Event(
                    actor=None,
                    action=f"sla.fired_{level}",
                    obj=subject or item,
                    county=item.county,
                    data={"clock": item.pk, "due": item.due_date, "holder": item.assignee_id},
                )
            )
        notify_many(notices)  # sent by a worker: thousands of e-mails must not pace the sweep
        insert_rows(
            Escalation,
            ["clock", "role", "county", "created_at"],
            escalations,
            on_conflict_do_nothing=True,
        )
        audit.record_many(events)
        return len(fired)


def fire_level(level: str) -> int:
    """Every clock due at ``level`` now, in batches; returns how many this call fired."""
    size = batch_size()
    ids = list(due_for(level).values_list("pk", flat=True))
    fired = 0
    for start in range(0, len(ids), size):
        fired += _fire_batch(ids[start : start + size], level)
    return fired


@register_sweeper
def sweep_clocks() -> dict[str, int]:
    """Red first, so a clock found overdue straight away is not also warned as yellow."""
    fired = {Light.RED.value: 0, Light.YELLOW.value: 0}
    for level in (Light.RED, Light.YELLOW):
        fired[level.value] = fire_level(level)
    fired["deliveries"] = deliver_pending()
    return fired
