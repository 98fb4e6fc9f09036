"""Seed the city's 11 county-level jurisdictions and make the audit trail append-only.

TRUNCATE stays allowed: it needs table ownership, and the test suite's flush uses it.
"""

from django.db import migrations

from workflows.counties import COUNTIES

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION workflows_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_auditentry_append_only
    BEFORE UPDATE OR DELETE ON workflows_auditentry
    FOR EACH ROW EXECUTE FUNCTION workflows_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS workflows_auditentry_append_only ON workflows_auditentry;
DROP FUNCTION IF EXISTS workflows_audit_append_only();
"""


def seed_counties(apps, schema_editor):
    County = apps.get_model("workflows", "County")
    for order, (code, name, short) in enumerate(COUNTIES):
        County.objects.update_or_create(code=code, defaults={"name": name, "short_name": short, "order": order})


def guard_audit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def unguard_audit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [
        migrations.RunPython(seed_counties, migrations.RunPython.noop),
        migrations.RunPython(guard_audit, unguard_audit),
    ]
