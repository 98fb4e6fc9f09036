"""Beat could not deliver sweeps for days (broker down): the first sweep afterwards catches up.

Each clock gets what became due while nothing ran, once per level: a clock that only reached
yellow is warned; a clock that passed both thresholds unseen records yellow as skipped (the
warning is moot) before red, and red notifies and escalates once; a clock warned before the
outage gets its red once.
"""

from __future__ import annotations

import pytest
from django.core import mail

from workflows import clock, tasks
from workflows.models import County
from workflows.sla.models import Delivery, Escalation, Firing, Notification

from .helpers import at
from .test_firing import start_step

pytestmark = pytest.mark.django_db


def test_first_sweep_after_an_outage_fires_what_became_due_once_per_level(demo_users: dict) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer, chief = demo_users["reviewer"], demo_users["chief"]
    _t, warned_before = start_step(county, reviewer, at(2026, 9, 22))
    _t, unseen = start_step(county, reviewer, at(2026, 9, 29))
    _t, turning_yellow = start_step(county, reviewer, at(2026, 10, 14))

    last_sweep = at(2026, 9, 28)  # the last sweep beat delivered before the broker went down
    outage_ends = at(2026, 10, 20)
    # The fixture's premises, stated rather than assumed:
    assert warned_before.yellow_date <= last_sweep.date() <= warned_before.due_date
    assert unseen.yellow_date > last_sweep.date() and unseen.due_date < outage_ends.date()
    assert turning_yellow.yellow_date <= outage_ends.date() <= turning_yellow.due_date

    with clock.travel(last_sweep):
        assert tasks.sweep()["sweep_clocks"]["yellow"] == 1
    assert Notification.objects.filter(recipient=reviewer).count() == 1

    # Nothing ran for three weeks. Beat delivers the missed schedule once; a second delivery
    # (or a second worker) must change nothing.
    with clock.travel(outage_ends):
        first = tasks.sweep()["sweep_clocks"]
        second = tasks.sweep()["sweep_clocks"]
    assert (first["red"], first["yellow"]) == (2, 1)
    assert (second["red"], second["yellow"]) == (0, 0)

    def levels(item: object) -> list[tuple[str, bool]]:
        return list(Firing.objects.filter(clock=item).order_by("id").values_list("level", "skipped"))

    assert levels(warned_before) == [("yellow", False), ("red", False)]
    assert levels(unseen) == [("yellow", True), ("red", False)]  # recorded in order, warning not sent
    assert levels(turning_yellow) == [("yellow", False)]
    yellow, red = Firing.objects.filter(clock=unseen).order_by("id")
    assert yellow.fired_at <= red.fired_at

    # Reviewer: the early warning, two overdue notices, one new warning. Chief: two overdue notices.
    to_reviewer = list(Notification.objects.filter(recipient=reviewer).order_by("id").values_list("level", flat=True))
    assert to_reviewer == ["warning", "danger", "danger", "warning"]
    assert list(Notification.objects.filter(recipient=chief).values_list("level", flat=True)) == ["danger", "danger"]
    assert set(Escalation.objects.values_list("clock_id", flat=True)) == {warned_before.pk, unseen.pk}

    # Nothing lost: every outbox row went out, each e-mail once.
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email] * 4 + [chief.email] * 2)
