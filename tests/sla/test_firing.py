"""The sweep fires yellow and red exactly once per clock and level, even when sweeps overlap or die."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from workflows import audit, clock, tasks
from workflows.models import AuditEntry, County, User
from workflows.sla import firing, services
from workflows.sla.examples import SlaDrillFlow
from workflows.sla.models import Clock, Delivery, Escalation, Firing, Notification

from .helpers import at


def start_step(county: County, owner: User, when: object) -> tuple[Task, Clock]:
    with clock.travel(when):  # type: ignore[arg-type]
        process = SlaDrillFlow.start.run(county_id=county.pk)
    task = Task.objects.get(process=process, flow_task=SlaDrillFlow.review)
    task.owner = owner
    task.save()
    return task, Clock.objects.get(task=task)


@pytest.mark.django_db
def test_moving_the_clock_turns_a_step_yellow_then_red_with_one_notification_each(
    demo_users: dict, client_as: Callable[[str], Client]
) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer, chief = demo_users["reviewer"], demo_users["chief"]
    chief_ludian = User.objects.filter(groups__name="role:chief").exclude(pk=chief.pk)
    task, item = start_step(county, reviewer, at(2026, 9, 29))  # due Mon 12 Oct
    assert item.due_date.isoformat() == "2026-10-12"

    with clock.travel(at(2026, 9, 30)):
        assert tasks.sweep()["sweep_clocks"] == {"red": 0, "yellow": 0, "deliveries": 0}
        assert item.light == "green"

    with clock.travel(at(2026, 10, 9)):  # 2 working days left (Sat 10 and Mon 12)
        first = tasks.sweep()["sweep_clocks"]
        again = tasks.sweep()["sweep_clocks"]
    assert first["yellow"] == 1 and again["yellow"] == 0
    warnings = Notification.objects.filter(recipient=reviewer)
    assert warnings.count() == 1 and warnings.get().level == "warning"
    assert not Notification.objects.filter(recipient=chief).exists()
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0

    # The reviewer sees one unread notification on the bell.
    page = client_as("reviewer").get("/workbench/")
    assert page.status_code == 200
    assert 'data-testid="unread-count">1<' in page.content.decode()

    with clock.travel(at(2026, 10, 13)):
        assert item.light == "red"
        tasks.sweep()
        tasks.sweep()
    assert Notification.objects.filter(recipient=reviewer).count() == 2
    overdue = Notification.objects.get(recipient=chief)
    assert overdue.level == "danger"
    assert not Notification.objects.filter(recipient__in=chief_ludian).exists()  # another county's chief
    assert Firing.objects.filter(clock=item).count() == 2
    escalation = Escalation.objects.get(clock=item)
    assert escalation.role == "chief" and escalation.county == county
    assert len(mail.outbox) == 3

    # The chief's list and workbench gain the item; the reviewer's list does not.
    chief_client = client_as("chief")
    listing = chief_client.get("/sla/escalations/")
    assert f'data-clock="{item.pk}"' in listing.content.decode()
    home = chief_client.get("/workbench/")
    assert 'data-section="escalations"' in home.content.decode() and "2026-10-12" in home.content.decode()
    assert f'data-clock="{item.pk}"' not in client_as("reviewer").get("/sla/escalations/").content.decode()

    # Finishing the task stops the clock and takes it off the chief's list.
    with clock.travel(at(2026, 10, 14)):
        SlaDrillFlow.review.run(task)
    assert f'data-clock="{item.pk}"' not in chief_client.get("/sla/escalations/").content.decode()


@pytest.mark.django_db
def test_a_clock_found_overdue_straight_away_skips_the_yellow_warning(demo_users: dict) -> None:
    county = County.objects.get(name="昭阳区")
    _task, item = start_step(county, demo_users["reviewer"], at(2026, 9, 29))
    with clock.travel(at(2026, 10, 20)):  # the sweep was down for a week
        tasks.sweep()
        tasks.sweep()
    assert Notification.objects.filter(recipient=demo_users["reviewer"]).count() == 1
    assert Firing.objects.get(clock=item, level="yellow").skipped is True
    assert Firing.objects.get(clock=item, level="red").skipped is False


@pytest.mark.django_db
def test_a_paused_or_stopped_clock_does_not_fire(demo_users: dict) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer = demo_users["reviewer"]
    _task, paused = start_step(county, reviewer, at(2026, 9, 29))
    with clock.travel(at(2026, 9, 30)):
        services.clock_pause(clock=paused, reason="testing", note="检测", acting_user=reviewer)
    with clock.travel(at(2026, 10, 20)):
        tasks.sweep()
    assert not Firing.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_sms_goes_through_the_logging_backend_masked(demo_users: dict, caplog: pytest.LogCaptureFixture) -> None:
    reviewer = demo_users["reviewer"]
    reviewer.phone = "13912345678"
    reviewer.save()
    county = County.objects.get(name="昭阳区")
    start_step(county, reviewer, at(2026, 9, 29))
    sms_log = logging.getLogger("xiuhua.sms")
    sms_log.addHandler(caplog.handler)
    try:
        with clock.travel(at(2026, 10, 9)):
            tasks.sweep()
    finally:
        sms_log.removeHandler(caplog.handler)
    messages = [r.getMessage() for r in caplog.records if r.name == "xiuhua.sms"]
    assert len(messages) == 1
    assert "139****5678" in messages[0] and "13912345678" not in messages[0]
    assert Delivery.objects.get(channel="sms").sent_at is not None


@pytest.mark.django_db
def test_a_sweep_killed_midway_is_caught_up_by_the_next_without_repeats(
    demo_users: dict, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.XIUHUA_SLA_SWEEP_BATCH = 2  # type: ignore[attr-defined]
    county = County.objects.get(name="昭阳区")
    items = [start_step(county, demo_users["reviewer"], at(2026, 9, 29))[1] for _ in range(5)]
    real_notify_many = firing.notify_many
    calls = {"n": 0}

    def dying_notify_many(notices: list, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")  # not an Exception: nothing in the sweep may swallow it
        return real_notify_many(notices, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(firing, "notify_many", dying_notify_many)
    with clock.travel(at(2026, 10, 13)), pytest.raises(SystemExit):
        firing.sweep_clocks()
    assert Firing.objects.filter(level="red").count() == 2  # the second batch's transaction rolled back
    assert Escalation.objects.count() == 2

    monkeypatch.setattr(firing, "notify_many", real_notify_many)
    with clock.travel(at(2026, 10, 13)):
        firing.sweep_clocks()
        firing.sweep_clocks()
    for item in items:
        assert Firing.objects.filter(clock=item, level="red").count() == 1
        assert Escalation.objects.filter(clock=item).count() == 1
    # Each clock told the reviewer and the chief once: 5 clocks x 2 people.
    assert Notification.objects.filter(level="danger").count() == 10


def _queries_to_fire(county: County, owner: User, n: int) -> tuple[int, int]:
    """Start ``n`` steps, let them go overdue, and count the sweep's queries: (firing, delivering)."""
    for _ in range(n):
        start_step(county, owner, at(2026, 9, 29))
    with clock.travel(at(2026, 10, 13)), CaptureQueriesContext(connection) as queries:
        fired = firing.sweep_clocks()
    assert fired["red"] == n
    delivering = sum(1 for q in queries.captured_queries if "sla_delivery" in q["sql"])
    return len(queries.captured_queries) - delivering, delivering


@pytest.mark.django_db
def test_the_sweep_costs_the_same_queries_for_three_clocks_and_for_thirty(demo_users: dict, settings: object) -> None:
    settings.XIUHUA_SLA_SWEEP_BATCH = 100  # type: ignore[attr-defined]
    county = County.objects.get(name="昭阳区")
    few = _queries_to_fire(county, demo_users["reviewer"], 3)
    Firing.objects.all().delete()
    Escalation.objects.all().delete()
    Clock.objects.update(stopped_at=clock.now())  # the first round's clocks are done
    many = _queries_to_fire(county, demo_users["reviewer"], 30)
    assert few == many
    assert many[0] <= 20  # one batch: ids, lock, two inserts, notices, escalations, audit, deliveries


@pytest.mark.django_db
def test_a_backlog_larger_than_a_batch_is_fired_in_one_sweep_in_constant_queries_per_batch(
    demo_users: dict, settings: object
) -> None:
    settings.XIUHUA_SLA_SWEEP_BATCH = 4  # type: ignore[attr-defined]
    county = County.objects.get(name="昭阳区")
    reviewer = demo_users["reviewer"]
    for _ in range(4):
        start_step(county, reviewer, at(2026, 9, 29))
    with clock.travel(at(2026, 10, 13)), CaptureQueriesContext(connection) as one_batch:
        assert firing.fire_level("red") == 4
    for _ in range(12):
        start_step(county, reviewer, at(2026, 9, 30))
    with clock.travel(at(2026, 10, 14)), CaptureQueriesContext(connection) as three_batches:
        assert firing.fire_level("red") == 12  # the whole backlog in one run, not one batch per beat
    per_batch = len(one_batch.captured_queries) - 1  # the one query that reads the due ids
    assert len(three_batches.captured_queries) == 1 + 3 * per_batch
    assert Firing.objects.filter(level="red").count() == 16
    # One audit row per fired clock on its subject's history, chained like any other row.
    assert AuditEntry.objects.filter(action="sla.fired_red").count() == 16
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_each_clock_once() -> None:
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    users = {u.username: u for u in seed_accounts()}
    county = County.objects.get(name="昭阳区")
    items = [start_step(county, users["reviewer"], at(2026, 9, 29))[1] for _ in range(12)]

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[dict[str, int]] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(firing.sweep_clocks())
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    with clock.travel(at(2026, 10, 13)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sum(r["red"] for r in results) == 12
    for item in items:
        assert Firing.objects.filter(clock=item, level="red").count() == 1
    assert Escalation.objects.count() == 12
    assert Notification.objects.filter(recipient=users["reviewer"]).count() == 12
    assert Notification.objects.filter(recipient=users["chief"]).count() == 12
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0
    assert Delivery.objects.count() == 24
