"""The two PostgreSQL roles of a production database, as SQL the owner runs.

- The **owner role** owns the schema and every table and runs ``manage.py migrate``; nothing
  else connects with it.
- The **application role** (gunicorn, Celery workers, beat) owns nothing. It may read and write
  the ordinary tables, but on the audit trail only SELECT and INSERT: no UPDATE, DELETE or
  TRUNCATE, and, not being the owner, it cannot disable the append-only triggers (nor set
  ``session_replication_role``, which needs a superuser). The sealing outbox
  (``workflows_auditpending``) it may empty: a row taken out unsealed is still caught by
  ``verify_audit_chain``.

``ALTER DEFAULT PRIVILEGES`` gives the application role the same rights on tables that later
migrations create, so the script is run once per database (re-running it is harmless).
"""

from __future__ import annotations

import re

AUDIT_APPEND_ONLY_TABLES = ("workflows_auditentry", "workflows_auditseal")
AUDIT_OUTBOX_TABLE = "workflows_auditpending"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
BAD_ROLE_NAME = "role and database names must be lower-case identifiers (a-z, 0-9, _): %r"


def _identifier(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(BAD_ROLE_NAME % name)
    return f'"{name}"'


def role_statements(*, app_role: str, owner_role: str, database: str, schema: str = "public") -> list[str]:
    """The statements, in order, that create (if missing) and restrict the application role."""
    app, owner, db, sch = (_identifier(n) for n in (app_role, owner_role, database, schema))
    append_only = ", ".join(AUDIT_APPEND_ONLY_TABLES)
    defaults = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {sch}"
    return [
        f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app_role}') THEN
        CREATE ROLE {app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    END IF;
END $$""",
        f"GRANT CONNECT ON DATABASE {db} TO {app}",
        f"GRANT USAGE ON SCHEMA {sch} TO {app}",
        f"REVOKE CREATE ON SCHEMA {sch} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app}",
        f"{defaults} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        # The audit trail: read and append only, for the application and for everyone else.
        f"REVOKE ALL ON {append_only} FROM {app}, PUBLIC",
        f"GRANT SELECT, INSERT ON {append_only} TO {app}",
        f"REVOKE ALL ON {AUDIT_OUTBOX_TABLE} FROM {app}, PUBLIC",
        f"GRANT SELECT, INSERT, DELETE ON {AUDIT_OUTBOX_TABLE} TO {app}",
    ]


def role_script(*, app_role: str, owner_role: str, database: str, schema: str = "public") -> str:
    header = (
        f"-- Run as the owner role {owner_role!s} (the one that runs migrations) after `manage.py migrate`.\n"
        f"-- Then set the application role's password: ALTER ROLE {app_role} PASSWORD '…';\n"
        f"-- and give the application DATABASE_URL=postgres://{app_role}:…@host/{database}\n"
    )
    body = ";\n".join(role_statements(app_role=app_role, owner_role=owner_role, database=database, schema=schema))
    return f"{header}BEGIN;\n{body};\nCOMMIT;\n"
