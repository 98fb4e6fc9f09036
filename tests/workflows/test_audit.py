"""The audit trail: append-only in the database, keyed MACs, a seal chain and checkpoints outside."""

import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from workflows import audit, tasks
from workflows.models import AuditEntry, AuditPending, AuditSeal, County

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(demo_users):
    county = County.objects.get(name="昭阳区")
    return [
        audit.record(actor=demo_users["clerk"], action="test.first", county=county, reason="原因一"),
        audit.record(actor=demo_users["chief"], action="test.second", obj=county, data={"金额": 12}),
        audit.record(actor=None, action="test.system"),
    ]


def behind_the_database(*statements):
    """What a DBA with superuser rights could do: bypass the triggers (and FK checks) for a session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def delete_newest(count):
    newest = list(AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    behind_the_database(
        ("DELETE FROM workflows_auditseal WHERE entry_id = ANY(%s)", [newest]),
        ("DELETE FROM workflows_auditpending WHERE entry_id = ANY(%s)", [newest]),
        ("DELETE FROM workflows_auditentry WHERE id = ANY(%s)", [newest]),
    )
    return newest


def test_rows_are_queued_then_sealed_into_one_keyed_chain(entries):
    assert set(AuditPending.objects.values_list("entry_id", flat=True)) == {e.pk for e in entries}
    assert entries[2].actor_name == "system"
    assert audit.seal_pending() == 3
    assert not AuditPending.objects.exists()
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.entry_id for s in seals] == [e.pk for e in entries]
    assert [s.seq for s in seals] == [1, 2, 3]
    assert seals[0].prev_hash == audit.GENESIS_HASH
    assert seals[1].prev_hash == seals[0].hash
    assert seals[2].prev_hash == seals[1].hash
    report = audit.verify_chain()
    assert report.ok and report.checked == 3 and report.anchored == 3
    assert audit.seal_pending() == 0


def test_the_mac_is_keyed(entries, settings):
    assert audit.verify_chain().ok
    settings.XIUHUA_AUDIT_KEY = "another-key-that-an-intruder-might-guess"
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == entries[0].pk
    assert report.problem == audit.BROKEN_CONTENT


def test_verify_command_seals_and_reports_intact_chain(entries, capsys):
    call_command("verify_audit_chain")
    assert "audit chain intact: 3 rows verified, checkpoint at position 3." in capsys.readouterr().out
    assert AuditSeal.objects.count() == 3


def test_the_sealing_task_writes_a_signed_checkpoint(entries, settings):
    assert tasks.seal_audit_trail.apply().get() == 3
    files = list(settings.XIUHUA_AUDIT_ANCHOR_DIR.glob("anchors-*.jsonl"))
    assert len(files) == 1
    line = json.loads(files[0].read_text().splitlines()[-1])
    assert line["seq"] == 3 and line["entry"] == entries[2].pk
    assert line["hash"] == AuditSeal.objects.get(seq=3).hash
    # Nothing new: no second checkpoint line.
    audit.seal_pending()
    assert len(files[0].read_text().splitlines()) == 1


def test_database_refuses_update_and_delete(entries):
    audit.seal_pending()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(reason="改过")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflows_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.filter(seq=3).update(hash="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.filter(seq=3).delete()
    assert AuditEntry.objects.get(pk=entries[0].pk).reason == "原因一"


def test_tampering_behind_the_database_is_detected(entries):
    audit.seal_pending()
    behind_the_database(("UPDATE workflows_auditentry SET reason = %s WHERE id = %s", ["改过", entries[0].pk]))
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == entries[0].pk
    assert report.problem == audit.BROKEN_CONTENT
    with pytest.raises(CommandError, match=f"broken at row {entries[0].pk}: row content does not match its MAC"):
        call_command("verify_audit_chain")


def test_an_edited_row_not_yet_sealed_is_detected(entries):
    behind_the_database(("UPDATE workflows_auditentry SET data = %s WHERE id = %s", ['{"金额": 1}', entries[1].pk]))
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == entries[1].pk


def test_a_row_deleted_from_the_middle_is_detected(entries):
    audit.seal_pending()
    behind_the_database(
        ("DELETE FROM workflows_auditseal WHERE entry_id = %s", [entries[1].pk]),
        ("DELETE FROM workflows_auditentry WHERE id = %s", [entries[1].pk]),
    )
    report = audit.verify_chain()
    assert not report.ok
    assert report.problem == audit.BROKEN_GAP % {"seq": 2}


def test_truncation_and_head_rewind_are_detected(entries, demo_users):
    call_command("verify_audit_chain")
    # Delete the two newest rows together with their seals: the chain left in the
    # database is internally consistent, and ends at a head rewound to the first row.
    delete_newest(2)
    assert AuditSeal.objects.count() == 1
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == entries[2].pk
    assert report.problem.startswith("chain truncated") and "has 3 rows, the database 1" in report.problem
    with pytest.raises(CommandError, match="chain truncated"):
        call_command("verify_audit_chain")
    # New rows sealed onto the rewound head do not hide it: the checkpoint's position differs,
    # and the sealer refuses to checkpoint the rewound chain.
    for n in range(3):
        audit.record(actor=demo_users["clerk"], action=f"test.after{n}")
    audit.seal_pending()
    assert AuditSeal.objects.count() == 4
    report = audit.verify_chain()
    assert not report.ok
    assert report.problem.startswith("chain position 3 differs from the checkpoint")


def test_a_forged_checkpoint_is_detected(entries, settings):
    audit.seal_pending()
    path = next(settings.XIUHUA_AUDIT_ANCHOR_DIR.glob("anchors-*.jsonl"))
    line = json.loads(path.read_text())
    line["seq"] = 1
    path.write_text(json.dumps(line) + "\n")
    report = audit.verify_chain()
    assert not report.ok
    assert report.problem == audit.BROKEN_ANCHOR_MAC % {"file": path.name, "line": 1}


def test_a_row_taken_out_of_the_outbox_is_detected(entries):
    behind_the_database(("DELETE FROM workflows_auditpending WHERE entry_id = %s", [entries[2].pk]))
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == entries[2].pk and report.problem == audit.BROKEN_UNSEALED


def test_history_lists_an_objects_rows(entries):
    county = County.objects.get(name="昭阳区")
    assert [e.action for e in audit.history(county)] == ["test.second"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_other(demo_users):
    """A transaction holding an audit row open does not hold up another writer."""
    county = County.objects.get(name="昭阳区")
    written = threading.Event()
    release = threading.Event()
    errors = []

    def long_transaction():
        try:
            with transaction.atomic():
                audit.record(actor=demo_users["clerk"], action="test.slow", county=county)
                written.set()
                assert release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    slow = threading.Thread(target=long_transaction)
    slow.start()
    try:
        assert written.wait(30)
        with transaction.atomic():
            # The former global chain-head lock made this wait for the open transaction;
            # lock_timeout turns any such wait into an error instead of a hang.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            audit.record(actor=demo_users["chief"], action="test.fast", county=county)
    finally:
        release.set()
        slow.join()
    assert not errors
    assert audit.seal_pending() == 2
    assert audit.verify_chain().ok


def test_deleting_the_newest_checkpoint_file_leaves_the_day_before(entries, settings, demo_users):
    first_day = audit.seal_pending()
    assert first_day == 3
    today = next(settings.XIUHUA_AUDIT_ANCHOR_DIR.glob("anchors-*.jsonl"))
    # Yesterday's file: the same signed checkpoint, as the sealer wrote it a day earlier.
    (settings.XIUHUA_AUDIT_ANCHOR_DIR / "anchors-2000-01-01.jsonl").write_text(today.read_text())
    audit.record(actor=demo_users["clerk"], action="test.fourth")
    audit.seal_pending()
    assert audit.latest_anchor().seq == 4
    # Truncate to one row and remove the newest checkpoints: the older file still tells.
    delete_newest(3)
    today.unlink()
    report = audit.verify_chain()
    assert not report.ok
    assert report.problem.startswith("chain truncated") and "has 3 rows, the database 1" in report.problem
