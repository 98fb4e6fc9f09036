"""The audit trail is append-only in the database and chained by hashes."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from workflows import audit
from workflows.models import AuditEntry, County

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(demo_users):
    county = County.objects.get(name="昭阳区")
    return [
        audit.record(actor=demo_users["clerk"], action="test.first", county=county, reason="原因一"),
        audit.record(actor=demo_users["chief"], action="test.second", obj=county, data={"金额": 12}),
        audit.record(actor=None, action="test.system"),
    ]


def test_rows_chain_each_to_the_one_before(entries):
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[2].actor_name == "system"
    report = audit.verify_chain()
    assert report.ok and report.checked == 3


def test_verify_command_reports_intact_chain(entries, capsys):
    call_command("verify_audit_chain")
    assert "3 rows verified" in capsys.readouterr().out


def test_database_refuses_update_and_delete(entries):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(reason="改过")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert AuditEntry.objects.get(pk=entries[0].pk).reason == "原因一"


def test_tampering_behind_the_database_is_detected(entries):
    with connection.cursor() as cursor:
        # What a DBA could do with superuser rights: bypass the trigger for this session.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE workflows_auditentry SET reason = %s WHERE id = %s", ["改过", entries[0].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == entries[0].pk
    with pytest.raises(CommandError, match=f"broken at row {entries[0].pk}"):
        call_command("verify_audit_chain")


def test_history_lists_an_objects_rows(entries):
    county = County.objects.get(name="昭阳区")
    assert [e.action for e in audit.history(county)] == ["test.second"]
