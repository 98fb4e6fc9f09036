"""The outbox after a step: sent once, and read by primary key (its cost must not follow history)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.models import County
from workflows.sla.models import Delivery
from workflows.sla.notifications import notify

pytestmark = pytest.mark.django_db


def test_a_notice_is_sent_after_commit_reading_outbox_and_notice_by_primary_key(
    demo_users: dict, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    chief = demo_users["chief"]
    assert chief.email
    older = [notify(users=[chief], subject_obj=County.objects.first(), title=f"旧通知{i}", body="—") for i in range(3)]
    assert all(older)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        notify(users=[chief], subject_obj=County.objects.first(), title="期限提醒", body="请于明日前办结。")
    assert [m.subject for m in mail.outbox if m.subject == "期限提醒"] == ["期限提醒"]
    assert mail.outbox[-1].body == "请于明日前办结。" and mail.outbox[-1].to == [chief.email]
    assert not Delivery.objects.filter(notification__title="期限提醒", sent_at__isnull=True).exists()
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    outbox = [sql for sql in reads if 'FROM "sla_delivery"' in sql]
    notices = [sql for sql in reads if 'FROM "sla_notification"' in sql]
    # Not joined: a merge join walked the bell table's whole primary key to reach the newest rows.
    assert len(outbox) == 1 and "JOIN" not in outbox[0], outbox
    assert len(notices) == 1 and 'WHERE ("sla_notification"."id") IN' in notices[0], notices
