"""The beat sweep's SLA part: yellow and red fire exactly once per clock and level.

Each clock is handled in its own transaction that first inserts its ``Firing`` row; the
unique constraint (clock, level) makes a second sweep fail that insert (after waiting for
the first to commit), so it sends nothing. A sweep killed midway rolls back the clock it
was on, and the next sweep picks it up. Clock rows are locked with SKIP LOCKED so two
sweeps share the work instead of queueing behind each other.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from workflows import audit, clock
from workflows.models import User
from workflows.tasks import register_sweeper

from .models import Clock, Escalation, Firing, Light, Notification
from .notifications import deliver_pending, notify

logger = logging.getLogger(__name__)

BATCH = 500


def _fired(level: str) -> Exists:
    return Exists(Firing.objects.filter(clock=OuterRef("pk"), level=level))


def due_for(level: str) -> Any:
    today = clock.today()
    qs = Clock.objects.filter(stopped_at__isnull=True, paused_on__isnull=True)
    if level == Light.RED:
        qs = qs.filter(due_date__lt=today)
    else:
        qs = qs.filter(yellow_date__lte=today, due_date__gte=today)
    return qs.filter(~_fired(level)).order_by("due_date", "id")


def escalation_targets(item: Clock) -> list[User]:
    """Holders of the rule's escalation role in the clock's county; city-wide ones if none there."""
    role = item.rule.escalate_to
    if not role:
        return []
    staff = User.objects.filter(groups__name=f"role:{role}", is_active=True)
    local = list(staff.filter(county_id=item.county_id)) if item.county_id else []
    return local or list(staff.filter(county__isnull=True))


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


def fire_one(clock_id: int, level: str) -> bool:
    """Fire ``level`` for one clock unless it already fired; True if this call fired it."""
    with transaction.atomic():
        item = (
            Clock.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("rule", "assignee", "county")
            .filter(pk=clock_id, stopped_at__isnull=True, paused_on__isnull=True)
            .first()
        )
        if item is None or item.light not in (Light.YELLOW, Light.RED):
            return False
        if level == Light.RED and item.light != Light.RED:
            return False
        if level == Light.RED:
            # A warning never sent is moot once the limit has passed: it is recorded (first,
            # so the firings read in level order) but not sent. If red already fired, this row
            # exists already and the insert below fails.
            Firing.objects.get_or_create(
                clock=item, level=Light.YELLOW, defaults={"fired_at": clock.now(), "skipped": True}
            )
        try:
            with transaction.atomic():
                Firing.objects.create(clock=item, level=level, fired_at=clock.now())
        except IntegrityError:
            return False
        title, body = _message(item, level)
        if level == Light.YELLOW:
            recipients = [item.assignee] if item.assignee else escalation_targets(item)
            notify(
                users=recipients,
                subject_obj=item.subject,
                title=title,
                body=body,
                level="warning",
                url=item.subject_url,
            )
        else:
            chiefs = escalation_targets(item)
            notify(
                users=[item.assignee, *chiefs],
                subject_obj=item.subject,
                title=title,
                body=body,
                level=Notification.Level.DANGER,
                url=item.subject_url,
            )
            if item.rule.escalate_to:
                Escalation.objects.get_or_create(
                    clock=item,
                    defaults={"role": item.rule.escalate_to, "county": item.county, "created_at": clock.now()},
                )
        audit.record(
            actor=None,
            action=f"sla.fired_{level}",
            obj=item.subject or item,
            county=item.county,
            data={"clock": item.pk, "due": item.due_date, "holder": item.assignee_id},
        )
        return True


@register_sweeper
def sweep_clocks() -> dict[str, int]:
    """Red first, so a clock found overdue straight away is not also warned as yellow."""
    fired = {Light.RED.value: 0, Light.YELLOW.value: 0}
    for level in (Light.RED, Light.YELLOW):
        ids = list(due_for(level).values_list("pk", flat=True)[:BATCH])
        for clock_id in ids:
            if fire_one(clock_id, level):
                fired[level.value] += 1
    fired["deliveries"] = deliver_pending()
    return fired
