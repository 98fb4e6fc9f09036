"""The outbox: sent after commit by a worker, once, reading outbox and notices by primary key."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows import tasks
from workflows.models import County
from workflows.sla.models import Delivery, Notification
from workflows.sla.notifications import notify

from .test_worker_kill import wait_for, worker_env, workers  # noqa: F401  (fixtures)


@pytest.mark.django_db
def test_the_outbox_is_read_by_primary_key_and_sent_once(
    demo_users: dict, django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    chief = demo_users["chief"]
    assert chief.email
    for i in range(3):
        notify(users=[chief], subject_obj=County.objects.first(), title=f"旧通知{i}", body="—")
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks.deliver_outbox, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[chief], subject_obj=County.objects.first(), title="期限提醒", body="请于明日前办结。")
    ids = list(Delivery.objects.filter(notification__title="期限提醒").values_list("pk", flat=True))
    assert queued == [ids] and mail.outbox == []  # handed to a worker after commit, not sent here
    with CaptureQueriesContext(connection) as captured:
        assert tasks.deliver_outbox(ids) == 1  # what the worker runs
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [("期限提醒", "请于明日前办结。", [chief.email])]
    assert tasks.deliver_outbox(ids) == 0  # a redelivered task sends nothing twice
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    outbox = [sql for sql in reads if 'FROM "sla_delivery"' in sql]
    notices = [sql for sql in reads if 'FROM "sla_notification"' in sql]
    # Not joined: a merge join walked the bell table's whole primary key to reach the newest rows.
    assert len(outbox) == 1 and "JOIN" not in outbox[0], outbox
    assert len(notices) == 1 and 'WHERE ("sla_notification"."id") IN' in notices[0], notices


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_a_real_worker_sends_what_a_committed_notice_queued(
    workers: Callable[[], subprocess.Popen[bytes]],  # noqa: F811  (the fixture imported above)
) -> None:
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    chief = {u.username: u for u in seed_accounts()}["chief"]
    assert chief.email
    workers()
    notify(users=[chief], subject_obj=County.objects.first(), title="超期预警", body="请尽快办理。")  # autocommit
    note = Notification.objects.get(title="超期预警")
    wait_for(
        lambda: not Delivery.objects.filter(notification=note, sent_at__isnull=True).exists(),
        60,
        "the worker to send the notice",
    )
    assert mail.outbox == []  # the worker process sent it, not this one
    assert Delivery.objects.get(notification=note, channel="email").attempts == 1
