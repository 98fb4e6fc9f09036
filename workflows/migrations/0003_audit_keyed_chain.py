"""The audit trail without a global lock: keyed content MACs, an outbox and a seal chain.

Existing rows (chained by the former unkeyed SHA-256) are checked against that chain first —
a broken legacy chain stops the upgrade rather than being re-signed — then given their keyed
MAC and sealed in id order. The former single-row chain head, which every writer locked, goes.
"""

import datetime as dt
import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models

ENQUEUE_SQL = """
CREATE OR REPLACE FUNCTION workflows_audit_enqueue() RETURNS trigger AS $$
BEGIN
    INSERT INTO workflows_auditpending (entry_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_auditentry_enqueue
    AFTER INSERT ON workflows_auditentry
    FOR EACH ROW EXECUTE FUNCTION workflows_audit_enqueue();
CREATE TRIGGER workflows_auditseal_append_only
    BEFORE UPDATE OR DELETE ON workflows_auditseal
    FOR EACH ROW EXECUTE FUNCTION workflows_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS workflows_auditseal_append_only ON workflows_auditseal;
DROP TRIGGER IF EXISTS workflows_auditentry_enqueue ON workflows_auditentry;
DROP FUNCTION IF EXISTS workflows_audit_enqueue();
"""

LEGACY_BROKEN = "legacy audit chain broken at row %s: investigate before upgrading; nothing was changed."


def _legacy_digest(entry):
    payload = {
        "prev": entry.prev_hash,
        "at": entry.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "county": entry.county_id,
        "reason": entry.reason,
        "data": entry.data,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def rekey(apps, schema_editor):
    # The live functions, not a copy: the MAC and seal formats must be exactly the verifier's.
    from django.utils import timezone

    from workflows.audit import GENESIS_HASH, entry_mac, seal_hash

    AuditEntry = apps.get_model("workflows", "AuditEntry")
    AuditSeal = apps.get_model("workflows", "AuditSeal")
    entries = list(AuditEntry.objects.order_by("id"))
    if not entries:
        return
    expected_prev = GENESIS_HASH
    for entry in entries:
        if entry.prev_hash != expected_prev or _legacy_digest(entry) != entry.hash:
            raise RuntimeError(LEGACY_BROKEN % entry.pk)
        expected_prev = entry.hash
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE workflows_auditentry DISABLE TRIGGER workflows_auditentry_append_only")
    prev = GENESIS_HASH
    now = timezone.now()
    seals = []
    for seq, entry in enumerate(entries, start=1):
        entry.mac = entry_mac(entry)
        entry.save(update_fields=["mac"])
        digest = seal_hash(seq=seq, entry_id=entry.pk, mac=entry.mac, prev_hash=prev)
        seals.append(AuditSeal(seq=seq, entry_id=entry.pk, prev_hash=prev, hash=digest, sealed_at=now))
        prev = digest
    AuditSeal.objects.bulk_create(seals, batch_size=2000)
    if postgres:
        schema_editor.execute("ALTER TABLE workflows_auditentry ENABLE TRIGGER workflows_auditentry_append_only")


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENQUEUE_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_counties_and_audit_guard")]

    operations = [
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="workflows.auditentry",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField()),
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="seal", to="workflows.auditentry"
                    ),
                ),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64, verbose_name="content MAC"),
            preserve_default=False,
        ),
        migrations.RunPython(rekey),
        migrations.RemoveField(model_name="auditentry", name="hash"),
        migrations.RemoveField(model_name="auditentry", name="prev_hash"),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
