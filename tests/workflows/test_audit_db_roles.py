"""The application's database role may append to the audit trail and nothing more (PostgreSQL)."""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from outdoor_ads.models import PermitApplication
from tests.outdoor_ads.support import web_apply
from workflows import audit
from workflows.models import AuditEntry, AuditSeal

pytestmark = pytest.mark.django_db

APP_ROLE = "xiuhua_app_test"


@contextmanager
def as_app_role():
    # The role is created inside the test's transaction, so the rollback removes it again.
    call_command("audit_db_roles", "--apply", "--app-role", APP_ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {APP_ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql, params=None, match="permission denied|must be owner"):
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_print_sql_names_the_grants(capsys):
    call_command("audit_db_roles", "--print-sql", "--app-role", "xiuhua_app", "--owner-role", "xiuhua_owner")
    sql = capsys.readouterr().out
    assert "GRANT SELECT, INSERT ON workflows_auditentry, workflows_auditseal TO \"xiuhua_app\"" in sql
    assert "REVOKE ALL ON workflows_auditentry, workflows_auditseal FROM \"xiuhua_app\", PUBLIC" in sql
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE \"xiuhua_owner\"" in sql


def test_a_role_name_that_is_not_an_identifier_is_refused():
    with pytest.raises(CommandError, match="lower-case identifiers"):
        call_command("audit_db_roles", "--print-sql", "--app-role", 'x"; DROP TABLE y; --')


def test_the_app_role_appends_and_seals_but_cannot_rewrite(client_as):
    with as_app_role():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == APP_ROLE
        # The application works as this role: a citizen applies through the web.
        assert web_apply(client_as("applicant")).status_code == 302
        assert PermitApplication.objects.count() == 1
        first = audit.record(actor=None, action="test.as_app_role")
        assert audit.seal_pending() >= 1
        assert audit.verify_chain().ok
        entry_table = AuditEntry._meta.db_table
        seal_table = AuditSeal._meta.db_table
        refused(f"UPDATE {entry_table} SET reason = 'x' WHERE id = %s", [first.pk])  # noqa: S608
        refused(f"DELETE FROM {entry_table} WHERE id = %s", [first.pk])  # noqa: S608
        refused(f"UPDATE {seal_table} SET hash = 'x'")  # noqa: S608
        refused(f"DELETE FROM {seal_table}")  # noqa: S608
        refused(f"TRUNCATE {entry_table} CASCADE")
        refused(f"TRUNCATE {seal_table}")
        refused(f"ALTER TABLE {entry_table} DISABLE TRIGGER ALL")
        refused(f"ALTER TABLE {entry_table} DISABLE TRIGGER workflows_auditentry_append_only")
        refused("SET session_replication_role = replica")
        # Granting itself the missing rights is a no-op: it owns nothing.
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {entry_table} TO {APP_ROLE}")
            cursor.execute(
                "SELECT has_table_privilege(current_user, %s, 'UPDATE'), has_table_privilege(current_user, %s, "
                "'DELETE'), has_table_privilege(current_user, %s, 'TRUNCATE')",
                [entry_table] * 3,
            )
            assert cursor.fetchone() == (False, False, False)
    assert AuditEntry.objects.filter(pk=first.pk, reason="").exists()
