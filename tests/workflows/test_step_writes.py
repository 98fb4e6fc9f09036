"""A step's writes in few statements: audit rows, events, deferred rows and notifications together,
with the same rows, the same tamper evidence and the same after-commit delivery as one by one."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows import audit, clock, events
from workflows.bulk import row_update, update_together
from workflows.models import AuditEntry, AuditPending, County, Event, User
from workflows.sla.models import Delivery, Notification
from workflows.sla.notifications import Notice, notify_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhaoyang(demo_users: dict[str, Any]) -> County:
    return County.objects.get(name="昭阳区")


def test_audit_rows_events_and_deferred_rows_are_one_statement_and_the_chain_verifies(
    demo_users: dict[str, Any], zhaoyang: County, django_capture_on_commit_callbacks: Any
) -> None:
    clerk, chief = demo_users["clerk"], demo_users["chief"]
    events.register_event("test.step_writes", "test.step_written")
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as callbacks:
        with audit.deferred():
            first = audit.record(actor=clerk, action="test.step_writes", obj=zhaoyang, data={"n": 1})
            second = audit.record(actor=chief, action="test.other", county=zhaoyang, reason="理由")
            assert audit.defer_row(County, ("code", "name", "short_name", "order"), ("999", "测试县", "测", 99))
            assert first.pk is None  # nothing written before the scope ends
    writes = [q["sql"] for q in captured if not q["sql"].startswith("SELECT")]  # (a content type may be read)
    assert len(writes) == 1 and writes[0].startswith("WITH b0 AS (INSERT INTO"), writes
    assert first.pk is not None and second.pk == first.pk + 1
    rows = list(AuditEntry.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    assert [(r.action, r.actor_id, r.reason) for r in rows] == [
        ("test.step_writes", clerk.pk, ""),
        ("test.other", chief.pk, "理由"),
    ]
    assert [r.mac for r in rows] == [audit.entry_mac(r) for r in rows]
    assert set(AuditPending.objects.values_list("entry_id", flat=True)) >= {first.pk, second.pk}
    event = Event.objects.get(kind="test.step_written")
    assert event.subject_id == zhaoyang.pk and event.data == {"action": "test.step_writes", "n": 1}
    assert County.objects.filter(code="999", name="测试县").exists()
    assert len(callbacks) == 1  # the webhooks of the events, after commit
    audit.seal_pending(anchor=False)
    assert audit.verify_chain().ok
    # Outside a step nothing is deferred: the caller writes its row itself.
    assert not audit.defer_row(County, ("code",), ("998",))


def test_a_notice_and_its_outbox_rows_are_one_statement_and_sent_after_commit(
    demo_users: dict[str, Any], zhaoyang: County, django_capture_on_commit_callbacks: Any
) -> None:
    clerk, chief, applicant = demo_users["clerk"], demo_users["chief"], demo_users["applicant"]
    User.objects.filter(pk=clerk.pk).update(email="clerk@example.cn")
    User.objects.filter(pk=applicant.pk).update(email="", phone="")
    clerk.refresh_from_db()
    applicant.refresh_from_db()
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        ids = notify_many(
            [
                Notice([clerk, applicant, clerk], zhaoyang, "标题一", "正文一"),
                Notice([chief], None, "标题二", "正文二", level="warning", url="/x/"),
            ]
        )
        assert len([q for q in captured if "sla_notification" in q["sql"]]) == 1
    notes = list(Notification.objects.filter(pk__in=ids).order_by("pk"))
    assert [n.pk for n in notes] == ids  # in the order of the notices and their users
    assert [(n.recipient_id, n.title, n.level, n.url) for n in notes] == [
        (clerk.pk, "标题一", "info", notes[0].url),
        (applicant.pk, "标题一", "info", notes[0].url),
        (chief.pk, "标题二", "warning", "/x/"),
    ]
    assert notes[0].object_id == str(zhaoyang.pk) and notes[2].content_type_id is None
    deliveries = {(d.notification_id, d.channel, d.address) for d in Delivery.objects.filter(notification__in=notes)}
    expected = set()
    for note, user in zip(notes, [clerk, applicant, chief], strict=True):
        if user.email:
            expected.add((note.pk, "email", user.email))
        if user.phone:
            expected.add((note.pk, "sms", user.phone))
    assert deliveries == expected and (notes[0].pk, "email", "clerk@example.cn") in deliveries
    # Handed to a worker after commit (tests/sla/test_delivery.py), not sent by this process.
    assert Delivery.objects.filter(notification__in=notes, sent_at__isnull=True).count() == len(expected)
    assert mail.outbox == []


def test_updates_of_two_tables_in_one_statement(demo_users: dict[str, Any], zhaoyang: County) -> None:
    clerk = demo_users["clerk"]
    zhaoyang.short_name = "昭"
    with CaptureQueriesContext(connection) as captured:
        counts = update_together(
            row_update(zhaoyang, ["short_name"]),
            (User.objects.filter(pk=clerk.pk), {"last_login": clock.now()}),
            (Notification.objects.filter(recipient=clerk), {"read_at": clock.now()}),
        )
    assert len(captured) == 1 and counts == [1, 1, 0]
    assert County.objects.get(pk=zhaoyang.pk).short_name == "昭"
    assert User.objects.get(pk=clerk.pk).last_login is not None
    with pytest.raises(ValueError, match="own table"):
        row_update(zhaoyang, ["id"])
